import { relative } from 'node:path';
import type { RunResult } from '@agentloop/core';
import { runLog } from '@agentloop/inspector';
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

/** Where the demo records its runs unless `--log` says otherwise. */
const DEFAULT_LOG = '.agentloop/demo-runs.jsonl';

// The README's first quick-start command (`npx -y pnpm@10 demo`): the weather and search bots end to end.
exitQuietlyWhenStdoutCloses();
const { values } = readCli({
  command: 'npx -y pnpm@10 demo',
  summary:
    'The weather and search bots end to end: parallel tool calls, events, trimming, sessions, usage.',
  options: {
    log: {
      value: '<file>',
      description: `where every run's events are recorded (default ${DEFAULT_LOG})`,
    },
  },
});
// Every event of every run, for the inspector: `npx -y pnpm@10 inspect <file>`.
const log = runLog({ file: values.log ?? DEFAULT_LOG });
const started = performance.now();
const { offline, notice } = selectModel({ offline: weatherResponder });
print('agentloop demo');
print(notice);

try {
  const results: RunResult[] = [];
  results.push(await weatherSection(log));
  results.push(await searchSection(log));
  results.push(...(await sessionSection(log)));

  const { usage, calls } = totalUsage(results);
  print();
  print(`── total · ${results.length} runs · ${formatUsage(usage, calls)}`);
  if (offline) {
    print(
      '   (offline: the scripted model’s requests and replies counted with tiktoken, priced as gpt-4o-mini)',
    );
  }
  print(`   done in ${formatMs(performance.now() - started)}`);
  await log.flush();
  const near = relative(process.cwd(), log.file);
  const file = near.startsWith('..') || near === '' ? log.file : near;
  print(`   run log: ${file} · see the runs: npx -y pnpm@10 inspect ${file}`);
} catch (error) {
  console.error(`The demo stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
