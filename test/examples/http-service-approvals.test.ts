/**
 * The HTTP service's approval flow end to end, over real HTTP on loopback: a run of the `orders`
 * agent pauses at `refund_order` (it needs approval), answers with its interruptions and run id,
 * and `POST /v1/runs/:id/approve` decides them and continues it.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelError, type ModelRequest, type RunStore } from '@agentloop/core';
import { FileRunStore } from '@agentloop/core/node';
import { ScriptedModel } from '@agentloop/core/testing';
import { FileStore } from '@agentloop/memory/node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChatService,
  createService,
  exampleAgents,
  offlineResponder,
  type Refund,
} from '../../examples/http-service/src/index.js';
import { deferred } from '../support/deferred.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'http-approvals-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Running {
  service: ChatService;
  url: string;
  dir: string;
  /** Every refund `refund_order` made: the external record of its effects. */
  refunds: Refund[];
  errors: unknown[];
}

/**
 * Starts the example agents on a free port: sessions in `dir`, runs in `runStore` (a
 * `FileRunStore` in `dir/runs` unless given), the model `offlineResponder` unless given.
 */
async function start(
  options: { model?: ScriptedModel; dir?: string; runStore?: RunStore; refunds?: Refund[] } = {},
): Promise<Running> {
  const dir = options.dir ?? (await tempDir());
  const refunds = options.refunds ?? [];
  const errors: unknown[] = [];
  const model = options.model ?? new ScriptedModel(offlineResponder);
  const service = createService({
    agents: exampleAgents({ model, onRefund: (refund) => refunds.push(refund) }),
    store: new FileStore({ dir: join(dir, 'sessions') }),
    runStore: options.runStore ?? new FileRunStore({ dir: join(dir, 'runs') }),
    log: { error: (_message, error) => errors.push(error) },
  });
  const { port } = await service.listen(0);
  cleanups.push(() => service.close({ graceMs: 0 }));
  return { service, url: `http://127.0.0.1:${port}`, dir, refunds, errors };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

const chat = (url: string, message: string, extra: Record<string, unknown> = {}) =>
  post(`${url}/v1/chat`, { agent: 'orders', message, ...extra });

const approve = (url: string, runId: string, body: unknown, headers?: Record<string, string>) =>
  post(`${url}/v1/runs/${encodeURIComponent(runId)}/approve`, body, headers);

interface SSEEvent {
  event: string;
  data: Record<string, unknown> & { type: string };
}

function parseSSE(body: string): SSEEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}

/** The tool messages of a model request, as their text. */
const toolMessages = (request: ModelRequest | undefined) =>
  (request?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));

describe('a run that needs approval', () => {
  it('answers interrupted with its run id and interruptions; approving all completes it, the tool having run once', async () => {
    const model = new ScriptedModel(offlineResponder);
    const { url, refunds, dir } = await start({ model });

    const paused = await chat(url, 'Refund order 42, it arrived broken', { sessionId: 'ada' });

    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({
      status: 'interrupted',
      sessionId: 'ada',
      agent: 'orders',
      turns: 1,
      toolCalls: [],
      interruptions: [
        {
          kind: 'approval',
          name: 'refund_order',
          args: { orderId: '42', reason: 'Refund order 42, it arrived broken' },
        },
      ],
    });
    const runId = paused.json.runId as string;
    expect(runId).toMatch(/^run_/);
    expect(paused.json.interruptions[0].id).toEqual(expect.any(String));
    // Only what the client needs to decide (`reason` when something gave one), not the agent or
    // path of the core interruption.
    expect(Object.keys(paused.json.interruptions[0]).sort()).toEqual([
      'args',
      'id',
      'kind',
      'name',
    ]);
    expect(paused.json).not.toHaveProperty('text');
    expect(refunds).toEqual([]);
    expect(model.callCount).toBe(1);
    // The paused run is kept in the run store, under its id.
    expect(await readdir(join(dir, 'runs'))).toContain(`${runId}.json`);

    const done = await approve(url, runId, { approve: 'all' });

    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'completed',
      runId,
      sessionId: 'ada',
      agent: 'orders',
      turns: 2,
      finishReason: 'stop',
      toolCalls: [{ name: 'refund_order', ok: true }],
    });
    expect(refunds).toEqual([
      {
        orderId: '42',
        reason: 'Refund order 42, it arrived broken',
        refundId: expect.stringContaining(runId),
      },
    ]);
    expect(done.json.text).toBe(`Order 42 is refunded (${refunds[0]?.refundId}).`);
    expect(model.callCount).toBe(2);

    // The session holds the whole turn, once: the next message sees it.
    const next = await chat(url, 'thanks', { sessionId: 'ada' });
    expect(next.json.text).toContain('This session remembers 1 earlier message(s)');

    // A second approval finds the run completed, and runs nothing.
    const again = await approve(url, runId, { approve: 'all' });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'run_completed', runId });
    expect(again.json.error.message).toContain('already completed');
    expect(refunds).toHaveLength(1);
  });

  it('a rejection is what the model sees instead of the tool result; the tool never runs', async () => {
    const model = new ScriptedModel(offlineResponder);
    const { url, refunds } = await start({ model });
    const paused = await chat(url, 'Refund order 7');
    const [waiting] = paused.json.interruptions;

    const message = 'Order 7 is past the 30-day refund window.';
    const done = await approve(url, paused.json.runId, { reject: [{ id: waiting.id, message }] });

    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'completed',
      toolCalls: [{ name: 'refund_order', ok: false, error: 'denied' }],
    });
    expect(toolMessages(model.requests[1])).toEqual([message]);
    expect(done.json.text).toBe(`Order 7 was not refunded: ${message}`);
    expect(refunds).toEqual([]);
  });

  it('takes decisions one by one: a partial approval runs that call and pauses again with the rest', async () => {
    const model = new ScriptedModel(offlineResponder);
    const { url, refunds } = await start({ model });
    const paused = await chat(url, 'Refund orders 42 and 43');
    const runId = paused.json.runId as string;
    const [first, second] = paused.json.interruptions;
    expect([first.args.orderId, second.args.orderId]).toEqual(['42', '43']);

    const partial = await approve(url, runId, { approve: [first.id] });

    expect(partial.status).toBe(200);
    expect(partial.json).toMatchObject({ status: 'interrupted', runId });
    expect(partial.json.interruptions).toEqual([
      expect.objectContaining({ id: second.id, name: 'refund_order' }),
    ]);
    expect(refunds.map((r) => r.orderId)).toEqual(['42']);
    // The model is asked again only once every call of the turn has its result.
    expect(model.callCount).toBe(1);

    const done = await approve(url, runId, { reject: [second.id] });

    expect(done.json).toMatchObject({ status: 'completed', runId, turns: 2 });
    expect(refunds.map((r) => r.orderId)).toEqual(['42']);
    const [refunded, rejected] = toolMessages(model.requests[1]);
    expect(JSON.parse(refunded ?? '')).toMatchObject({ orderId: '42' });
    expect(rejected).toContain('was rejected');
    expect(done.json.text).toMatch(/^Order 42 is refunded .*\nOrder 43 was not refunded: /);
  });

  it('streams the pause and the continuation as server-sent events', async () => {
    const { url, refunds } = await start();

    const response = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: JSON.stringify({ agent: 'orders', message: 'Refund order 5', sessionId: 's-1' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-session-id')).toBe('s-1');
    const first = parseSSE(await response.text());

    const types = first.map((e) => e.event);
    expect(types[0]).toBe('run:start');
    expect(types.slice(-2)).toEqual(['tool:interrupt', 'run:end']);
    expect(types).not.toContain('tool:start');
    const interrupt = first.at(-2)?.data;
    expect(interrupt?.interruption).toMatchObject({
      kind: 'approval',
      name: 'refund_order',
      args: { orderId: '5' },
    });
    const end = first.at(-1)?.data;
    expect(end).toMatchObject({ status: 'interrupted', result: { status: 'interrupted' } });
    const runId = end?.runId as string;
    const { id } = (interrupt?.interruption ?? {}) as { id: string };

    const continued = await fetch(`${url}/v1/runs/${runId}/approve`, {
      method: 'POST',
      headers: { accept: 'text/event-stream' },
      body: JSON.stringify({ approve: [id] }),
    });
    expect(continued.status).toBe(200);
    expect(continued.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(continued.headers.get('x-session-id')).toBe('s-1');
    const second = parseSSE(await continued.text());

    expect(second[0]).toMatchObject({ event: 'run:start', data: { runId, resumed: true } });
    const order = second.map((e) => e.event);
    expect(order.indexOf('tool:start')).toBeLessThan(order.indexOf('tool:end'));
    expect(order.indexOf('tool:end')).toBeLessThan(order.indexOf('text:delta'));
    expect(second.at(-1)).toMatchObject({
      event: 'run:end',
      data: { runId, status: 'completed', result: { status: 'completed' } },
    });
    expect(refunds.map((r) => r.orderId)).toEqual(['5']);

    // The JSON chat route streams too when the client asks for events.
    const asked = await fetch(`${url}/v1/chat`, {
      method: 'POST',
      headers: { accept: 'text/event-stream' },
      body: JSON.stringify({ agent: 'orders', message: 'Refund order 6' }),
    });
    expect(asked.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(parseSSE(await asked.text()).at(-1)?.data.status).toBe('interrupted');
  });

  it('a service restarted on the same folder can still approve a run paused before', async () => {
    const dir = await tempDir();
    const refunds: Refund[] = [];
    const first = await start({ dir, refunds });
    const paused = await chat(first.url, 'Refund order 9', { sessionId: 'bob' });
    // A run that completed without pausing is not kept: only the paused one is on disk (the
    // 404 comes once its checkpoint is gone).
    const hello = await chat(first.url, 'hello', { sessionId: 'bob-2' });
    expect((await approve(first.url, hello.json.runId, {})).status).toBe(404);
    const files = (await readdir(join(dir, 'runs'))).filter((f) => f.endsWith('.json'));
    expect(files).toEqual([`${paused.json.runId}.json`]);
    await first.service.close({ graceMs: 0 });

    const second = await start({ dir, refunds });
    const done = await approve(second.url, paused.json.runId, { approve: 'all' });

    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ status: 'completed', sessionId: 'bob' });
    expect(done.json.text).toMatch(/^Order 9 is refunded/);
    expect(refunds.map((r) => r.orderId)).toEqual(['9']);
  });
});

describe('approval errors', () => {
  it('answers 404 for a run it does not hold: an unknown id, a malformed one, a run that never paused', async () => {
    const { url } = await start();
    const unknown = await approve(url, 'run_00000000-0000-0000-0000-000000000000', {
      approve: 'all',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'run_not_found' });
    expect(unknown.json.error.message).toContain('"status": "interrupted"');

    const malformed = await approve(url, '../../etc/passwd', { approve: 'all' });
    expect(malformed.status).toBe(404);
    expect(malformed.json.error.code).toBe('run_not_found');

    const completed = await chat(url, 'hello');
    expect(completed.json.status).toBe('completed');
    const never = await approve(url, completed.json.runId, { approve: 'all' });
    expect(never.status).toBe(404);
    expect(never.json.error.code).toBe('run_not_found');

    const get = await fetch(`${url}/v1/runs/${completed.json.runId}/approve`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses malformed bodies and unknown interruptions with 400 / 409, and the run still waits as it was', async () => {
    const model = new ScriptedModel(offlineResponder);
    const { url, refunds } = await start({ model });
    const paused = await chat(url, 'Refund orders 1 and 2');
    const runId = paused.json.runId as string;
    const [one, two] = paused.json.interruptions;

    const cases: [unknown, number, string, RegExp][] = [
      ['{"approve":', 400, 'invalid_json', /JSON/],
      [[], 400, 'invalid_request', /must be a JSON object, got an array/],
      [{ approve: 42 }, 400, 'invalid_request', /"approve" must be "all" or an array/],
      [{ approve: [one.id], extra: true }, 400, 'invalid_request', /Unknown field\(s\) "extra"/],
      [{ reject: [{ id: one.id, message: '  ' }] }, 400, 'invalid_request', /non-blank string/],
      [{ reject: [{ id: one.id, why: 'x' }] }, 400, 'invalid_request', /unknown field\(s\) "why"/],
      [{ approve: [one.id], reject: [one.id] }, 400, 'invalid_request', /decided twice/],
      [{}, 400, 'nothing_decided', /waits for/],
      // One good decision beside an unknown one: neither is kept.
      [
        { approve: [one.id, 'nope'] },
        409,
        'unknown_interruption',
        /no decision on "nope".*Nothing was decided/,
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const refused = await approve(url, runId, body);
      expect({ body, status: refused.status, code: refused.json.error.code }).toEqual({
        body,
        status,
        code,
      });
      expect(refused.json.error.message).toMatch(message);
    }
    // Every 400 says what was expected.
    const shape = await approve(url, runId, { approve: 42 });
    expect(shape.json.error.message).toContain('Expected {"approve"');

    expect(refunds).toEqual([]);
    expect(model.callCount).toBe(1);
    // Both still wait: the first can be decided now (it would be unknown had a refused request
    // kept its decision), then the second.
    const partial = await approve(url, runId, { approve: [one.id] });
    expect(partial.json.interruptions).toEqual([expect.objectContaining({ id: two.id })]);
    const done = await approve(url, runId, { reject: [two.id] });
    expect(done.json.status).toBe('completed');
    expect(refunds.map((r) => r.orderId)).toEqual(['1']);
  });

  it('answers 409 run_in_progress while the run is going on, in its first request or a continuation', async () => {
    const firstCall = deferred();
    const releaseFirst = deferred();
    const secondCall = deferred();
    const releaseSecond = deferred();
    const model = new ScriptedModel(async (request, index) => {
      const [reached, release] =
        index === 0 ? [firstCall, releaseFirst] : [secondCall, releaseSecond];
      reached.resolve();
      await release.promise;
      return offlineResponder(request, index);
    });
    const { url, refunds } = await start({ model });

    // The chat run, held at its first model call: its id is known from the stream's run:start.
    const streamed = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: JSON.stringify({ agent: 'orders', message: 'Refund order 3' }),
    });
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    const runStart = parseSSE(new TextDecoder().decode(value))[0];
    expect(runStart?.event).toBe('run:start');
    const runId = runStart?.data.runId as string;
    await firstCall.promise;

    const early = await approve(url, runId, { approve: 'all' });
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({ code: 'run_in_progress', runId });

    releaseFirst.resolve();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(parseSSE(rest).at(-1)?.data.status).toBe('interrupted');

    // A continuation, held at the model call after the refund ran.
    const continuing = approve(url, runId, { approve: 'all' });
    await secondCall.promise;
    const twice = await approve(url, runId, { approve: 'all' });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('run_in_progress');
    expect(twice.json.error.message).toContain('going on right now');

    releaseSecond.resolve();
    expect((await continuing).json.status).toBe('completed');
    expect(refunds.map((r) => r.orderId)).toEqual(['3']);
  });

  it('a continuation that failed after the tool ran can be continued again with {}, without running the tool twice', async () => {
    const model = new ScriptedModel((request, index) =>
      index === 1
        ? new ModelError({ message: 'The provider refused.', retryable: false, status: 400 })
        : offlineResponder(request, index),
    );
    const { url, refunds } = await start({ model });
    const paused = await chat(url, 'Refund order 11');
    const runId = paused.json.runId as string;

    const failed = await approve(url, runId, { approve: 'all' });
    expect(failed.status).toBe(502);
    expect(failed.json.error.code).toBe('model_error');
    expect(refunds.map((r) => r.orderId)).toEqual(['11']);

    const done = await approve(url, runId, {});
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ status: 'completed', runId });
    expect(done.json.text).toMatch(/^Order 11 is refunded/);
    expect(refunds.map((r) => r.orderId)).toEqual(['11']);
  });
});
