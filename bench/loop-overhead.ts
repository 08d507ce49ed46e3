/**
 * Benchmark 1: the whole loop over HTTP against the local test server (zero model latency),
 * next to a hand-written loop on the raw `openai` client making the same requests: the floor.
 * Both wire APIs: `openai()` against a raw `client.chat.completions` loop, and
 * `openaiResponses()` against a raw `client.responses` loop.
 *
 * Each measurement runs in a fresh process (`loop-overhead-child.ts`) with its own server, and
 * the figure is the median over several such processes. The ratio of one process moves by a few
 * percent from process to process (how the JIT compiled each loop, when the collector ran), more
 * than between the runs of one process, so one process alone could report an outlier.
 *
 * @module
 */

import { Agent, openai, openaiResponses } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import OpenAI from 'openai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
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
  /** The agent on `openaiResponses()`. */
  responsesAgentMs: number;
  /** The raw `client.responses` loop. */
  responsesRawMs: number;
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

/** How many tool turns a request's conversation holds, on either API. */
function turnOf(request: RecordedRequest, callsPerTurn: number): number {
  if (request.api === 'chat')
    return request.body.messages.filter((m) => m.role === 'assistant').length;
  const input = (request.responsesBody?.input ?? []) as { type?: string }[];
  return input.filter((item) => item.type === 'function_call').length / callsPerTurn;
}

/** The script the loops meet: `toolTurns` turns of parallel calls, then an answer. */
function responder(toolTurns: number, callsPerTurn: number) {
  return (request: RecordedRequest): Step => {
    const turn = turnOf(request, callsPerTurn);
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

/** The floor on the Responses API: the output items go back as they came, then the results. */
async function rawResponsesLoop(client: OpenAI, tools: FunctionTool[]): Promise<number> {
  const input: ResponseInputItem[] = [{ role: 'user', content: 'Look the keys up.' }];
  for (let turn = 1; ; turn++) {
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      input,
      tools,
      store: false,
    });
    const calls = response.output.filter((item) => item.type === 'function_call');
    input.push(...(response.output as ResponseInputItem[]));
    if (calls.length === 0) return turn;
    const results = await Promise.all(
      calls.map(async (call) => {
        const args = JSON.parse(call.arguments) as { key: string };
        return JSON.stringify(lookupValue(args.key));
      }),
    );
    calls.forEach((call, i) => {
      input.push({ type: 'function_call_output', call_id: call.call_id, output: results[i] ?? '' });
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
    const options = { apiKey: 'test-key', baseURL: server.url };
    const agent = new Agent({
      name: 'overhead',
      model: openai('gpt-4o-mini', options),
      tools: [lookup],
    });
    const responsesAgent = new Agent({
      name: 'overhead-responses',
      model: openaiResponses('gpt-4o-mini', options),
      tools: [lookup],
    });
    const client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
    const tools = agent.tools.toOpenAITools();
    // The same schema in the Responses shape (strict as the agent sends it).
    const responsesTools: FunctionTool[] = tools.flatMap((t) =>
      t.type === 'function'
        ? [
            {
              type: 'function',
              name: t.function.name,
              description: t.function.description ?? null,
              parameters: t.function.parameters ?? null,
              strict: t.function.strict ?? false,
            },
          ]
        : [],
    );
    const turns = toolTurns + 1;
    const expect = (who: string, made: number) => {
      if (made !== turns) throw new Error(`${who} made ${made} turns`);
    };

    const loops = {
      agentMs: async () => expect('agentloop', (await agent.run('Look the keys up.')).turns),
      rawMs: async () => expect('the raw loop', await rawLoop(client, tools)),
      responsesAgentMs: async () =>
        expect('agentloop on Responses', (await responsesAgent.run('Look the keys up.')).turns),
      responsesRawMs: async () =>
        expect('the raw Responses loop', await rawResponsesLoop(client, responsesTools)),
    };
    const names = Object.keys(loops) as (keyof typeof loops)[];

    for (let i = 0; i < warmup; i++) for (const name of names) await loops[name]();
    const times: Record<keyof typeof loops, number[]> = {
      agentMs: [],
      rawMs: [],
      responsesAgentMs: [],
      responsesRawMs: [],
    };
    for (let i = 0; i < runs; i++) {
      // Rotate which goes first so none always runs on a warmer connection pool.
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length] as keyof typeof loops;
        const started = now();
        await loops[name]();
        times[name].push(now() - started);
      }
    }
    return {
      agentMs: median(times.agentMs),
      rawMs: median(times.rawMs),
      responsesAgentMs: median(times.responsesAgentMs),
      responsesRawMs: median(times.responsesRawMs),
    };
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
  const responsesRatios = samples.map((sample) => sample.responsesAgentMs / sample.responsesRawMs);
  const responsesRatio = median(responsesRatios);
  const responsesAgentMedian = median(samples.map((sample) => sample.responsesAgentMs));
  const responsesRawMedian = median(samples.map((sample) => sample.responsesRawMs));
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
    { name: 'agentloop run, Responses API', value: responsesAgentMedian, unit: 'ms' },
    { name: 'raw `client.responses` loop (floor)', value: responsesRawMedian, unit: 'ms' },
    {
      name: 'ratio agentloop / floor, Responses API',
      value: responsesRatio,
      unit: 'x',
      target: `<= ${TARGET_RATIO}`,
      pass: responsesRatio <= TARGET_RATIO,
    },
    {
      name: 'overhead per turn, Responses API',
      value: ((responsesAgentMedian - responsesRawMedian) * 1000) / turns,
      unit: 'us',
    },
  ];
  const title = 'Loop overhead over HTTP (local test server)';
  const markdown = [
    `## ${title}`,
    '',
    rowsTable(rows),
    '',
    `A run is ${toolTurns} turns of ${callsPerTurn} parallel \`lookup\` calls, then the answer (${turns} requests) against the local test server in the same process, which answers at once. Each of ${forks} fresh processes times ${runs} runs of each loop, interleaved, after ${warmup} warm-up runs of each; both loops send the same messages and tool schema. The figures are medians over the processes; the ratio is the median of the per-process ratios (${ratios.map((r) => r.toFixed(3)).join(', ')}). The floor parses and answers the calls by hand (${fmt(rawMedian / turns)} ms per request, server included). The Responses rows run \`openaiResponses()\` against a raw \`client.responses\` loop that sends the output items back as they came (\`store: false\`), in the same processes, interleaved with the other two; their ratios: ${responsesRatios.map((r) => r.toFixed(3)).join(', ')}.`,
  ].join('\n');
  return { title, rows, markdown };
}
