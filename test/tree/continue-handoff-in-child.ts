/**
 * Run by `handoffs-state.test.ts` in a child process: reads a run paused after a handoff from the
 * file given as the first argument, approves its interruptions, continues it with the agents built
 * anew here, and prints what happened as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { RunState } from '@agentloop/core';
import { refundDesk } from './handoff-agents.js';

const file = process.argv[2];
if (!file) throw new Error('usage: continue-handoff-in-child.ts <state file>');
const state = RunState.parse(readFileSync(file, 'utf8'));
const desk = refundDesk({ refunds: ['Refunded in the child.'] });
const agents: string[] = [];
desk.triage.on('*', (event) => agents.push(`${event.type}@${event.agent}`));
for (const i of state.interruptions) state.approve(i);
const result = await desk.triage.run(state);
console.log(
  JSON.stringify({
    status: result.status,
    agent: result.agent,
    runId: result.runId,
    text: result.text,
    ran: desk.ran,
    calls: {
      triage: desk.models.triage.requests.length,
      refunds: desk.models.refunds.requests.length,
    },
    system: desk.models.refunds.requests[0]?.messages[0],
    agents,
  }),
);
