/**
 * What the page is built from, without a browser: a log's lines filed into runs (bad lines
 * reported, the rest kept), each run summed up (status, turns, tokens, cost, error), and a run's
 * timeline (model and tool calls with their outcomes, retries, trims, pauses and resumptions).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLog } from '@agentloop/inspector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../packages/inspector/src/model/logged-event.js';
import { RunIndex } from '../../packages/inspector/src/model/run-index.js';
import { buildRunTimeline } from '../../packages/inspector/src/model/run-timeline.js';
import { buildTimeScale, niceStep } from '../../packages/inspector/src/model/time-scale.js';
import { FAILURE_MESSAGE, recordApprovedRun, recordFailingRun } from './record-runs.js';

const DEMO = join(import.meta.dirname, '..', 'fixtures', 'inspector', 'demo-runs.jsonl');

function indexOf(text: string, file = 'runs.jsonl'): RunIndex {
  const index = new RunIndex();
  text.split('\n').forEach((line, i) => {
    index.addLine(line, file, i + 1);
  });
  return index;
}

let dir: string;
let recorded: RunIndex;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentloop-model-'));
  const log = runLog({ file: join(dir, 'runs.jsonl') });
  await recordFailingRun(log);
  await recordApprovedRun(log);
  recorded = indexOf(readFileSync(join(dir, 'runs.jsonl'), 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RunIndex', () => {
  it('files the recorded demo into its six runs with the totals of their lines', () => {
    const text = readFileSync(DEMO, 'utf8');
    const index = indexOf(text);
    expect(index.problemCount).toBe(0);
    const runs = index.runs();
    expect(runs).toHaveLength(6);
    // Newest first.
    expect(runs.map((r) => r.startTs)).toEqual(
      [...runs.map((r) => r.startTs)].sort((a, b) => b - a),
    );
    const ends = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedEvent)
      .filter((e) => e.type === 'model:end');
    const total = ends.reduce((sum, e) => sum + e.usage.totalTokens, 0);
    expect(runs.reduce((sum, r) => sum + r.tokens.total, 0)).toBe(total);
    for (const run of runs) {
      const mine = ends.filter((e) => e.runId === run.runId);
      const cost = mine.reduce((sum, e) => sum + (e.usage.cost ?? 0), 0);
      expect(run.cost).toBeCloseTo(cost, 12);
      expect(run.modelCalls).toBe(mine.length);
      expect(run.status).toBe('completed');
    }
  });

  it('reports torn, non-JSON and non-event lines with their line numbers, and keeps the rest', () => {
    const good = readFileSync(DEMO, 'utf8').split('\n').filter(Boolean);
    const text = [
      good[0],
      '{"ts":1,"type":"run:st',
      'hello world',
      '[1,2,3]',
      '{"type":"turn:start"}',
      '',
      ...good.slice(1),
    ].join('\n');
    const index = indexOf(text);
    expect(index.problemCount).toBe(4);
    expect(index.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(index.problems[0]?.reason).toMatch(/not JSON/);
    expect(index.problems[3]?.reason).toMatch(/no valid runId, turn, ts/);
    expect(index.runs()).toHaveLength(6);
    expect(index.eventCount).toBe(good.length);
  });

  it('keeps events of types it does not know, for a newer agentloop', () => {
    const index = indexOf(
      [
        '{"ts":1,"type":"run:start","runId":"r","turn":0,"agent":"a"}',
        '{"ts":2,"type":"agent:sleep","runId":"r","turn":1,"ms":5}',
      ].join('\n'),
    );
    const run = index.run('r');
    expect(run?.events).toHaveLength(2);
    expect(buildRunTimeline(run?.events ?? []).other.map((e) => e.type)).toEqual(['agent:sleep']);
  });
});

describe('the summary and timeline of a failing run', () => {
  const failing = () => {
    const summary = recorded.runs().find((r) => r.agent === 'support-bot');
    const run = recorded.run(summary?.runId ?? '');
    if (!summary || !run) throw new Error('the failing run was not recorded');
    return { summary, timeline: buildRunTimeline(run.events) };
  };

  it('says failed, with the error, the retry, the tool faults and the session', () => {
    const { summary } = failing();
    expect(summary).toMatchObject({
      status: 'failed',
      sessionId: 'customer-9',
      input: 'Where is my order 42?',
      retries: 1,
      toolCalls: 4,
      toolFaults: 3,
      turns: 2,
      error: { code: 'model_error', message: expect.stringContaining(FAILURE_MESSAGE) },
    });
    expect(summary.durationMs).toBeGreaterThan(0);
  });

  it('draws the tool calls of the turn side by side, each with its outcome', () => {
    const { timeline } = failing();
    const turn = timeline.turns.find((t) => t.turn === 1);
    const tools = turn?.tools ?? [];
    expect(tools.map((t) => [t.name, t.outcome]).sort()).toEqual([
      ['carrier_status', 'timeout'],
      ['check_stock', 'fault'],
      ['lookup_order', 'denied'],
      ['lookup_order', 'ok'],
    ]);
    const ran = tools.filter((t) => t.outcome === 'ok' || t.outcome === 'timeout');
    // Parallel: each started before the other ended.
    const [a, b] = ran;
    expect(a && b && a.startTs <= b.endTs && b.startTs <= a.endTs).toBe(true);
    const ok = tools.find((t) => t.outcome === 'ok');
    expect(ok?.args).toMatchObject({ order: 42 });
    expect(ok?.output).toContain('shipped');
    expect(tools.find((t) => t.outcome === 'denied')?.error?.message).toMatch(/another customer/);
  });

  it('keeps the retry on its model call, and the failed call ends with the error', () => {
    const { timeline } = failing();
    const calls = timeline.turns.flatMap((t) => t.modelCalls);
    expect(calls[0]?.retries.map((r) => r.error.code)).toEqual(['model_error']);
    expect(calls[0]?.status).toBe('ok');
    expect(calls[0]?.text).toBe('Let me look into order 42.');
    expect(calls.at(-1)?.status).toBe('failed');
    expect(timeline.error?.message).toContain(FAILURE_MESSAGE);
    expect(timeline.status).toBe('failed');
  });
});

describe('the summary and timeline of a run paused for an approval and resumed', () => {
  const approved = () => {
    const summary = recorded.runs().find((r) => r.agent === 'refund-bot');
    const run = recorded.run(summary?.runId ?? '');
    if (!summary || !run) throw new Error('the approved run was not recorded');
    return { summary, timeline: buildRunTimeline(run.events) };
  };

  it('is one run, completed, resumed once, with its answer', () => {
    const { summary, timeline } = approved();
    expect(summary).toMatchObject({ status: 'completed', resumptions: 1, toolCalls: 2 });
    expect(timeline.segments.map((s) => [s.resumed, s.status])).toEqual([
      [false, 'interrupted'],
      [true, 'completed'],
    ]);
    expect(timeline.answer?.text).toBe('Order 42 is refunded: 129 EUR.');
  });

  it('shows the refund as a call that paused the run, then ran once approved', () => {
    const { timeline } = approved();
    const refund = timeline.turns.flatMap((t) => t.tools).filter((t) => t.name === 'refund');
    expect(refund).toHaveLength(1);
    expect(refund[0]).toMatchObject({ outcome: 'ok', interruption: { kind: 'approval' } });
    expect(refund[0]?.interruptedTs).toBeLessThanOrEqual(refund[0]?.startTs ?? 0);
  });

  it('a log that ends at the pause says interrupted, with what it waits for', () => {
    const { summary } = approved();
    const events = recorded.run(summary.runId)?.events ?? [];
    const paused = events.slice(0, events.findIndex((e) => e.type === 'run:end') + 1);
    const timeline = buildRunTimeline(paused);
    expect(timeline.status).toBe('interrupted');
    expect(timeline.interruptions.map((i) => i.name)).toEqual(['refund']);
    const refund = timeline.turns.flatMap((t) => t.tools).find((t) => t.name === 'refund');
    expect(refund?.outcome).toBe('interrupted');
  });
});

describe('buildTimeScale', () => {
  it('maps the run linearly when there is no long idle gap', () => {
    const scale = buildTimeScale(1000, 2000, [
      [1000, 1400],
      [1500, 2000],
    ]);
    expect(scale.breaks).toEqual([]);
    expect(scale.at(1500)).toBeCloseTo(0.5);
    expect(scale.at(500)).toBe(0);
    expect(scale.at(5000)).toBe(1);
  });

  it('draws an hour waiting for an approval as a narrow break that says how long it was', () => {
    const hour = 3_600_000;
    const scale = buildTimeScale(0, hour + 2000, [
      [0, 1000],
      [hour + 1000, hour + 2000],
    ]);
    expect(scale.breaks).toHaveLength(1);
    expect(scale.breaks[0]?.hiddenMs).toBe(hour);
    const width = (scale.breaks[0]?.to ?? 0) - (scale.breaks[0]?.from ?? 0);
    expect(width).toBeLessThan(0.1);
    // Both stretches of activity keep most of the axis, in order.
    expect(scale.at(1000)).toBeGreaterThan(0.4);
    expect(scale.at(hour + 1000)).toBeLessThan(0.6);
    expect(scale.at(hour + 1500)).toBeGreaterThan(scale.at(hour + 1000));
  });

  it('labels ticks in round steps', () => {
    expect([niceStep(180), niceStep(1300), niceStep(4), niceStep(0)]).toEqual([200, 2000, 5, 1]);
    const scale = buildTimeScale(0, 1000, [[0, 1000]]);
    expect(scale.ticks.map((t) => t.ms)).toEqual([0, 200, 400, 600, 800, 1000]);
  });
});
