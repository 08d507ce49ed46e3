/**
 * Memory benchmark: the cost of counting and trimming after one turn is appended, for
 * conversations of 100, 1,000 and 10,000 messages, next to the naive loop the OpenAI cookbook
 * suggests (recount every message, drop the oldest until it fits); and the cold start (import
 * plus first count, in a fresh process).
 *
 * @module
 */

import { TokenCounter, trimMessages } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { DIST_FLAGS, lastJsonLine, runNode } from './child-process.js';
import { median } from './stats.js';

/** One row of the per-turn table. */
export interface MemoryBenchmarkRow {
  /** Messages in the conversation before the turn. */
  messages: number;
  /** Median time to append one turn, count and trim with `trimMessages` (warm counter), ms. */
  agentloopMs: number;
  /** Median time of the naive loop for the same turn, ms. */
  naiveMs: number;
  /** `naiveMs / agentloopMs`. */
  speedup: number;
  /** Turns timed for agentloop and for the naive loop. */
  iterations: { agentloop: number; naive: number };
  /** Messages sent after the last timed turn. */
  kept: number;
  /** Messages in the history after the last timed turn. */
  total: number;
}

/** Result of {@link runMemoryBenchmark}. */
export interface MemoryBenchmarkResult {
  /** Section title. */
  title: string;
  /** Per-turn rows. */
  rows: MemoryBenchmarkRow[];
  /** Cold start medians, ms. */
  coldStart: { importMs: number; firstCountMs: number; processMs: number; runs: number };
  /** The section as markdown. */
  markdown: string;
}

const MODEL = 'gpt-4o';
const BUDGET = 16_000;
const SIZES = [100, 1_000, 10_000];

function turn(n: number): ChatCompletionMessageParam[] {
  return [
    {
      role: 'user',
      content: `Turn ${n}: what is the weather in Paris and what should I wear today?`,
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `call_${n}`,
          type: 'function',
          function: { name: 'get_weather', arguments: `{"city":"Paris","turn":${n}}` },
        },
      ],
    },
    {
      role: 'tool',
      tool_call_id: `call_${n}`,
      content: JSON.stringify({
        city: 'Paris',
        tempC: 12 + (n % 9),
        wind: 'light',
        sky: 'scattered clouds',
        turn: n,
      }),
    },
    {
      role: 'assistant',
      content: `It is ${12 + (n % 9)}°C with light wind in Paris (turn ${n}). A light jacket is enough.`,
    },
  ];
}

function conversation(messages: number): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are a helpful weather assistant.' },
  ];
  for (let n = 1; out.length < messages; n++) out.push(...turn(n));
  return out.slice(0, messages);
}

/** The cookbook's way: count every message from scratch, then drop the oldest until it fits. */
function naiveTrim(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const counter = new TokenCounter({ model: MODEL }); // empty cache: every message is encoded
  const sizes = messages.map((m) => counter.countMessage(m));
  let total = 3 + sizes.reduce((a, b) => a + b, 0);
  let start = 0;
  while (total > BUDGET && start < messages.length - 1) total -= sizes[start++] as number;
  return messages.slice(start);
}

function perTurn(size: number): MemoryBenchmarkRow {
  const counter = new TokenCounter({ model: MODEL });
  let history = conversation(size);
  trimMessages({ messages: history, counter, maxTokens: BUDGET }); // the turns before were already counted
  const iterations = { agentloop: 41, naive: size >= 10_000 ? 7 : 21 };
  const times: number[] = [];
  let kept = 0;
  let n = 1_000_000;
  for (let i = 0; i < iterations.agentloop; i++) {
    const start = performance.now();
    history = [...history, ...turn(n++)];
    kept = trimMessages({ messages: history, counter, maxTokens: BUDGET }).messages.length;
    times.push(performance.now() - start);
  }
  const naive: number[] = [];
  let naiveHistory = conversation(size);
  for (let i = 0; i < iterations.naive; i++) {
    const start = performance.now();
    naiveHistory = [...naiveHistory, ...turn(n++)];
    naiveTrim(naiveHistory);
    naive.push(performance.now() - start);
  }
  const agentloopMs = median(times);
  const naiveMs = median(naive);
  return {
    messages: size,
    agentloopMs,
    naiveMs,
    speedup: naiveMs / agentloopMs,
    iterations,
    kept,
    total: history.length,
  };
}

async function coldStart(runs: number): Promise<MemoryBenchmarkResult['coldStart']> {
  const script = `
    const t0 = performance.now();
    const { TokenCounter } = await import('@agentloop/memory');
    const t1 = performance.now();
    new TokenCounter({ model: 'gpt-4o' }).countMessages([{ role: 'user', content: 'Hello, how are you?' }]);
    const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, firstCountMs: t2 - t1 }));`;
  const samples: Array<{ importMs: number; firstCountMs: number; processMs: number }> = [];
  for (let i = 0; i < runs; i++) {
    const outcome = await runNode([...DIST_FLAGS, '--input-type=module', '-e', script]);
    const figures = lastJsonLine<{ importMs: number; firstCountMs: number }>(
      outcome,
      'the memory cold-start run',
    );
    samples.push({ ...figures, processMs: outcome.wallMs });
  }
  return {
    importMs: median(samples.map((s) => s.importMs)),
    firstCountMs: median(samples.map((s) => s.firstCountMs)),
    processMs: median(samples.map((s) => s.processMs)),
    runs,
  };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));

/**
 * Runs the memory benchmark.
 *
 * @returns The rows, the cold start figures and a markdown section.
 */
export async function runMemoryBenchmark(): Promise<MemoryBenchmarkResult> {
  // Load the encoder before timing anything per turn.
  new TokenCounter({ model: MODEL }).countText('warm up');
  const rows = SIZES.map(perTurn);
  const cold = await coldStart(5);
  const first = rows[0] as MemoryBenchmarkRow;
  const last = rows.at(-1) as MemoryBenchmarkRow;
  const lines = [
    '## Memory: count and trim after one turn',
    '',
    `Model \`${MODEL}\` (o200k_base), budget ${BUDGET.toLocaleString('en-US')} tokens. Each timed turn appends 4 messages`,
    '(user, assistant with a tool call, tool result, assistant) and trims the whole conversation with a',
    'warm `TokenCounter`. The naive loop is the cookbook’s: count every message from scratch with',
    'tiktoken, then drop the oldest until it fits (a charitable version: it counts once per turn, not once',
    'per dropped message). Medians; the naive loop at 10,000 messages is timed over fewer turns.',
    '',
    '| messages | agentloop per turn (ms) | naive per turn (ms) | speedup | turns timed (agentloop / naive) | sent / in history at the end |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.messages.toLocaleString('en-US')} | ${fmt(r.agentloopMs)} | ${fmt(r.naiveMs)} | ${r.speedup.toFixed(0)}x | ${r.iterations.agentloop} / ${r.iterations.naive} | ${r.kept} / ${r.total.toLocaleString('en-US')} |`,
    ),
    '',
    `Flatness: 10,000 messages cost ${(last.agentloopMs / first.agentloopMs).toFixed(2)}x the per-turn time of 100 (target: within 3x).`,
    `Speedup at 10,000 messages: ${last.speedup.toFixed(0)}x over the naive loop (target: at least 100x).`,
    '',
    `Cold start (fresh \`node --import tsx\` process, median of ${cold.runs}): import ${fmt(cold.importMs)} ms, first count ${fmt(cold.firstCountMs)} ms`,
    `(loads the tiktoken WASM and the o200k_base encoder), whole process ${fmt(cold.processMs)} ms.`,
  ];
  return { title: 'Memory', rows, coldStart: cold, markdown: lines.join('\n') };
}
