/**
 * Benchmark: what tracing costs a run. The same agent with `otelMiddleware` (the OpenTelemetry
 * SDK, a batch processor and an exporter that drops everything, the AsyncLocalStorage context
 * manager as the Node SDK registers it) and without, in the same process, runs interleaved:
 * over HTTP against the local test server (the loop-overhead workload), and in process on
 * `ScriptedModel` (the per-turn cost, which has no network to hide behind).
 *
 * Each measurement runs in a fresh process (`otel-overhead-child.ts`); the figures are medians
 * over the processes, the ratios medians of the per-process ratios.
 *
 * @module
 */

import { Agent, type Middleware, openai } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { otelMiddleware } from '@agentloop/otel';
import { tool } from '@agentloop/tools';
import { context, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { type RecordedRequest, type Step, startTestServer } from '../test/support/index.js';
import { DIST_FLAGS, lastJsonLine, runNode } from './child-process.js';
import { type BenchResult, type BenchRow, median, now, rowsTable } from './stats.js';

/** Options of {@link runOtelOverheadBenchmark}. */
export interface OtelOverheadOptions {
  /** Tool turns per HTTP run (each with `callsPerTurn` parallel calls), then one answer. @default 5 */
  toolTurns?: number;
  /** Parallel tool calls per turn. @default 3 */
  callsPerTurn?: number;
  /** Timed runs of each variant, per process. @default 300 */
  runs?: number;
  /** Untimed runs of each variant first, per process. @default 50 */
  warmup?: number;
  /** Turns per in-process run. @default 10 */
  turns?: number;
  /** Fresh processes measured; the figures are their medians. @default 5 */
  forks?: number;
  /**
   * The test server to run against; by default one in this process. The benchmark gives its
   * children one in the parent process, so a child measures the client side only, as a service
   * calling a remote model would see it.
   */
  url?: string;
}

/** What one process measured, in ms per run (HTTP) and µs per turn (in process). */
export interface OtelOverheadSample {
  plainMs: number;
  tracedMs: number;
  /** The median ratio traced / plain of runs made back to back. */
  pairedRatio: number;
  plainTurnUs: number;
  tracedTurnUs: number;
  /** Spans the exporter was handed, so a benchmark that traced nothing cannot pass. */
  spans: number;
  /**
   * Where the cost comes from, over HTTP: the median ratio to a plain run of back-to-back runs
   * with a middleware that only calls `next` (the loop's middleware machinery), with bare spans
   * (the SDK and the context manager), and with `otelMiddleware`, the four rotated.
   */
  ladder: { noop: number; bare: number; traced: number };
}

const TARGET_RATIO = 1.03;

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => ({ key, value: key.length * 7, unit: 'm' }),
});

function responder(toolTurns: number, callsPerTurn: number) {
  return (request: RecordedRequest): Step => {
    const turn = request.body.messages.filter((m) => m.role === 'assistant').length;
    if (turn >= toolTurns) return { content: `Looked up ${turn * callsPerTurn} keys.` };
    return {
      toolCalls: Array.from({ length: callsPerTurn }, (_, i) => ({
        name: 'lookup',
        arguments: { key: `t${turn}k${i}` },
      })),
    };
  };
}

const USAGE = { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 };

function turnsModel(turns: number): ScriptedModel {
  return new ScriptedModel((request) => {
    const assistantTurns = request.messages.filter((m) => m.role === 'assistant').length;
    if (assistantTurns + 1 >= turns) return { content: 'Done.', usage: USAGE };
    return {
      toolCalls: [{ name: 'lookup', arguments: { key: `k${assistantTurns}` } }],
      usage: USAGE,
    };
  });
}

/** A middleware that only passes each step on: what the loop's middleware machinery costs. */
const passThrough: Middleware = {
  wrapRun: (_ctx, next) => next(),
  wrapModelCall: (_ctx, next) => next(),
  wrapToolCall: (_ctx, next) => next(),
};

/**
 * The floor of any tracing middleware: the same spans as `otelMiddleware`, each the active one
 * while its step runs, with no attribute and no bookkeeping: what the SDK and the context
 * manager cost, whatever a middleware records.
 */
function bareSpans(tracer: Tracer): Middleware {
  const traced = async <T>(name: string, next: () => Promise<T>): Promise<T> => {
    const parent = context.active();
    const span = tracer.startSpan(name, undefined, parent);
    try {
      return await context.with(trace.setSpan(parent, span), next);
    } finally {
      span.end();
    }
  };
  return {
    wrapRun: (ctx, next) => traced(`invoke_agent ${ctx.agent}`, next),
    wrapModelCall: (ctx, next) => traced(`chat ${ctx.model}`, next),
    wrapToolCall: (ctx, next) => traced(`execute_tool ${ctx.name}`, next),
  };
}

/**
 * Times runners in rotation (each round starts with the next one) and returns, for each after the
 * first, the median ratio to the first of the runs of one round.
 */
async function rotated(
  runners: readonly (() => Promise<void>)[],
  runs: number,
  warmup: number,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const run of runners) await run();
  const ratios: number[][] = runners.slice(1).map(() => []);
  for (let i = 0; i < runs; i++) {
    const ms: number[] = [];
    for (let k = 0; k < runners.length; k++) {
      const index = (i + k) % runners.length;
      const started = now();
      await (runners[index] as () => Promise<void>)();
      ms[index] = now() - started;
    }
    for (let k = 1; k < runners.length; k++) {
      (ratios[k - 1] as number[]).push((ms[k] as number) / (ms[0] as number));
    }
  }
  return ratios.map(median);
}

/**
 * Times two runners interleaved (alternating which goes first) and returns each one's median and
 * the median of the ratios b / a of the runs made back to back: on a busy machine a slow moment
 * hits both runs of a pair, so the paired ratio moves less than the ratio of the medians.
 */
async function interleaved(
  a: () => Promise<void>,
  b: () => Promise<void>,
  runs: number,
  warmup: number,
): Promise<{ a: number; b: number; ratio: number }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const aMs: number[] = [];
  const bMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? [a, b] : [b, a];
    for (const run of order) {
      const started = now();
      await run();
      (run === a ? aMs : bMs).push(now() - started);
    }
    ratios.push((bMs.at(-1) as number) / (aMs.at(-1) as number));
  }
  return { a: median(aMs), b: median(bMs), ratio: median(ratios) };
}

/**
 * Measures, in this process, runs with and without tracing: over HTTP and on `ScriptedModel`.
 */
export async function measureOtelOverhead({
  toolTurns = 5,
  callsPerTurn = 3,
  runs = 300,
  warmup = 50,
  turns = 10,
  url,
}: Omit<OtelOverheadOptions, 'forks'> = {}): Promise<OtelOverheadSample> {
  let spans = 0;
  const dropAll: SpanExporter = {
    export: (batch, done) => {
      spans += batch.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(dropAll)],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = provider.getTracer('bench');
  const tracing: Middleware[] = [otelMiddleware({ tracer })];

  const server =
    url === undefined
      ? await startTestServer({ responder: responder(toolTurns, callsPerTurn) })
      : undefined;
  const baseURL = url ?? server?.url;
  try {
    const make = (middleware: typeof tracing) =>
      new Agent({
        name: 'overhead',
        model: openai('gpt-4o-mini', { apiKey: 'test-key', baseURL }),
        tools: [lookup],
        middleware,
      });
    const plain = make([]);
    const traced = make(tracing);
    const httpRun = (agent: Agent) => async () => {
      const result = await agent.run('Look the keys up.');
      if (result.turns !== toolTurns + 1) throw new Error(`made ${result.turns} turns`);
    };
    const http = await interleaved(httpRun(plain), httpRun(traced), runs, warmup);

    const local = (middleware: typeof tracing) =>
      new Agent({ name: 'local', model: turnsModel(turns), tools: [lookup], middleware });
    const plainLocal = local([]);
    const tracedLocal = local(tracing);
    const localRun = (agent: Agent) => async () => {
      const result = await agent.run('Look the keys up.');
      if (result.turns !== turns) throw new Error(`made ${result.turns} turns`);
    };
    const inProcess = await interleaved(localRun(plainLocal), localRun(tracedLocal), runs, warmup);
    // After the measures above, so that it runs exactly as it always has.
    const [noop = 0, bare = 0, tracedAgain = 0] = await rotated(
      [plain, make([passThrough]), make([bareSpans(tracer)]), traced].map(httpRun),
      runs,
      warmup,
    );
    await provider.forceFlush();
    return {
      plainMs: http.a,
      tracedMs: http.b,
      pairedRatio: http.ratio,
      plainTurnUs: (inProcess.a * 1000) / turns,
      tracedTurnUs: (inProcess.b * 1000) / turns,
      spans,
      ladder: { noop, bare, traced: tracedAgain },
    };
  } finally {
    await server?.close();
    await provider.shutdown();
  }
}

/**
 * Measures tracing's cost in `forks` fresh processes and reports the medians, with the ratio of
 * a traced run over HTTP to a plain one (target at most 1.03).
 */
export async function runOtelOverheadBenchmark({
  forks = 5,
  ...options
}: OtelOverheadOptions = {}): Promise<BenchResult> {
  const { toolTurns = 5, callsPerTurn = 3, runs = 300, warmup = 50, turns = 10 } = options;
  // The model server stays here: the children time the agent's side of the wire only.
  const server = await startTestServer({ responder: responder(toolTurns, callsPerTurn) });
  const samples: OtelOverheadSample[] = [];
  try {
    for (let fork = 0; fork < forks; fork++) {
      const outcome = await runNode([
        ...DIST_FLAGS,
        'bench/otel-overhead-child.ts',
        JSON.stringify({ ...options, url: server.url }),
      ]);
      samples.push(lastJsonLine<OtelOverheadSample>(outcome, 'the otel-overhead child process'));
    }
  } finally {
    await server.close();
  }
  const ratios = samples.map((s) => s.pairedRatio);
  const ratio = median(ratios);
  const plainMs = median(samples.map((s) => s.plainMs));
  const tracedMs = median(samples.map((s) => s.tracedMs));
  const plainTurnUs = median(samples.map((s) => s.plainTurnUs));
  const tracedTurnUs = median(samples.map((s) => s.tracedTurnUs));
  const spansPerRun = toolTurns * callsPerTurn + toolTurns + 2;
  const rows: BenchRow[] = [
    { name: 'run over HTTP, no tracing', value: plainMs, unit: 'ms' },
    { name: 'run over HTTP, otelMiddleware + SDK, no-op exporter', value: tracedMs, unit: 'ms' },
    {
      name: 'ratio traced / plain (over HTTP)',
      value: ratio,
      unit: 'x',
      target: `<= ${TARGET_RATIO}`,
      pass: ratio <= TARGET_RATIO && samples.every((s) => s.spans > 0),
    },
    {
      name: `cost per span (${spansPerRun} spans a run)`,
      value: ((tracedMs - plainMs) * 1000) / spansPerRun,
      unit: 'us',
    },
    { name: 'per turn in process (ScriptedModel), no tracing', value: plainTurnUs, unit: 'us' },
    { name: 'per turn in process (ScriptedModel), traced', value: tracedTurnUs, unit: 'us' },
    {
      name: 'over HTTP, ratio to plain: a pass-through middleware',
      value: median(samples.map((s) => s.ladder.noop)),
      unit: 'x',
    },
    {
      name: 'over HTTP, ratio to plain: bare spans (SDK + context manager)',
      value: median(samples.map((s) => s.ladder.bare)),
      unit: 'x',
    },
    {
      name: 'over HTTP, ratio to plain: otelMiddleware (rotated with the two above)',
      value: median(samples.map((s) => s.ladder.traced)),
      unit: 'x',
    },
  ];
  const title = 'Tracing overhead (@agentloop/otel)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `The loop-overhead workload (${toolTurns} turns of ${callsPerTurn} parallel \`lookup\` calls, then the answer, over HTTP to the local test server, which runs in the parent process so that each child times the agent's side only) run by the same agent with and without \`otelMiddleware\`: the OpenTelemetry SDK's \`BasicTracerProvider\` with a \`BatchSpanProcessor\` and an exporter that drops the spans, and the AsyncLocalStorage context manager, as the Node SDK sets them up. Each of ${forks} fresh processes times ${runs} runs of each, interleaved, after ${warmup} warm-up runs; the ratio is the median over the processes of each one's median ratio of runs made back to back (${ratios.map((r) => r.toFixed(3)).join(', ')}). The in-process rows are runs of ${turns} turns on \`ScriptedModel\` (one call a turn), where nothing hides the spans' cost: it is reported, not held to the target. The last three rows split the cost, in the same processes after the rows above: the same HTTP runs made in rotation by the plain agent, one with a middleware that only calls \`next\` (what any middleware costs the loop), one whose middleware makes the same spans bare, each active while its step runs, with no attribute (what the SDK and the context manager cost, the floor of any tracing middleware), and the traced one. Note that the plain runs share the process with traced ones: once a span has been made active, Node 20's AsyncLocalStorage hooks every promise of the process, plain runs' included, so the ratios leave out that cost, which a service pays as soon as it registers the context manager.`,
  ].join('\n');
  return { title, rows, markdown };
}
