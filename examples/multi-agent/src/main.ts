import type { AgentEvent } from '@agentloop/core';
import { describeSearchOutcome, searchResponder } from '@agentloop-examples/search-bot';
import {
  exitQuietlyWhenStdoutCloses,
  formatUsage,
  readCli,
  selectModel,
  ToolProgress,
} from '@agentloop-examples/shared';
import {
  describeWeatherOutcome,
  fixtureFetch,
  weatherResponder,
} from '@agentloop-examples/weather-bot';
import { createDesk } from './desk.js';
import { summariserResponder, triageResponder } from './responders.js';

/** What the desk is asked when it is given no question: one of each path. */
export const DEFAULT_QUESTIONS = [
  'What is the weather in Paris and Oslo?',
  'How does agentloop retry transient model faults?',
  'Summarise: Oslo is the capital of Norway. It has about 700,000 people. The fjord freezes some winters. Trams run every ten minutes.',
];

exitQuietlyWhenStdoutCloses();
const cli = readCli({
  command: 'npx -y pnpm@10 --filter @agentloop-examples/multi-agent start',
  positionals: 'question',
  summary: `A triage agent hands the conversation to a weather or a search agent, and calls a summariser agent as a tool.\nWithout a question it asks three: ${DEFAULT_QUESTIONS.map((q) => `"${q.slice(0, 40)}..."`).join(', ')}`,
});
const questions = cli.text ? [cli.text] : DEFAULT_QUESTIONS;
const triage = selectModel({ offline: triageResponder });
const models = {
  triage: triage.model,
  weather: selectModel({ offline: weatherResponder }).model,
  search: selectModel({ offline: searchResponder }).model,
  summariser: selectModel({ offline: summariserResponder }).model,
};
console.log(triage.notice);
const desk = createDesk({ models, ...(triage.offline ? { fetch: fixtureFetch() } : {}) });
const describe = (outcome: Parameters<typeof describeWeatherOutcome>[0]) =>
  describeWeatherOutcome(outcome) ?? describeSearchOutcome(outcome);

for (const question of questions) {
  console.log(`\n? ${question}`);
  const progress = new ToolProgress({ describe });
  try {
    // One stream for the whole tree: the summariser's events come through the triage's stream.
    const stream = desk.triage.stream(question);
    for await (const event of stream) show(event, progress);
    progress.endText();
    const result = await stream.result;
    console.log(`\n  answered by ${result.agent} · ${formatUsage(result.usage, result.turns)}`);
  } catch (error) {
    progress.endText();
    console.error(`The run failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

/** Prints an event: handoffs and the agents called as tools; the rest as tool progress. */
function show(event: AgentEvent, progress: ToolProgress): void {
  if (event.type === 'agent:handoff') {
    progress.endText();
    console.log(`  ⇢ ${event.from} hands the conversation to ${event.to}`);
    return;
  }
  if (event.path.length > 1) {
    // An agent called as a tool: its start and end, and not its text (its caller relays it).
    if (event.type === 'run:start') console.log(`  ↳ ${event.path.join(' › ')} starts`);
    if (event.type === 'run:end')
      console.log(`  ↳ ${event.path.join(' › ')} answered: ${event.result.text}`);
    return;
  }
  progress.handle(event);
}
