import type { RunResult } from '@agentloop/core';
import {
  exitQuietlyWhenStdoutCloses,
  formatMs,
  formatUsage,
  readCli,
  selectModel,
} from '@agentloop-examples/shared';
import { weatherResponder } from '@agentloop-examples/weather-bot';
import { print } from './print.js';
import { searchSection } from './search-section.js';
import { sessionSection } from './session-section.js';
import { totalUsage } from './total-usage.js';
import { weatherSection } from './weather-section.js';

// The README's first quick-start command (`npx -y pnpm@10 demo`): the weather and search bots end to end.
exitQuietlyWhenStdoutCloses();
readCli({
  command: 'npx -y pnpm@10 demo',
  summary:
    'The weather and search bots end to end: parallel tool calls, events, trimming, sessions, usage.',
});
const started = performance.now();
const { offline, notice } = selectModel({ offline: weatherResponder });
print('agentloop demo');
print(notice);

try {
  const results: RunResult[] = [];
  results.push(await weatherSection());
  results.push(await searchSection());
  results.push(...(await sessionSection()));

  const { usage, calls } = totalUsage(results);
  print();
  print(`── total · ${results.length} runs · ${formatUsage(usage, calls)}`);
  if (offline) {
    print(
      '   (offline: the scripted model’s requests and replies counted with tiktoken, priced as gpt-4o-mini)',
    );
  }
  print(`   done in ${formatMs(performance.now() - started)}`);
} catch (error) {
  console.error(`The demo stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
