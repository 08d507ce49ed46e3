/**
 * The HTTP service example end to end: real HTTP requests on loopback against `createService`,
 * agents on `ScriptedModel` or on the real `openai` client against the local test server.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ModelError, type ModelRequest, openai } from '@agentloop/core';
import { ScriptedModel, type ScriptedResponder } from '@agentloop/core/testing';
import { FileStore } from '@agentloop/memory/node';
import { tool } from '@agentloop/tools';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type ChatService,
  createService,
  exampleAgents,
  offlineResponder,
  readConfig,
  type ServiceAgentOptions,
  type ServiceOptions,
} from '../../examples/http-service/src/index.js';
import { deferred, latch, settleEventLoop } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Running {
  service: ChatService;
  url: string;
  dir: string;
  errors: unknown[];
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'http-service-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a service on a free loopback port, with a FileStore in a temporary folder. */
async function start(
  agents: ServiceAgentOptions[],
  options: Partial<ServiceOptions> & { dir?: string } = {},
): Promise<Running> {
  const dir = options.dir ?? (await tempDir());
  const errors: unknown[] = [];
  const service = createService({
    store: new FileStore({ dir }),
    log: { error: (_message, error) => errors.push(error) },
    ...options,
    agents,
  });
  const { port } = await service.listen(0);
  cleanups.push(() => service.close({ graceMs: 0 }));
  return { service, url: `http://127.0.0.1:${port}`, dir, errors };
}

const echoAgent = (model: ScriptedModel, extra: Partial<ServiceAgentOptions> = {}) => ({
  name: 'echo',
  model,
  ...extra,
});

/** Answers "echo: <last user message> (<n> user messages)": shows what history the model saw. */
const echo: ScriptedResponder = (request) => {
  const users = request.messages.filter((m) => m.role === 'user');
  return `echo: ${String(users.at(-1)?.content)} (${users.length} user messages)`;
};

async function post(url: string, body: unknown, init: RequestInit = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

/** The parsed JSON body of a response (typed loosely, as `JSON.parse` does). */
const readJson = async (response: Response) => JSON.parse(await response.text());

interface SSEEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSSE(body: string): SSEEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? 'null';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/**
 * Polls `check` until it holds (a generous bound, never a timing assertion), for a state that no
 * event announces: the service's count of active runs, which drops after the response is done.
 */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A tool that waits until its signal aborts, and reports when it started and when it aborted. */
function waitingTool() {
  const started = deferred();
  const aborted = deferred<unknown>();
  const wait = tool({
    name: 'wait',
    description: 'Waits until cancelled.',
    parameters: z.object({}),
    execute: (_args, { signal }) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.resolve(signal.reason);
          reject(signal.reason);
        });
        started.resolve();
      }),
  });
  const model = new ScriptedModel([{ toolCalls: [{ name: 'wait', arguments: {} }] }, 'done']);
  return { wait, model, started: started.promise, aborted: aborted.promise };
}

const FIXED_NOW = () => new Date('2024-06-01T12:00:00Z');

describe('POST /v1/chat', () => {
  it('runs a tool turn through the real openai client and answers JSON with a new session id', async () => {
    const server: TestServer = await startTestServer();
    cleanups.push(() => server.close());
    server.reply(
      { toolCalls: [{ name: 'get_time', arguments: { timeZone: 'Europe/Paris' } }] },
      { content: 'It is 14:00 in Paris.' },
    );
    const model = openai('gpt-4o-mini', { apiKey: 'test-key', baseURL: server.url });
    const { url } = await start(exampleAgents({ model, now: FIXED_NOW }), {
      newSessionId: () => 'session-1',
    });

    const { status, json } = await post(`${url}/v1/chat`, { message: 'Time in Paris?' });

    expect(status).toBe(200);
    expect(json).toMatchObject({
      sessionId: 'session-1',
      agent: 'assistant',
      text: 'It is 14:00 in Paris.',
      turns: 2,
      finishReason: 'stop',
      toolCalls: [{ name: 'get_time', ok: true }],
    });
    expect(json.runId).toMatch(/^run_/);
    expect(json.usage.totalTokens).toBeGreaterThan(0);
    expect(json).not.toHaveProperty('output');
    expect(json).not.toHaveProperty('messages');
    // The tool really ran: its result (at the fixed clock) went back to the model.
    const toolMessage = server.requests[1]?.body.messages.at(-1);
    expect(toolMessage).toMatchObject({ role: 'tool' });
    expect(String(toolMessage?.content)).toContain('Saturday, 1 June 2024 at 14:00');
  });

  it('returns the structured output of an agent with an output schema', async () => {
    const model = new ScriptedModel(offlineResponder);
    const { url } = await start(exampleAgents({ model }));
    const { status, json } = await post(`${url}/v1/chat`, { message: 'the sea', agent: 'poet' });
    expect(status).toBe(200);
    expect(json.agent).toBe('poet');
    expect(json.output).toEqual({ title: 'On the sea', lines: expect.any(Array) });
    expect(JSON.parse(json.text)).toEqual(json.output);
  });

  it('runs the offline example agents: parallel get_time calls answered from the tool results', async () => {
    const model = new ScriptedModel(offlineResponder);
    const { url } = await start(exampleAgents({ model, now: FIXED_NOW }));
    const { json } = await post(`${url}/v1/chat`, {
      message: 'What time is it in Europe/Paris and Asia/Tokyo?',
    });
    expect(json.toolCalls).toEqual([
      expect.objectContaining({ name: 'get_time', ok: true }),
      expect.objectContaining({ name: 'get_time', ok: true }),
    ]);
    expect(json.text).toContain('14:00 in Europe/Paris');
    expect(json.text).toContain('21:00 in Asia/Tokyo');
  });

  it('keeps a session across requests and across a new service on the same folder', async () => {
    const model = new ScriptedModel(echo);
    const first = await start([echoAgent(model)]);
    const one = await post(`${first.url}/v1/chat`, { message: 'my name is Ada' });
    const sessionId = one.json.sessionId as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.json.text).toBe('echo: my name is Ada (1 user messages)');

    const two = await post(`${first.url}/v1/chat`, { message: 'who am I?', sessionId });
    expect(two.json).toMatchObject({ sessionId, text: 'echo: who am I? (2 user messages)' });
    expect(model.requests[1]?.messages.map((m) => m.content)).toContain('my name is Ada');

    const other = await post(`${first.url}/v1/chat`, { message: 'hi', sessionId: 'someone-else' });
    expect(other.json.text).toBe('echo: hi (1 user messages)');

    await first.service.close();
    const second = await start([echoAgent(model)], { dir: first.dir });
    const three = await post(`${second.url}/v1/chat`, { message: 'still there?', sessionId });
    expect(three.json.text).toBe('echo: still there? (3 user messages)');
    const file = await readFile(join(first.dir, `${sessionId}.jsonl`), 'utf8');
    // One line per turn: each run appends its turn as one keyed batch (user and assistant).
    const batches = file
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; messages: unknown[] });
    expect(batches.map((b) => b.messages.length)).toEqual([2, 2, 2]);
  });
});

describe('POST /v1/chat/stream', () => {
  it('streams the run as server-sent events ending in run:end', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'get_time', arguments: { timeZone: 'UTC' } }] },
      'It is noon in UTC.',
    ]);
    const agents = exampleAgents({ model, now: FIXED_NOW });
    const { url } = await start(agents, { newSessionId: () => 'streamed' });

    const response = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: JSON.stringify({ message: 'time?' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-session-id')).toBe('streamed');
    const events = parseSSE(await response.text());

    const types = events.map((e) => e.event);
    expect(types[0]).toBe('run:start');
    expect(types.at(-1)).toBe('run:end');
    expect(types).toEqual(expect.arrayContaining(['tool:start', 'tool:end', 'text:delta']));
    expect(types.indexOf('tool:end')).toBeLessThan(types.indexOf('text:delta'));
    for (const { event, data } of events) expect(data.type).toBe(event);
    expect(events[0]?.data).toMatchObject({ agent: 'assistant', sessionId: 'streamed' });
    const deltas = events.filter((e) => e.event === 'text:delta').map((e) => e.data.delta);
    expect(deltas.join('')).toBe('It is noon in UTC.');
    expect(events.at(-1)?.data.result).toMatchObject({ text: 'It is noon in UTC.', turns: 2 });
    // The wire form never carries the conversation or the instructions.
    expect(JSON.stringify(events)).not.toContain('concise assistant');
  });

  it('continues a JSON session and reports a failed run as run:error without internals', async () => {
    const model = new ScriptedModel((request: ModelRequest, index) =>
      index === 2
        ? new Error('connection string postgres://admin:hunter2@db')
        : echo(request, index),
    );
    const { url, errors } = await start([echoAgent(model)]);
    const { json } = await post(`${url}/v1/chat`, { message: 'first' });
    const ok = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: JSON.stringify({ message: 'second', sessionId: json.sessionId }),
    });
    const okEvents = parseSSE(await ok.text());
    expect(okEvents.at(-1)?.data.result).toMatchObject({ text: 'echo: second (2 user messages)' });

    const failed = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: JSON.stringify({ message: 'third' }),
    });
    const body = await failed.text();
    const last = parseSSE(body).at(-1);
    expect(last?.event).toBe('run:error');
    expect(last?.data.error).toMatchObject({ code: 'internal_error' });
    expect(body).not.toContain('hunter2');
    expect(errors).toHaveLength(1);
  });
});

describe('limits', () => {
  it('answers 429 with retry-after past maxConcurrentRuns, and admits again once a run ends', async () => {
    const gate = deferred();
    const arrived = latch(2);
    const model = new ScriptedModel(async (request, index) => {
      arrived.arrive();
      await gate.promise;
      return echo(request, index);
    });
    const { url, service } = await start([echoAgent(model)], { maxConcurrentRuns: 2 });
    const running = [
      post(`${url}/v1/chat`, { message: 'a' }),
      post(`${url}/v1/chat`, { message: 'b' }),
    ];
    await arrived.reached;

    for (const path of ['/v1/chat', '/v1/chat/stream']) {
      const refused = await post(`${url}${path}`, { message: 'c' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.error).toMatchObject({ code: 'too_many_runs' });
      expect(refused.json.error.message).toContain('2 runs');
    }
    const health = await readJson(await fetch(`${url}/healthz`));
    expect(health).toEqual({ ok: true, activeRuns: 2, maxConcurrentRuns: 2 });
    expect(model.callCount).toBe(2);

    gate.resolve();
    const answers = await Promise.all(running);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(service.activeRuns).toBe(0);
    expect((await post(`${url}/v1/chat`, { message: 'd' })).status).toBe(200);
  });

  it('answers 409 to a second run in a session that is still running, and 200 once it ended', async () => {
    const gate = deferred();
    const reached = deferred();
    const model = new ScriptedModel(async (request, index) => {
      if (request.messages.at(-1)?.content === 'slow') {
        reached.resolve();
        await gate.promise;
      }
      return echo(request, index);
    });
    const { url } = await start([echoAgent(model)]);
    const slow = post(`${url}/v1/chat`, { message: 'slow', sessionId: 'shared' });
    await reached.promise;

    const busy = await post(`${url}/v1/chat/stream`, { message: 'too soon', sessionId: 'shared' });
    expect(busy.status).toBe(409);
    expect(busy.json.error).toMatchObject({ code: 'session_busy' });
    const elsewhere = await post(`${url}/v1/chat`, { message: 'hi', sessionId: 'other' });
    expect(elsewhere.status).toBe(200);

    gate.resolve();
    expect((await slow).status).toBe(200);
    const after = await post(`${url}/v1/chat`, { message: 'now', sessionId: 'shared' });
    expect(after.json.text).toBe('echo: now (2 user messages)');
  });

  it('serves 50 parallel requests with a bound of 50, each with its own answer', async () => {
    const allThere = deferred();
    let arrived = 0;
    const model = new ScriptedModel(async (request, index) => {
      if (++arrived === 50) allThere.resolve();
      // Every run waits for all 50 to be in flight at once: they really run concurrently.
      await allThere.promise;
      return echo(request, index);
    });
    const { url, service } = await start([echoAgent(model)], { maxConcurrentRuns: 50 });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(`${url}/v1/chat`, { message: `question ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    answers.forEach((a, i) => {
      expect(a.json.text).toBe(`echo: question ${i} (1 user messages)`);
    });
    expect(new Set(answers.map((a) => a.json.sessionId)).size).toBe(50);
    expect(new Set(answers.map((a) => a.json.runId)).size).toBe(50);
    expect(service.activeRuns).toBe(0);
  });
});

describe('client disconnects', () => {
  it('aborts a JSON run: the tool signal aborts and the slot is released', async () => {
    const { wait, model, started, aborted } = waitingTool();
    const { url, service, errors } = await start([echoAgent(model, { tools: [wait] })]);
    const req = httpRequest(`${url}/v1/chat`, { method: 'POST' });
    req.on('error', () => {});
    req.end(JSON.stringify({ message: 'wait' }));
    await started;
    expect(service.activeRuns).toBe(1);

    req.destroy();

    expect(await aborted).toMatchObject({ name: 'AbortError' });
    await until(() => service.activeRuns === 0, 'the slot to be released');
    const health = await readJson(await fetch(`${url}/healthz`));
    expect(health.activeRuns).toBe(0);
    expect(model.callCount).toBe(1);
    expect(errors).toEqual([]);
  });

  it('aborts a streamed run when the client stops reading', async () => {
    const { wait, model, started, aborted } = waitingTool();
    const { url, service } = await start([echoAgent(model, { tools: [wait] })]);
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: JSON.stringify({ message: 'wait' }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    await started;

    controller.abort();

    expect(await aborted).toMatchObject({ name: 'AbortError' });
    await until(() => service.activeRuns === 0, 'the slot to be released');
    expect(model.callCount).toBe(1);
  });
});

describe('bad requests', () => {
  const cases: [string, string, number, string, RegExp][] = [
    ['not JSON', '{"message": hi}', 400, 'invalid_json', /not valid JSON/],
    ['an empty body', '', 400, 'invalid_json', /empty/],
    ['an array', '[1]', 400, 'invalid_request', /JSON object.*got an array/],
    ['no message', '{"sessionId":"abc"}', 400, 'invalid_request', /"message" is missing/],
    [
      'a number as message',
      '{"message":42}',
      400,
      'invalid_request',
      /must be a string, got a number/,
    ],
    ['a blank message', '{"message":"  "}', 400, 'invalid_request', /"message" is empty/],
    ['a misspelt field', '{"message":"hi","sesionId":"a"}', 400, 'invalid_request', /"sesionId"/],
    [
      'a path as session id',
      '{"message":"hi","sessionId":"../etc"}',
      400,
      'invalid_session_id',
      /"sessionId" is invalid.*path separator/,
    ],
    [
      'a number as session id',
      '{"message":"hi","sessionId":7}',
      400,
      'invalid_session_id',
      /expected a string/,
    ],
    [
      'an unknown agent',
      '{"message":"hi","agent":"nope"}',
      400,
      'unknown_agent',
      /no agent named "nope".*"echo", "other"/,
    ],
    [
      'a number as agent',
      '{"message":"hi","agent":1}',
      400,
      'invalid_request',
      /"agent" must be a string/,
    ],
  ];

  for (const path of ['/v1/chat', '/v1/chat/stream']) {
    it(`answers ${path} with 400 and a clear message, before any run`, async () => {
      const model = new ScriptedModel(echo);
      const { url, service } = await start([echoAgent(model), { name: 'other', model }]);
      for (const [what, body, status, code, message] of cases) {
        const answer = await post(`${url}${path}`, body);
        expect({ what, status: answer.status }).toEqual({ what, status });
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
        expect(answer.json.error.code).toBe(code);
        expect(answer.json.error.message).toMatch(message);
      }
      expect(model.callCount).toBe(0);
      expect(service.activeRuns).toBe(0);
    });
  }

  it('answers 413 for a body over the limit, declared or chunked, and keeps serving', async () => {
    const model = new ScriptedModel(echo);
    const { url } = await start([echoAgent(model)], { maxBodyBytes: 1024 });
    const big = JSON.stringify({ message: 'x'.repeat(2000) });
    const declared = await post(`${url}/v1/chat`, big);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatchObject({ code: 'body_too_large' });
    expect(declared.json.error.message).toContain('1024 bytes');

    const chunked = await new Promise<{ status: number | undefined; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${url}/v1/chat`, { method: 'POST' }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
        req.write(big.slice(0, 1000));
        req.end(big.slice(1000));
      },
    );
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('body_too_large');

    expect((await post(`${url}/v1/chat`, { message: 'small' })).status).toBe(200);
    expect(model.callCount).toBe(1);
  });

  it('answers 404 for unknown routes and 405 with allow for wrong methods', async () => {
    const { url } = await start([echoAgent(new ScriptedModel(echo))]);
    const notFound = await fetch(`${url}/v1/chats`, { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    expect((await readJson(notFound)).error.message).toMatch(
      /no route POST \/v1\/chats.*POST \/v1\/chat/,
    );

    const getChat = await fetch(`${url}/v1/chat`);
    expect(getChat.status).toBe(405);
    expect(getChat.headers.get('allow')).toBe('POST');
    expect((await readJson(getChat)).error.code).toBe('method_not_allowed');
    const putStream = await fetch(`${url}/v1/chat/stream`, { method: 'PUT', body: '{}' });
    expect(putStream.status).toBe(405);
    const postHealth = await fetch(`${url}/healthz`, { method: 'POST' });
    expect(postHealth.status).toBe(405);
    expect(postHealth.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('run errors', () => {
  it('maps a ModelError to 502 without the API key', async () => {
    const server = await startTestServer({ apiKey: 'the-right-key' });
    cleanups.push(() => server.close());
    const secret = 'sk-proj-wrongkey0123456789abcdef';
    const model = openai('gpt-4o-mini', { apiKey: secret, baseURL: server.url });
    const { url } = await start([{ name: 'echo', model }]);
    const { status, text, json } = await post(`${url}/v1/chat`, { message: 'hi' });
    expect(status).toBe(502);
    expect(json.error).toMatchObject({ code: 'model_error', name: 'ModelError', status: 401 });
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a provider that answers 200 echoing the Authorization header: no answer holds the key', async () => {
    const secret = 'sk-test-echoed0123456789abcdefghijklmnop';
    // A gateway or captive portal: 200, a JSON body that is not a completion, or an HTML page.
    const server = await startTestServer({
      responder: (request) =>
        request.body.stream === true
          ? {
              raw: `<html>Log in first. Authorization: ${String(request.headers.authorization)}</html>`,
              contentType: 'text/html',
            }
          : {
              raw: JSON.stringify({ headers: { authorization: request.headers.authorization } }),
              contentType: 'application/json',
            },
    });
    cleanups.push(() => server.close());
    const model = openai('gpt-4o-mini', { apiKey: secret, baseURL: server.url });
    const { url, errors } = await start([{ name: 'echo', model }]);

    const json = await post(`${url}/v1/chat`, { message: 'hi' });
    expect(json.status).toBe(502);
    expect(json.json.error).toMatchObject({ code: 'model_error' });
    expect(json.json.error.message).toMatch(/no choices.*\[redacted\]/);
    expect(json.text).not.toContain(secret);

    const streamed = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });
    const body = await streamed.text();
    const failure = parseSSE(body).find((e) => e.event === 'run:error');
    expect(JSON.stringify(failure?.data)).toMatch(/not server-sent events.*\[redacted\]/);
    expect(body).not.toContain(secret);
    // The server's own log holds the errors, scrubbed as well.
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(inspect(error, { depth: 20 })).not.toContain(secret);
  });

  it('maps a ModelError thrown by any model to 502 and other errors to a generic, logged 500', async () => {
    const model = new ScriptedModel((_request, index) =>
      index === 0
        ? new ModelError({ message: 'The provider refused.', retryable: false, status: 400 })
        : new Error('secret internals at /srv/app.ts:12'),
    );
    const { url, errors } = await start([echoAgent(model)]);
    const refused = await post(`${url}/v1/chat`, { message: 'a' });
    expect(refused.status).toBe(502);
    const failed = await post(`${url}/v1/chat`, { message: 'b' });
    expect(failed.status).toBe(500);
    expect(failed.json.error).toEqual({
      name: 'Error',
      code: 'internal_error',
      message: expect.stringContaining('server logged it'),
    });
    expect(failed.text).not.toContain('secret internals');
    expect(errors).toHaveLength(2);
    expect(String(errors[1])).toContain('secret internals');
  });

  it('maps a context overflow to 413', async () => {
    const model = new ScriptedModel(echo);
    const { url } = await start([
      echoAgent(model, { memory: { maxTokens: 300, reserveOutputTokens: 50 } }),
    ]);
    const { status, json } = await post(`${url}/v1/chat`, { message: 'word '.repeat(2000) });
    expect(status).toBe(413);
    expect(json.error.code).toBe('context_overflow');
    expect(model.callCount).toBe(0);
  });
});

describe('health and shutdown', () => {
  it('reports health', async () => {
    const { url } = await start([echoAgent(new ScriptedModel(echo))], { maxConcurrentRuns: 7 });
    const response = await fetch(`${url}/healthz?probe=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, activeRuns: 0, maxConcurrentRuns: 7 });
  });

  it('lets a run finish within the grace period, then refuses connections', async () => {
    const gate = deferred();
    const reached = deferred();
    const model = new ScriptedModel(async (request, index) => {
      reached.resolve();
      await gate.promise;
      return echo(request, index);
    });
    const { url, service } = await start([echoAgent(model)]);
    const running = post(`${url}/v1/chat`, { message: 'finish me' });
    await reached.promise;
    const closed = service.close({ graceMs: 5000 });
    gate.resolve();
    expect((await running).json.text).toBe('echo: finish me (1 user messages)');
    await closed;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('aborts runs still going after the grace period with 503 run_aborted', async () => {
    const { wait, model, started, aborted } = waitingTool();
    const { url, service } = await start([echoAgent(model, { tools: [wait] })]);
    const running = post(`${url}/v1/chat`, { message: 'wait' });
    await started;
    // The grace period is a timer: stopped (the sockets stay real), it passes when the test
    // moves the clock, so the run is seen still going 1 ms before it ends.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let abortedYet = false;
      void aborted.then(() => {
        abortedYet = true;
      });
      let closedYet = false;
      const closing = service.close({ graceMs: 20 }).then(() => {
        closedYet = true;
      });
      await vi.advanceTimersByTimeAsync(19);
      await settleEventLoop();
      expect(abortedYet).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await aborted;
      // Then let the shutdown finish, moving the clock past any wait for open connections.
      for (let i = 0; i < 100 && !closedYet; i++) {
        await settleEventLoop();
        await vi.advanceTimersToNextTimerAsync();
      }
      await closing;
    } finally {
      vi.useRealTimers();
    }
    const { status, json } = await running;
    expect(status).toBe(503);
    expect(json.error.code).toBe('run_aborted');
    expect(service.activeRuns).toBe(0);
  });
});

describe('configuration', () => {
  it('refuses bad service options at creation', () => {
    const store = new FileStore({ dir: join(tmpdir(), 'never-written') });
    const agent = echoAgent(new ScriptedModel(echo));
    expect(() => createService({ agents: [], store })).toThrow(/at least one agent/);
    expect(() => createService({ agents: [agent, agent], store })).toThrow(
      /Two agents are named "echo"/,
    );
    expect(() => createService({ agents: [agent], store, maxConcurrentRuns: 0 })).toThrow(
      /maxConcurrentRuns must be a whole number >= 1, got 0/,
    );
  });

  it('reads the environment with defaults and clear errors', () => {
    expect(readConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      sessionsDir: '.sessions',
      runsDir: '.runs',
      maxConcurrentRuns: 32,
      maxBodyBytes: 65536,
      shutdownGraceMs: 10000,
      drainTimeoutMs: 30000,
    });
    expect(readConfig({ MAX_CONCURRENT_RUNS: '4', PORT: '0' })).toMatchObject({
      maxConcurrentRuns: 4,
      port: 0,
    });
    expect(() => readConfig({ MAX_CONCURRENT_RUNS: 'lots' })).toThrow(
      'MAX_CONCURRENT_RUNS must be a whole number >= 1, got "lots"',
    );
    expect(() => readConfig({ PORT: '70000' })).toThrow(
      'PORT must be a whole number from 0 to 65535',
    );
  });
});
