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
import type { ChildRunView, RunTimeline } from '../../packages/inspector/src/model/run-timeline.js';
import { buildRunTree } from '../../packages/inspector/src/model/run-tree.js';
import { deferred } from '../support/deferred.js';
import {
  CHILD_FAILURE,
  recordCancelledChain,
  recordDeepApproval,
  recordFailedChild,
  recordHandoffRun,
  recordNestedRun,
  recordSpacedName,
} from './record-tree-runs.js';

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

/** Every child run hung under the tool calls of `timeline`, with the call's name. */
function childrenOf(
  timeline: RunTimeline,
): Array<{ call: string; callId: string; child: ChildRunView }> {
  return timeline.turns.flatMap((turn) =>
    turn.tools.flatMap((call) =>
      (call.children ?? []).map((child) => ({ call: call.name, callId: call.toolCallId, child })),
    ),
  );
}

let dir: string;
let handoffLog: string;
let nestedLog: string;
let chainLog: string;
let failedLog: string;
let chainError: unknown;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentloop-tree-'));
  handoffLog = join(dir, 'handoff.jsonl');
  const result = await recordHandoffRun(runLog({ file: handoffLog }));
  expect(result).toEqual({ text: 'Rain in Oslo, 11 °C.', agent: 'weather' });
  nestedLog = join(dir, 'nested.jsonl');
  expect(await recordNestedRun(runLog({ file: nestedLog }))).toBe(
    'Both cities: rain, 11 °C. Pack a coat.',
  );
  chainLog = join(dir, 'chain.jsonl');
  const started = deferred();
  const controller = new AbortController();
  void started.promise.then(() => controller.abort(new Error('The user closed the page.')));
  chainError = await recordCancelledChain(runLog({ file: chainLog }), started, controller);
  failedLog = join(dir, 'failed.jsonl');
  expect(await recordFailedChild(runLog({ file: failedLog }))).toBe(
    'Billing is unavailable; try again later.',
  );
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

describe('agents called as tools', () => {
  it('files the children under their root: one root, its totals the sum of the tree', () => {
    const text = readFileSync(nestedLog, 'utf8');
    const index = indexOf(text);
    // planner, two researchers, two geos.
    expect(index.runs()).toHaveLength(5);
    const roots = index.rootRuns();
    expect(roots.map((r) => r.agent)).toEqual(['planner']);
    const [root] = roots;
    const ends = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedEvent)
      .filter((e) => e.type === 'model:end');
    const own = ends.filter((e) => e.runId === root?.runId);
    const sum = (list: LoggedEvent[]) =>
      list.reduce((n, e) => n + (e.type === 'model:end' ? e.usage.totalTokens : 0), 0);
    const cost = (list: LoggedEvent[]) =>
      list.reduce((n, e) => n + (e.type === 'model:end' ? (e.usage.cost ?? 0) : 0), 0);
    expect(root?.tokens.total).toBe(sum(own));
    expect(root?.tree).toMatchObject({
      runs: 4,
      agents: ['researcher', 'geo'],
      failed: 0,
      modelCalls: ends.length,
    });
    expect(root?.tree?.tokens.total).toBe(sum(ends));
    expect(root?.tree?.tokens.total).toBeGreaterThan(root?.tokens.total ?? 0);
    expect(root?.tree?.cost).toBeCloseTo(cost(ends), 12);
    // A child's own view knows its place.
    const geo = index.runs().find((r) => r.agent === 'geo');
    expect(geo?.path).toEqual(['planner', 'researcher', 'geo']);
    const geoTree = index.runTree(geo?.runId ?? '');
    expect(geoTree?.ancestors.map((a) => a.agent)).toEqual(['planner', 'researcher']);
    expect(geoTree?.descendants).toEqual([]);
  });

  it('hangs each child under the call that started it, recursively, with its own calls', () => {
    const index = indexOf(readFileSync(nestedLog, 'utf8'));
    const root = index.rootRuns()[0];
    const timeline = treeOf(index, root?.runId ?? '');
    const children = childrenOf(timeline);
    // The two parallel calls of the researcher each got one researcher run, in order.
    expect(children.map(({ callId, child }) => [callId, child.agent, child.status])).toEqual([
      ['call_oslo', 'researcher', 'completed'],
      ['call_bergen', 'researcher', 'completed'],
    ]);
    for (const [i, { child }] of children.entries()) {
      const city = i === 0 ? 'Oslo' : 'Bergen';
      expect(child.path).toEqual(['planner', 'researcher']);
      expect(child.timeline.answer?.text).toBe(`${city}: rain, 11 °C.`);
      const calls = child.timeline.turns.flatMap((t) => t.tools);
      expect(calls.map((c) => [c.name, c.outcome])).toEqual([
        ['forecast', 'ok'],
        ['geo', 'ok'],
      ]);
      expect(calls[0]?.args).toEqual({ city });
      // One level deeper: the geo run under the researcher's geo call, with its geocode call.
      const [geo] = childrenOf(child.timeline);
      expect(geo?.call).toBe('geo');
      expect(geo?.child.path).toEqual(['planner', 'researcher', 'geo']);
      const geocode = geo?.child.timeline.turns.flatMap((t) => t.tools)[0];
      expect(geocode).toMatchObject({ name: 'geocode', outcome: 'ok', args: { place: city } });
      // A child runs inside the call that started it.
      const call = timeline.turns.flatMap((t) => t.tools)[i];
      expect(child.timeline.startTs).toBeGreaterThanOrEqual(call?.startTs ?? Number.NaN);
      expect(child.timeline.endTs).toBeLessThanOrEqual(call?.endTs ?? Number.NaN);
      expect(child.summary.tree?.runs).toBe(1);
    }
    expect(timeline.children).toEqual([]);
  });

  it('follows the call each child names (parentToolCallId), and guesses from the times in older logs', () => {
    const lines = readFileSync(nestedLog, 'utf8').split('\n').filter(Boolean);
    const events = lines.map((line) => JSON.parse(line) as LoggedEvent);
    expect(events.filter((e) => e.agent === 'researcher').map((e) => e.parentToolCallId)).toContain(
      'call_oslo',
    );
    const researchers = (tree: RunTimeline) =>
      childrenOf(tree).map(({ callId, child }) => [callId, child.timeline.answer?.text]);
    // Each child names its call: swapping the names moves the children, whatever their times.
    const swapped = events.map((e) =>
      e.agent !== 'researcher'
        ? e
        : {
            ...e,
            parentToolCallId: e.parentToolCallId === 'call_oslo' ? 'call_bergen' : 'call_oslo',
          },
    );
    const index = indexOf(swapped.map((e) => JSON.stringify(e)).join('\n'));
    expect(researchers(treeOf(index, index.rootRuns()[0]?.runId ?? ''))).toEqual([
      ['call_oslo', 'Bergen: rain, 11 °C.'],
      ['call_bergen', 'Oslo: rain, 11 °C.'],
    ]);
    // A log written before events named the call: the children go by their start times.
    const older = events.map(({ parentToolCallId: _, ...e }) => e);
    const olderIndex = indexOf(older.map((e) => JSON.stringify(e)).join('\n'));
    expect(researchers(treeOf(olderIndex, olderIndex.rootRuns()[0]?.runId ?? ''))).toEqual([
      ['call_oslo', 'Oslo: rain, 11 °C.'],
      ['call_bergen', 'Bergen: rain, 11 °C.'],
    ]);
  });

  it('says aborted for every run of a chain three deep cancelled at its bottom', () => {
    const index = indexOf(readFileSync(chainLog, 'utf8'));
    const [root] = index.rootRuns();
    expect(root).toMatchObject({ agent: 'top', status: 'failed', error: { code: 'run_aborted' } });
    expect((chainError as { code?: string }).code).toBe('run_aborted');
    expect(root?.tree).toMatchObject({ runs: 3, agents: ['middle', 'bottom', 'deepest'] });
    let level = treeOf(index, root?.runId ?? '');
    const seen: Array<[string, string, number]> = [];
    for (;;) {
      const [next] = childrenOf(level);
      if (!next) break;
      seen.push([next.child.agent, next.child.status, next.child.path.length - 1]);
      level = next.child.timeline;
    }
    expect(seen).toEqual([
      ['middle', 'aborted', 1],
      ['bottom', 'aborted', 2],
      ['deepest', 'aborted', 3],
    ]);
    const wait = level.turns.flatMap((t) => t.tools)[0];
    expect(wait?.name).toBe('wait_for_carrier');
    expect(wait?.outcome === 'aborted' || wait?.outcome === 'fault').toBe(true);
  });

  it('says failed for a child whose model failed, with its error, under a failed call', () => {
    const index = indexOf(readFileSync(failedLog, 'utf8'));
    const [root] = index.rootRuns();
    expect(root).toMatchObject({ agent: 'support', status: 'completed' });
    expect(root?.tree).toMatchObject({ runs: 1, failed: 1 });
    const [billing] = childrenOf(treeOf(index, root?.runId ?? ''));
    expect(billing?.child.status).toBe('failed');
    expect(billing?.child.timeline.error?.message).toContain(CHILD_FAILURE);
    const call = treeOf(index, root?.runId ?? '').turns.flatMap((t) => t.tools)[0];
    expect(call?.outcome).toBe('fault');
  });

  it('shows a child that arrives while its caller waits (a log read as it grows)', () => {
    const lines = readFileSync(nestedLog, 'utf8').split('\n').filter(Boolean);
    const index = new RunIndex();
    const rootId = (JSON.parse(lines[0] ?? '{}') as LoggedEvent).runId;
    // Up to the first line of a geo run: the researchers are running, one geo has started.
    const cut = lines.findIndex((line) => (JSON.parse(line) as LoggedEvent).agent === 'geo');
    lines.slice(0, cut + 1).forEach((line, i) => {
      index.addLine(line, 'runs.jsonl', i + 1);
    });
    expect(index.rootRuns()).toHaveLength(1);
    const timeline = treeOf(index, rootId);
    const running = childrenOf(timeline);
    expect(running.map(({ child }) => child.status)).toEqual(['running', 'running']);
    const geos = running.flatMap(({ child }) => childrenOf(child.timeline));
    expect(geos.map(({ child }) => [child.agent, child.status])).toEqual([['geo', 'running']]);
    lines.slice(cut + 1).forEach((line, i) => {
      index.addLine(line, 'runs.jsonl', cut + 2 + i);
    });
    const done = childrenOf(treeOf(index, rootId));
    expect(done.map(({ child }) => child.status)).toEqual(['completed', 'completed']);
  });

  it('keeps a child no tool call fits (a log cut short) in its caller, and a child without its caller as a root', () => {
    const lines = readFileSync(nestedLog, 'utf8').split('\n').filter(Boolean);
    const events = lines.map((line) => JSON.parse(line) as LoggedEvent);
    const rootId = events[0]?.runId;
    // The caller's tool lines lost: its children have no call to hang under.
    const noStarts = events.filter(
      (e) => !(e.runId === rootId && (e.type === 'tool:start' || e.type === 'tool:end')),
    );
    const index = indexOf(noStarts.map((e) => JSON.stringify(e)).join('\n'));
    const timeline = treeOf(index, rootId ?? '');
    expect(timeline.children.map((c) => c.agent)).toEqual(['researcher', 'researcher']);
    // The caller's lines lost altogether: its children are roots, each with its own tree.
    const orphans = indexOf(
      events
        .filter((e) => e.runId !== rootId)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect(orphans.rootRuns().map((r) => [r.agent, r.parentRunId, r.tree?.runs])).toEqual([
      ['researcher', rootId, 1],
      ['researcher', rootId, 1],
    ]);
  });
});

describe('a child among parallel calls', () => {
  it('goes under the call of its own tool, named as asTool names it', async () => {
    const file = join(dir, 'spaced.jsonl');
    await recordSpacedName(runLog({ file }));
    const index = indexOf(readFileSync(file, 'utf8'));
    const [root] = index.rootRuns();
    const timeline = treeOf(index, root?.runId ?? '');
    const calls = timeline.turns.flatMap((t) => t.tools);
    expect(calls.map((c) => c.name)).toEqual(['lookup', 'geo_desk']);
    // Both calls were running when the child started.
    const child = index.runs().find((r) => r.agent === 'geo desk');
    for (const call of calls) {
      expect(call.startTs).toBeLessThanOrEqual(child?.startTs ?? 0);
      expect(call.endTs).toBeGreaterThanOrEqual(child?.startTs ?? 0);
    }
    expect(childrenOf(timeline).map(({ call, child }) => [call, child.agent])).toEqual([
      ['geo_desk', 'geo desk'],
    ]);
  });
});

describe('a pause deep in the tree', () => {
  it('lists the call waiting for a decision with its path, and the child that waits', async () => {
    const file = join(dir, 'deep-pause.jsonl');
    expect(await recordDeepApproval(runLog({ file }), { resume: false })).toBe('interrupted');
    const index = indexOf(readFileSync(file, 'utf8'));
    const [root] = index.rootRuns();
    expect(root).toMatchObject({ agent: 'desk', status: 'interrupted' });
    const timeline = treeOf(index, root?.runId ?? '');
    expect(timeline.interruptions.map((i) => [i.name, i.path])).toEqual([
      ['refund', ['desk', 'refunds']],
    ]);
    const [refunds] = childrenOf(timeline);
    expect(refunds?.call).toBe('refunds');
    expect(refunds?.child.status).toBe('interrupted');
    const waiting = refunds?.child.timeline.turns.flatMap((t) => t.tools)[0];
    expect(waiting).toMatchObject({ name: 'refund', outcome: 'interrupted' });
  });

  it('shows the tree run to its answer once approved on the root', async () => {
    const file = join(dir, 'deep-approved.jsonl');
    expect(await recordDeepApproval(runLog({ file }), { resume: true })).toBe('completed');
    const index = indexOf(readFileSync(file, 'utf8'));
    const [root] = index.rootRuns();
    expect(root).toMatchObject({ agent: 'desk', status: 'completed', resumptions: 1 });
    const timeline = treeOf(index, root?.runId ?? '');
    expect(timeline.answer?.text).toBe('Done: order 42 is refunded.');
    const children = childrenOf(timeline);
    expect(children.length).toBeGreaterThanOrEqual(1);
    const refunds = children.at(-1)?.child;
    expect(refunds?.status).toBe('completed');
    const refund = refunds?.timeline.turns.flatMap((t) => t.tools).find((c) => c.name === 'refund');
    expect(refund).toMatchObject({ outcome: 'ok', interruption: { kind: 'approval' } });
  });
});

describe('a log attached to every agent of the tree', () => {
  it('holds each event once', async () => {
    const file = join(dir, 'every-agent.jsonl');
    await recordNestedRun(runLog({ file }), { everyAgent: true });
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBe(readFileSync(nestedLog, 'utf8').split('\n').filter(Boolean).length);
    expect(new Set(lines.map((l) => l.replace(/"ts":\d+,/, ''))).size).toBe(lines.length);
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
