/**
 * Run by `another-process.test.ts` in a child process: builds the tree of the given depth anew,
 * reads the root's paused state from the file, approves every interruption, continues the root
 * and prints what happened as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { RunState } from '@agentloop/core';
import { chain, type Ledger, workTool } from './tree-agents.js';

const [file, depthArg] = process.argv.slice(2);
if (!file || !depthArg) throw new Error('usage: continue-tree.ts <state file> <depth>');
const ledger: Ledger = [];
const { root, models } = chain(Number(depthArg), workTool(ledger, 'work', { needsApproval: true }));
const state = RunState.parse(readFileSync(file, 'utf8'));
const decided = state.interruptions.map((i) => ({ id: i.id, path: i.path }));
for (const i of state.interruptions) state.approve(i);
const agents: string[] = [];
root.on('run:start', (e) => {
  agents.push(`${e.agent}:${e.resumed ? 'resumed' : 'new'}`);
});
const result = await root.run(state);
console.log(
  JSON.stringify({
    status: result.status,
    runId: result.runId,
    text: result.text,
    ledger,
    decided,
    agents,
    requests: models.map((m) => m.requests.length),
    usageByAgent: Object.fromEntries(
      Object.entries(result.usageByAgent).map(([k, u]) => [k, u.totalTokens]),
    ),
    total: result.usage.totalTokens,
  }),
);
