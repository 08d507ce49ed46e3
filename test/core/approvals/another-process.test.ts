import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lastJsonLine, runNode, SOURCE_FLAGS } from '../../../bench/child-process.js';
import { approvalAgent } from './approval-agent.js';

it('a run paused here continues in another process from its text', async () => {
  const { agent, ran } = approvalAgent([
    {
      toolCalls: [
        { id: 'call_r1', name: 'refund', arguments: { order: 7 } },
        { id: 'call_l', name: 'lookup', arguments: { order: 7 } },
      ],
    },
  ]);
  const paused = await agent.run('Refund order 7');
  expect(paused.status).toBe('interrupted');
  expect(ran).toEqual(['lookup:7']);
  const file = join(mkdtempSync(join(tmpdir(), 'agentloop-state-')), 'state.json');
  writeFileSync(file, paused.state.toString());

  const child = await runNode([...SOURCE_FLAGS, 'test/core/approvals/continue-in-child.ts', file]);
  const out = lastJsonLine<{
    status: string;
    runId: string;
    text: string;
    ran: string[];
    seen: Record<string, string>;
  }>(child, 'the child continuing the run');
  expect(out.status).toBe('completed');
  expect(out.runId).toBe(paused.runId);
  expect(out.text).toBe('Refunded in the child.');
  // Only the refund ran in the child: the lookup's result came along in the state.
  expect(out.ran).toEqual(['refund:7']);
  expect(out.seen.call_l).toBe('order 7 is paid');
  expect(JSON.parse(out.seen.call_r1 ?? '')).toEqual({
    refunded: 7,
    key: `${paused.runId}:call_r1`,
  });
  // Nothing ran twice in this process either.
  expect(ran).toEqual(['lookup:7']);
}, 60_000);
