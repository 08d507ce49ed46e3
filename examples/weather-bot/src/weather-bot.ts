import { Agent, type MemoryOptions, type Model } from '@agentloop/core';
import type { ToolOutcome } from '@agentloop/tools';
import { type FetchLike, type WeatherReport, weatherTool } from '@agentloop/tools/builtin';

/** Options of {@link createWeatherBot}. */
export interface WeatherBotOptions {
  /** The model (see `selectModel`). */
  model: Model;
  /** The transport of the weather tool, e.g. `fixtureFetch()` offline. @default the global fetch */
  fetch?: FetchLike | undefined;
  /** Session memory, e.g. `{ store: new InMemoryStore(), maxTokens: 800 }`. @default none */
  memory?: MemoryOptions | undefined;
}

/** The question the bot answers when it is given none. */
export const DEFAULT_WEATHER_QUESTION = "What's the weather in Paris, Oslo and Tokyo right now?";

const INSTRUCTIONS = `You answer questions about the current weather.
Call get_weather once for every city the user names, all in the same turn.
Answer with one short line per city: temperature, feels-like, conditions, humidity and wind, in the units the tool reported.
When several cities are asked for, end with the warmest and the coolest.
If the tool could not find a city, say so and pass on its advice. Never invent weather data.`;

/**
 * The weather bot: an agent with the built-in Open-Meteo weather tool.
 *
 * @param options - `model`, and optionally the weather tool's `fetch` and session `memory`.
 * @returns the agent.
 * @example
 * ```ts
 * const bot = createWeatherBot({ model: openai('gpt-4o-mini') });
 * const result = await bot.run('Weather in Paris and Oslo?');
 * ```
 */
export function createWeatherBot({ model, fetch, memory }: WeatherBotOptions): Agent {
  return new Agent({
    name: 'weather-bot',
    instructions: INSTRUCTIONS,
    model,
    tools: [weatherTool(fetch ? { fetch } : {})],
    ...(memory ? { memory } : {}),
  });
}

/**
 * A few words on a finished weather call for progress lines: `Paris, France 23.4 °C`.
 *
 * @param outcome - the outcome of a `get_weather` call.
 * @returns the text, or `undefined` for another tool.
 */
export function describeWeatherOutcome(outcome: ToolOutcome): string | undefined {
  if (!outcome.ok || outcome.name !== 'get_weather') return undefined;
  const report = outcome.value as WeatherReport;
  return `${report.location.name}, ${report.location.country ?? '?'} ${report.temperature} ${report.units.temperature}, ${report.conditions.toLowerCase()}`;
}
