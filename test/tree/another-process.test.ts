import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lastJsonLine, runNode, SOURCE_FLAGS } from '../../bench/child-process.js';
import { chain, type Ledger, listen, workTool } from './tree-harness.js';

it('an approval three levels down, paused here, continues in another process from the root state', async () => {
  const ledger: Ledger = [];
  const { root } = chain(3, workTool(ledger, 'work', { needsApproval: true }));
  const events = listen(root);
  const paused = await root.run('start');
  expect(paused.status).toBe('interrupted');
  const file = join(mkdtempSync(join(tmpdir(), 'agentloop-tree-')), 'state.json');
  writeFileSync(file, paused.state.toString());

  const child = await runNode([...SOURCE_FLAGS, 'test/tree/continue-tree.ts', file, '3']);
  const out = lastJsonLine<{
    status: string;
    runId: string;
    text: string;
    ledger: string[];
    decided: { id: string; path: string[] }[];
    agents: string[];
    requests: number[];
    usageByAgent: Record<string, number>;
    total: number;
  }>(child, 'the process continuing the tree');

  expect(out.status).toBe('completed');
  expect(out.runId).toBe(paused.runId);
  expect(out.text).toBe('a0 answered');
  expect(out.decided).toEqual([
    { id: paused.interruptions[0]?.id, path: ['a0', 'a1', 'a2', 'a3'] },
  ]);
  // The tool ran once, there; nothing ran here.
  expect(out.ledger).toEqual(['work:3']);
  expect(ledger).toEqual([]);
  expect(out.agents).toEqual(['a0:resumed', 'a1:resumed', 'a2:resumed', 'a3:resumed']);
  // Each model answered once more; none was asked again for the calls it made here.
  expect(out.requests).toEqual([1, 1, 1, 1]);
  // Usage carried over: the total covers both processes' calls.
  const here = events
    .filter((e) => e.type === 'model:end')
    .reduce((sum, e) => sum + (e.type === 'model:end' ? e.usage.totalTokens : 0), 0);
  expect(out.total).toBeGreaterThan(here);
  expect(Object.values(out.usageByAgent).reduce((a, b) => a + b, 0)).toBe(out.total);
}, 60_000);
