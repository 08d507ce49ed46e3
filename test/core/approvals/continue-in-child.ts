/**
 * Run by `another-process.test.ts` in a child process: reads a paused run's state from the file
 * given as the first argument, approves every interruption, continues it with an agent built
 * anew here, and prints what happened as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { RunState } from '@agentloop/core';
import { approvalAgent, toolResults } from './approval-agent.js';

const file = process.argv[2];
if (!file) throw new Error('usage: continue-in-child.ts <state file>');
const state = RunState.parse(readFileSync(file, 'utf8'));
const { agent, model, ran } = approvalAgent(['Refunded in the child.']);
for (const i of state.interruptions) state.approve(i);
const result = await agent.run(state);
console.log(
  JSON.stringify({
    status: result.status,
    runId: result.runId,
    text: result.text,
    ran,
    seen: toolResults(model.requests[0]?.messages ?? []),
  }),
);
