/**
 * What `edge-runtime.test.ts` bundles and runs inside Vercel's Edge Runtime (a V8 context with web
 * standards only: no `process`, no `require`, no Node builtins). It uses the three package roots
 * the way an edge route handler would: an `Agent` with a zod tool, a `ScriptedModel`, a run, a
 * stream served through `toSSEResponse` and read back, memory's root, and the `openai()` model over
 * a `fetch` of its own. It sets `globalThis.edgeApp` and reports plain JSON, so nothing of the
 * edge realm's objects leaks into the test's assertions.
 */
import { Agent, AgentError, InMemoryRunStore, openai, toSSEResponse } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { InMemoryStore, TokenCounter, trimMessages } from '@agentloop/memory';
import { jsonSchemaTool, tool } from '@agentloop/tools';
import { z } from 'zod';

const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

/** Explicit usage on every step: ScriptedModel then needs no token counter, which edge lacks. */
const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };

function scriptedAgent(): Agent {
  const model = new ScriptedModel([
    { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }], usage },
    { content: '2 + 3 = 5', usage },
  ]);
  return new Agent({ name: 'edge', model, tools: [add] });
}

function describeError(error: unknown): { name: string; code: unknown; message: string } {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  return { name: String(e.name), code: e.code, message: String(e.message) };
}

async function run() {
  const agent = scriptedAgent();
  const events: string[] = [];
  agent.on('*', (event) => {
    events.push(event.type);
  });
  // A listener that throws is reported, where Node would emit a process warning, on the console.
  agent.on('run:end', () => {
    throw new Error('listener failed');
  });
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  const controller = new AbortController();
  const result = await agent.run('What is 2 + 3?', { signal: controller.signal }).finally(() => {
    console.warn = warn;
  });
  return {
    warnings,
    runId: result.runId,
    text: result.text,
    turns: result.turns,
    usage: result.usage,
    toolCalls: result.toolCalls.map((call) => ({ name: call.name, outcome: call.outcome })),
    events,
  };
}

async function sse() {
  const response = toSSEResponse(scriptedAgent().stream('What is 2 + 3?'));
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

/** The `openai()` model on edge: the real client over a fetch answering one chat completion. */
async function openaiModel() {
  const requests: { url: string; body: unknown }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    const completion = {
      id: 'chatcmpl-edge',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hello from edge', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage,
    };
    return new Response(JSON.stringify(completion), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  const model = openai('gpt-4o-mini', {
    apiKey: 'sk-test-edge',
    baseURL: 'http://127.0.0.1:9/v1',
    fetch,
  });
  const result = await new Agent({ name: 'edge-openai', model }).run('Hi');
  return { text: result.text, requests };
}

/** Without `process` there is no environment to read a key from: the error says what to pass. */
async function openaiWithoutKey() {
  try {
    await new Agent({ name: 'no-key', model: openai('gpt-4o-mini') }).run('Hi');
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** Memory's root on edge: the store and trimming load; counting tokens says it needs Node. */
async function memory() {
  const store = new InMemoryStore();
  await store.append('s1', [{ role: 'user', content: 'hi' }]);
  let counting: unknown;
  try {
    new TokenCounter({ model: 'gpt-4o-mini' }).countText('hello');
  } catch (error) {
    counting = { ...describeError(error), agentError: AgentError.isInstance(error) };
  }
  return {
    loaded: await store.load('s1'),
    trimType: typeof trimMessages,
    counting,
  };
}

/** Core's in-memory run store on edge: checkpoints and claims need no Node module. */
async function runStore() {
  const store = new InMemoryRunStore();
  const snapshot = { runId: 'run_edge', turn: 1, messages: [{ role: 'user', content: 'hi' }] };
  await store.save(snapshot as unknown as Parameters<InMemoryRunStore['save']>[0]);
  snapshot.turn = 2;
  const claim = await store.claim('run_edge');
  const second = await store.claim('run_edge').catch((error: unknown) => describeError(error));
  await claim.release();
  return { loaded: await store.load('run_edge'), second };
}

/** A JSON-Schema tool: ajv loads on Node only (and compiles to code, which edge forbids); the error says so at definition. */
function jsonSchemaToolOnEdge() {
  try {
    jsonSchemaTool({
      name: 'add',
      description: '',
      inputSchema: { type: 'object', properties: { a: { type: 'number' } } },
      execute: () => 1,
    });
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** What the test asserts, as JSON: the web-standards-only part. */
async function web(): Promise<string> {
  return JSON.stringify({
    runtime: {
      process: typeof (globalThis as { process?: unknown }).process,
      require: typeof (globalThis as { require?: unknown }).require,
    },
    run: await run(),
    sse: await sse(),
    memory: await memory(),
    runStore: await runStore(),
    openaiWithoutKey: await openaiWithoutKey(),
    jsonSchemaTool: jsonSchemaToolOnEdge(),
  });
}

/** The `openai()` part, as JSON. */
async function openaiPart(): Promise<string> {
  return JSON.stringify(await openaiModel());
}

(globalThis as { edgeApp?: unknown }).edgeApp = { web, openai: openaiPart };
