/**
 * Benchmark 1: the whole loop over HTTP against the local test server (zero model latency),
 * next to a hand-written loop on the raw `openai` client making the same requests: the floor.
 *
 * Each measurement runs in a fresh process (`loop-overhead-child.ts`) with its own server, and
 * the figure is the median over several such processes. The ratio of one process moves by a few
 * percent from process to process (how the JIT compiled each loop, when the collector ran), more
 * than between the runs of one process, so one process alone could report an outlier.
 *
 * @module
 */

import { Agent, openai } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import OpenAI from 'openai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import { type RecordedRequest, type Step, startTestServer } from '../test/support/index.js';
import { DIST_FLAGS, lastJsonLine, runNode } from './child-process.js';
import { type BenchResult, type BenchRow, fmt, median, now, rowsTable } from './stats.js';

/** Options of {@link runLoopOverheadBenchmark}. */
export interface LoopOverheadOptions {
  /** Tool turns per run (each with `callsPerTurn` parallel calls), then one answer. @default 5 */
  toolTurns?: number;
  /** Parallel tool calls per turn. @default 3 */
  callsPerTurn?: number;
  /** Timed runs of each loop, per process. @default 300 */
  runs?: number;
  /** Untimed runs of each loop first, per process. @default 50 */
  warmup?: number;
  /** Fresh processes measured; the figures are their medians. @default 5 */
  forks?: number;
}

/** What one process measured: the median run of each loop, in ms. */
export interface LoopOverheadSample {
  agentMs: number;
  rawMs: number;
}

const TARGET_RATIO = 1.15;

function lookupValue(key: string): { key: string; value: number; unit: string } {
  return { key, value: key.length * 7, unit: 'm' };
}

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => lookupValue(key),
});

/** The script both loops meet: `toolTurns` turns of parallel calls, then an answer. */
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

/** The floor: the least a program can do to drive the same conversation with the raw client. */
async function rawLoop(client: OpenAI, tools: ChatCompletionTool[]): Promise<number> {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Look the keys up.' }];
  for (let turn = 1; ; turn++) {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools,
    });
    const message = completion.choices[0]?.message;
    if (!message) throw new Error('no choice in the reply');
    const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
    messages.push({
      role: 'assistant',
      content: message.content,
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
    });
    if (calls.length === 0) return turn;
    const results = await Promise.all(
      calls.map(async (call) => {
        const args = JSON.parse(call.function.arguments) as { key: string };
        return JSON.stringify(lookupValue(args.key));
      }),
    );
    calls.forEach((call, i) => {
      messages.push({ role: 'tool', tool_call_id: call.id, content: results[i] ?? '' });
    });
  }
}

/**
 * Times runs of agentloop and of the hand-written loop in this process, interleaved so that
 * drift on a busy machine hits both alike, and returns the median run of each.
 */
export async function measureLoopOverhead({
  toolTurns = 5,
  callsPerTurn = 3,
  runs = 300,
  warmup = 50,
}: Omit<LoopOverheadOptions, 'forks'> = {}): Promise<LoopOverheadSample> {
  const server = await startTestServer({ responder: responder(toolTurns, callsPerTurn) });
  try {
    const agent = new Agent({
      name: 'overhead',
      model: openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url }),
      tools: [lookup],
    });
    const client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
    const tools = agent.tools.toOpenAITools();
    const turns = toolTurns + 1;

    const runAgent = async () => {
      const result = await agent.run('Look the keys up.');
      if (result.turns !== turns) throw new Error(`agentloop made ${result.turns} turns`);
    };
    const runRaw = async () => {
      const made = await rawLoop(client, tools);
      if (made !== turns) throw new Error(`the raw loop made ${made} turns`);
    };

    for (let i = 0; i < warmup; i++) {
      await runAgent();
      await runRaw();
    }
    const agentMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first so neither always runs on a warmer connection pool.
      const order = i % 2 === 0 ? [runAgent, runRaw] : [runRaw, runAgent];
      for (const run of order) {
        const started = now();
        await run();
        (run === runAgent ? agentMs : rawMs).push(now() - started);
      }
    }
    return { agentMs: median(agentMs), rawMs: median(rawMs) };
  } finally {
    await server.close();
  }
}

/**
 * Measures the loop overhead in `forks` fresh processes, one after another, and reports the
 * median run of each loop and the median of the per-process ratios (target at most 1.15).
 */
export async function runLoopOverheadBenchmark({
  toolTurns = 5,
  callsPerTurn = 3,
  runs = 300,
  warmup = 50,
  forks = 5,
}: LoopOverheadOptions = {}): Promise<BenchResult> {
  const samples: LoopOverheadSample[] = [];
  for (let fork = 0; fork < forks; fork++) {
    const outcome = await runNode([
      ...DIST_FLAGS,
      'bench/loop-overhead-child.ts',
      JSON.stringify({ toolTurns, callsPerTurn, runs, warmup }),
    ]);
    samples.push(lastJsonLine<LoopOverheadSample>(outcome, 'the loop-overhead child process'));
  }
  const ratios = samples.map((sample) => sample.agentMs / sample.rawMs);
  const ratio = median(ratios);
  const agentMedian = median(samples.map((sample) => sample.agentMs));
  const rawMedian = median(samples.map((sample) => sample.rawMs));
  const turns = toolTurns + 1;
  const rows: BenchRow[] = [
    { name: 'agentloop run', value: agentMedian, unit: 'ms' },
    { name: 'raw `openai` loop (floor)', value: rawMedian, unit: 'ms' },
    {
      name: 'ratio agentloop / floor',
      value: ratio,
      unit: 'x',
      target: `<= ${TARGET_RATIO}`,
      pass: ratio <= TARGET_RATIO,
    },
    {
      name: 'overhead per turn',
      value: ((agentMedian - rawMedian) * 1000) / turns,
      unit: 'us',
    },
  ];
  const title = 'Loop overhead over HTTP (local test server)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `A run is ${toolTurns} turns of ${callsPerTurn} parallel \`lookup\` calls, then the answer (${turns} requests) against the local test server in the same process, which answers at once. Each of ${forks} fresh processes times ${runs} runs of each loop, interleaved, after ${warmup} warm-up runs of each; both loops send the same messages and tool schema. The figures are medians over the processes; the ratio is the median of the per-process ratios (${ratios.map((r) => r.toFixed(3)).join(', ')}). The floor parses and answers the calls by hand (${fmt(rawMedian / turns)} ms per request, server included).`,
  ].join('\n');
  return { title, rows, markdown };
}
