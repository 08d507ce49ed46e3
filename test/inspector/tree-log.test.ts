/**
 * A tree of agents in the run log: the root's listener records the children's events too, each
 * with its agent, path and parent run, and the inspector files each child as a run of its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { runLog } from '@agentloop/inspector';
import { afterEach, expect, it } from 'vitest';
import { RunIndex } from '../../packages/inspector/src/model/run-index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('logs a child run through the root listener, with agent, path and parentRunId', async () => {
  dir = mkdtempSync(join(tmpdir(), 'tree-log-'));
  const file = join(dir, 'runs.jsonl');
  const child = new Agent({ name: 'weather', model: new ScriptedModel(['Sunny.']) });
  const root = new Agent({
    name: 'triage',
    model: new ScriptedModel([
      { toolCalls: [{ id: 'c1', name: 'weather', arguments: { input: 'Oslo?' } }] },
      'It is sunny.',
    ]),
    tools: [child.asTool({ description: 'Weather' })],
  });
  const log = runLog({ file });
  root.on('*', log);
  const result = await root.run('Weather?');
  await log.flush();

  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const childStart = events.find((e) => e.type === 'run:start' && e.agent === 'weather');
  expect(childStart).toMatchObject({ path: ['triage', 'weather'], parentRunId: result.runId });

  const index = new RunIndex();
  lines.forEach((line, i) => {
    index.addLine(line, 'runs.jsonl', i + 1);
  });
  expect(index.problemCount).toBe(0);
  const runs = index.runs();
  expect(runs.map((r) => r.agent).sort()).toEqual(['triage', 'weather']);
  expect(runs.find((r) => r.agent === 'weather')?.runId).toBe(childStart?.runId);
});
