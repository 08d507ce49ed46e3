/**
 * Agents that call agents, as the inspector files and draws them, from logs of real runs
 * (`runLog` on `ScriptedModel` agents): a handoff's marker and the active agent of each turn
 * after it; child runs (agents called as tools) filed under their root, summed into its totals,
 * and hung under the tool calls that started them, recursively, with their statuses; and logs
 * written before these events existed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLog } from '@agentloop/inspector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../packages/inspector/src/model/logged-event.js';
import { RunIndex } from '../../packages/inspector/src/model/run-index.js';
import { buildRunTree } from '../../packages/inspector/src/model/run-tree.js';
import { recordHandoffRun } from './record-tree-runs.js';

const DEMO = join(import.meta.dirname, '..', 'fixtures', 'inspector', 'demo-runs.jsonl');

function indexOf(text: string): RunIndex {
  const index = new RunIndex();
  text.split('\n').forEach((line, i) => {
    index.addLine(line, 'runs.jsonl', i + 1);
  });
  return index;
}

/** The tree of one run as the run view builds it from the server's answer. */
function treeOf(index: RunIndex, runId: string) {
  const run = index.runTree(runId);
  if (!run) throw new Error(`no run ${runId}`);
  return buildRunTree({
    summary: run.summary,
    events: run.events,
    descendants: run.descendants.map((d) => ({ summary: d.summary, events: [...d.events] })),
  });
}

let dir: string;
let handoffLog: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentloop-tree-'));
  handoffLog = join(dir, 'handoff.jsonl');
  const result = await recordHandoffRun(runLog({ file: handoffLog }));
  expect(result).toEqual({ text: 'Rain in Oslo, 11 °C.', agent: 'weather' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a handoff', () => {
  it('is one run, started by triage and answered by weather', () => {
    const index = indexOf(readFileSync(handoffLog, 'utf8'));
    const [run] = index.rootRuns();
    expect(index.runs()).toHaveLength(1);
    expect(run).toMatchObject({
      agent: 'triage',
      activeAgent: 'weather',
      handoffs: 1,
      status: 'completed',
      turns: 3,
      path: ['triage'],
    });
    expect(run?.tree).toBeUndefined();
  });

  it('marks the handoff in its turn, and names the active agent of every turn', () => {
    const index = indexOf(readFileSync(handoffLog, 'utf8'));
    const timeline = treeOf(index, index.runs()[0]?.runId ?? '');
    expect(timeline.handoffs).toEqual([
      expect.objectContaining({ from: 'triage', to: 'weather', turn: 1 }),
    ]);
    expect(timeline.turns.map((t) => [t.turn, t.agent])).toEqual([
      [1, 'triage'],
      [2, 'weather'],
      [3, 'weather'],
    ]);
    // The handoff comes after its turn's model call and before the next turn.
    const [handoff] = timeline.handoffs;
    const turn2 = timeline.turns[1];
    expect(handoff?.ts).toBeGreaterThanOrEqual(timeline.turns[0]?.modelCalls[0]?.endTs ?? 0);
    expect(handoff?.ts).toBeLessThanOrEqual(turn2?.startTs ?? 0);
    expect(turn2?.tools.map((t) => [t.name, t.outcome])).toEqual([['forecast', 'ok']]);
    expect(timeline.answer?.text).toBe('Rain in Oslo, 11 °C.');
  });

  it('reads a log of the same run written before events carried agent and path', () => {
    const lines = readFileSync(handoffLog, 'utf8').split('\n').filter(Boolean);
    const old = lines.map((line) => {
      const { path: _path, agent, ...event } = JSON.parse(line) as LoggedEvent;
      // Older versions named the agent on run:start only.
      return JSON.stringify(event.type === 'run:start' ? { ...event, agent } : event);
    });
    const index = indexOf(old.join('\n'));
    const [run] = index.rootRuns();
    expect(run).toMatchObject({ agent: 'triage', activeAgent: 'weather', handoffs: 1 });
    expect(run?.path).toBeUndefined();
    const timeline = treeOf(index, run?.runId ?? '');
    expect(timeline.turns.map((t) => t.agent)).toEqual(['triage', 'weather', 'weather']);
  });
});

describe('a log without agents that call agents', () => {
  it('files the demo’s runs as roots, with no tree and no handoff', () => {
    const index = indexOf(readFileSync(DEMO, 'utf8'));
    expect(index.rootRuns().map((r) => r.runId)).toEqual(index.runs().map((r) => r.runId));
    for (const run of index.rootRuns()) {
      expect(run.tree).toBeUndefined();
      expect(run.handoffs).toBe(0);
      const tree = index.runTree(run.runId);
      expect(tree?.descendants).toEqual([]);
      expect(tree?.ancestors).toEqual([]);
      const timeline = treeOf(index, run.runId);
      expect(timeline.turns.every((t) => t.agent === run.agent)).toBe(true);
      expect(timeline.turns.flatMap((t) => t.tools).some((c) => c.children)).toBe(false);
    }
  });
});
