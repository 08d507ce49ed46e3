import type { RunResult } from '@agentloop/core';
import type { RunLog } from '@agentloop/inspector';
import { formatUsage, selectModel, ToolProgress } from '@agentloop-examples/shared';
import {
  createWeatherBot,
  DEFAULT_WEATHER_QUESTION,
  describeWeatherOutcome,
  fixtureFetch,
  weatherResponder,
} from '@agentloop-examples/weather-bot';
import { EventTimeline } from './event-timeline.js';
import { heading, print } from './print.js';

/**
 * The weather bot, streamed: three cities in one turn, so three tool calls run in parallel;
 * their progress comes from `tool:start` / `tool:end`, the answer from `text:delta`, and the
 * whole event sequence is printed at the end.
 *
 * @param log - records every event of the runs, for the inspector.
 * @returns the run's result.
 */
export async function weatherSection(log: RunLog): Promise<RunResult> {
  heading(1, 'Weather bot · parallel tool calls, lifecycle events, streamed answer');
  const { model, offline } = selectModel({ offline: weatherResponder });
  const bot = createWeatherBot({ model, ...(offline ? { fetch: fixtureFetch() } : {}) });
  bot.on('*', log);
  const progress = new ToolProgress({ describe: describeWeatherOutcome });
  const timeline = new EventTimeline();

  print(`? ${DEFAULT_WEATHER_QUESTION}`);
  const stream = bot.stream(DEFAULT_WEATHER_QUESTION);
  for await (const event of stream) {
    timeline.record(event);
    progress.handle(event);
  }
  progress.endText();
  const result = await stream.result;

  const [first = '', ...rest] = timeline.lines(90);
  print(`  events (${timeline.size}): ${first}`);
  for (const line of rest) print(`    ${line}`);
  print(`  usage: ${formatUsage(result.usage, result.turns)}`);
  return result;
}
