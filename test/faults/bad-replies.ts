/**
 * A seeded generator of misbehaving model replies, for the fuzz: garbage and huge arguments,
 * arguments of the wrong shape, unknown and invalid tool names, 50 parallel calls, duplicate ids,
 * replies cut by the token limit, null content without calls, and (over HTTP only) bodies that are
 * not completions at all. The same seed always yields the same replies.
 */
import type { Step } from '../support/index.js';

/** A small, fast, seedable PRNG (mulberry32): the same seed yields the same sequence. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A string of `length` characters drawn from a hostile alphabet (quotes, braces, NUL, emoji). */
  garbage(length: number): string {
    const alphabet = [
      '{',
      '}',
      '"',
      ':',
      ',',
      '[',
      ']',
      '\\',
      'a',
      '1',
      ' ',
      '\n',
      '\u0000',
      '😀',
      'é',
    ];
    let text = '';
    for (let i = 0; i < length; i++) text += this.pick(alphabet);
    return text;
  }
}

/** A tool call in a generated reply (arguments always raw text, as a provider sends them). */
export interface FuzzCall {
  id?: string;
  name: string;
  arguments: string;
}

/** A generated reply, in a shape both `ScriptedModel` and the test server accept. */
export interface FuzzReply {
  content?: string | null;
  toolCalls?: FuzzCall[];
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
}

/** The kinds of reply the generator makes. */
export const REPLY_KINDS = [
  'answer',
  'good-call',
  'garbage-args',
  'huge-args',
  'wrong-shape-args',
  'unknown-tool',
  'invalid-tool-name',
  'fifty-calls',
  'duplicate-ids',
  'truncated-calls',
  'null-content',
  'empty-content',
  'calls-with-stop',
  'content-and-calls',
] as const;

/** One kind of generated reply. */
export type ReplyKind = (typeof REPLY_KINDS)[number];

/** Kinds only a raw HTTP body can carry: the test server sends them as `{ status: 200, body }`. */
export const RAW_KINDS = [
  'empty-choices',
  'null-message',
  'not-json',
  'no-body',
  'non-function-call',
  'call-without-id',
] as const;

/** One kind of raw HTTP reply. */
export type RawKind = (typeof RAW_KINDS)[number];

const TOOLS = ['lookup', 'add'] as const;

function goodCall(rng: Rng): FuzzCall {
  return rng.chance(0.5)
    ? { name: 'lookup', arguments: JSON.stringify({ key: rng.garbage(rng.int(0, 8)) }) }
    : { name: 'add', arguments: JSON.stringify({ a: rng.int(-9, 9), b: rng.next() }) };
}

function badArguments(rng: Rng): string {
  return rng.pick([
    '',
    '{',
    '{"key":',
    'null',
    '[]',
    '42',
    '"text"',
    '{}',
    '{"key": 5}',
    '{"a": "1", "b": null}',
    '{"key": "x", "extra": true}',
    '{"__proto__": {"polluted": true}, "key": "x"}',
    rng.garbage(rng.int(1, 40)),
  ]);
}

/**
 * One generated reply of the given kind.
 *
 * @param rng - the generator.
 * @param kind - what to make.
 * @param structured - the run asks for structured output: answers are JSON (valid or not).
 */
export function makeReply(rng: Rng, kind: ReplyKind, structured = false): FuzzReply {
  switch (kind) {
    case 'answer':
      return { content: answerText(rng, structured) };
    case 'good-call':
      return { toolCalls: [goodCall(rng)] };
    case 'garbage-args':
      return { toolCalls: [{ name: rng.pick(TOOLS), arguments: rng.garbage(rng.int(1, 200)) }] };
    case 'huge-args': {
      const size = rng.int(200_000, 1_000_000);
      const args = rng.chance(0.5) ? JSON.stringify({ key: 'k'.repeat(size) }) : rng.garbage(size);
      return { toolCalls: [{ name: rng.pick(TOOLS), arguments: args }] };
    }
    case 'wrong-shape-args':
      return { toolCalls: [{ name: rng.pick(TOOLS), arguments: badArguments(rng) }] };
    case 'unknown-tool':
      return {
        toolCalls: [
          {
            name: rng.pick(['lookup2', 'delete_all', 'LOOKUP', 'functions-lookup']),
            arguments: '{}',
          },
        ],
      };
    case 'invalid-tool-name':
      return {
        toolCalls: [
          {
            name: rng.pick(['get weather', 'functions.lookup', 'x'.repeat(80), '', 'météo']),
            arguments: '{}',
          },
        ],
      };
    case 'fifty-calls':
      return {
        toolCalls: Array.from({ length: 50 }, () =>
          rng.chance(0.7) ? goodCall(rng) : { name: rng.pick(TOOLS), arguments: badArguments(rng) },
        ),
      };
    case 'duplicate-ids': {
      const id = `call_dup_${rng.int(0, 999)}`;
      return {
        toolCalls: [
          { ...goodCall(rng), id },
          { ...goodCall(rng), id },
        ],
      };
    }
    case 'truncated-calls': {
      const full = JSON.stringify({ key: rng.garbage(30) });
      const cut = full.slice(0, rng.int(0, full.length - 1));
      return { toolCalls: [{ name: 'lookup', arguments: cut }], finishReason: 'length' };
    }
    case 'null-content':
      return { content: null, finishReason: rng.pick(['stop', 'tool_calls', 'content_filter']) };
    case 'empty-content':
      return { content: '' };
    case 'calls-with-stop':
      return { toolCalls: [goodCall(rng), goodCall(rng)], finishReason: 'stop' };
    case 'content-and-calls':
      return { content: rng.garbage(rng.int(0, 30)), toolCalls: [goodCall(rng)] };
  }
}

function answerText(rng: Rng, structured: boolean): string {
  if (!structured) return rng.chance(0.8) ? 'The answer.' : rng.garbage(rng.int(0, 50));
  return rng.pick([
    '{"summary":"ok"}',
    '{"summary": 5}',
    '{}',
    'not json at all',
    '```json\n{"summary":"ok"}\n```',
    rng.garbage(20),
  ]);
}

/** How a fuzzed run behaves from start to end. */
export type RunPlan = 'random' | 'repeat-forever' | 'never-answers';

/**
 * A responder for one run: the plan fixes the run's character (random replies, the same call
 * forever, or calls without end), and each call draws from the generator.
 *
 * @returns a function from the 0-based call index to the reply, and the kinds it produced.
 */
export function planReplies(rng: Rng, plan: RunPlan, structured: boolean) {
  const kinds: ReplyKind[] = [];
  const repeated: FuzzReply = makeReply(
    rng,
    rng.pick(['good-call', 'unknown-tool', 'garbage-args']),
  );
  const next = (): FuzzReply => {
    if (plan === 'repeat-forever') {
      kinds.push('good-call');
      return repeated;
    }
    const pool = plan === 'never-answers' ? REPLY_KINDS.filter((k) => k !== 'answer') : REPLY_KINDS;
    // Answers come up often enough in random runs that many of them end with a result.
    const kind: ReplyKind = plan === 'random' && rng.chance(0.3) ? 'answer' : rng.pick(pool);
    kinds.push(kind);
    return makeReply(rng, kind, structured);
  };
  return { next, kinds };
}

function completionBody(message: unknown, finishReason: string | null = 'stop') {
  return {
    id: 'chatcmpl-fuzz',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  };
}

/** A raw HTTP reply of the given kind, as a test-server step. */
export function makeRawStep(rng: Rng, kind: RawKind): Step {
  switch (kind) {
    case 'empty-choices':
      return { status: 200, body: { ...completionBody(null), choices: [] } };
    case 'null-message':
      return { status: 200, body: completionBody(null) };
    case 'not-json':
      return { status: 200, body: rng.pick(['<html>busy</html>', 'null', '', rng.garbage(30)]) };
    case 'no-body':
      return { status: 200, body: {} };
    case 'non-function-call':
      return {
        status: 200,
        body: completionBody(
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_custom', type: 'custom', custom: { name: 'x', input: '' } }],
          },
          'tool_calls',
        ),
      };
    case 'call-without-id':
      return {
        status: 200,
        body: completionBody(
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { type: 'function', function: { name: 'lookup', arguments: '{"key":"a"}' } },
            ],
          },
          'tool_calls',
        ),
      };
  }
}
