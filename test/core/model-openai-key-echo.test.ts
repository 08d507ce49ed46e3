/**
 * A provider (a gateway, a captive portal, a debugging proxy) that answers 200 with a body echoing
 * the request's Authorization header: the API key must appear nowhere in what the adapter makes of
 * that body: error messages, fields, cause chains, JSON, `util.inspect`, run events, logs.
 */
import { inspect } from 'node:util';
import { Agent, ModelError } from '@agentloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type RecordedRequest,
  type Step,
  startTestServer,
  type TestServer,
} from '../support/index.js';
import { caught, deltaChunk, drain, KEY, modelOn, request, sseBody } from './raw-wire.js';

let server: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

const auth = (r: RecordedRequest) => String(r.headers.authorization);

/** Starts a server that answers every request with `answer(request)`. */
async function echoing(answer: (r: RecordedRequest) => Step) {
  server = await startTestServer({ responder: (r) => answer(r) });
  return server;
}

/** Every text a reader of `error` could see. */
function views(error: unknown): string[] {
  const seen: string[] = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 20, showHidden: true }),
  ];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    seen.push(
      e.message,
      String(e.stack),
      JSON.stringify(e),
      inspect(e, { depth: 20, showHidden: true }),
    );
  }
  return seen;
}

function expectNoKey(error: unknown) {
  expect(ModelError.isInstance(error)).toBe(true);
  for (const text of views(error)) expect(text).not.toContain(KEY);
  // Not even the start of it: a key cut in half before scrubbing would slip through.
  for (const text of views(error)) expect(text).not.toContain(KEY.slice(0, 16));
}

/** A 200 JSON body that is not a completion and echoes the Authorization header. */
const echoJson = (r: RecordedRequest, extra: object = {}): Step => ({
  raw: JSON.stringify({ echo: { headers: { authorization: auth(r) } }, ...extra }),
  contentType: 'application/json',
});

describe('a 200 body that echoes the Authorization header', () => {
  it('generate, "no choices": the key is scrubbed from the message and everywhere else', async () => {
    const s = await echoing((r) => echoJson(r));
    const error = await caught(modelOn(s).generate(request));
    expect((error as Error).message).toMatch(/no choices/);
    expect((error as Error).message).toContain('[redacted]');
    expectNoKey(error);
  });

  it('generate: a key that straddles the preview cut does not leak its first half', async () => {
    // Pad so the key starts at the 100th character of the body and the 120-character preview
    // would cut it after 20 characters.
    const s = await echoing((r) => ({
      raw: `{"pad":"${'x'.repeat(66)}","authorization":"${auth(r)}"}`,
      contentType: 'application/json',
    }));
    expectNoKey(await caught(modelOn(s).generate(request)));
  });

  it('generate, a choice without a message: the key is scrubbed', async () => {
    const s = await echoing((r) => echoJson(r, { choices: [{ index: 0, finish_reason: 'stop' }] }));
    const error = await caught(modelOn(s).generate(request));
    expect((error as Error).message).toMatch(/no message/);
    expectNoKey(error);
  });

  it('stream, "not server-sent events": the key is scrubbed', async () => {
    const s = await echoing((r) => ({
      raw: `<html>Sign in to the network. Your request: Authorization: ${auth(r)}</html>`,
      contentType: 'text/html',
    }));
    const { error } = await drain(modelOn(s).stream(request));
    expect((error as Error).message).toMatch(/not server-sent events/);
    expectNoKey(error);
  });

  it('stream, a whole JSON reply without choices: the key is scrubbed', async () => {
    const s = await echoing((r) => echoJson(r));
    const { error } = await drain(modelOn(s).stream(request));
    expect((error as Error).message).toMatch(/no choices/);
    expectNoKey(error);
  });

  it('stream, SSE whose data is not JSON: the key is in neither the error nor the logs', async () => {
    const logged: string[] = [];
    for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(inspect(args, { depth: 10 }));
      });
    }
    const s = await echoing((r) => ({ raw: `data: {"authorization": ${auth(r)}}\n\n` }));
    const { error } = await drain(modelOn(s).stream(request));
    expectNoKey(error);
    // The client logs the event it could not parse: scrubbed.
    expect(logged.some((text) => text.includes('Could not parse'))).toBe(true);
    for (const text of logged) expect(text).not.toContain(KEY);
  });

  it('stream, text that echoes the key and then breaks off: partialText is scrubbed', async () => {
    const s = await echoing((r) => ({
      raw: sseBody([deltaChunk({ role: 'assistant', content: `You sent ${auth(r)}` })], {
        done: false,
      }),
    }));
    const { error } = await drain(modelOn(s).stream(request));
    expect((error as ModelError).midStream).toBe(true);
    expect((error as ModelError).partialText).toContain('[redacted]');
    expectNoKey(error);
  });

  it('an error status whose body echoes the key: providerMessage and message are scrubbed', async () => {
    const s = await echoing((r) => ({
      raw: JSON.stringify([
        { error: { code: 400, message: `bad header ${auth(r)}`, status: 'INVALID_ARGUMENT' } },
      ]),
      status: 400,
      contentType: 'application/json',
    }));
    const error = await caught(modelOn(s).generate(request));
    expect((error as ModelError).providerMessage).toBe('bad header Bearer [redacted]');
    expectNoKey(error);
  });

  it('a run: neither the rejection nor any event holds the key, streamed or not', async () => {
    const s = await echoing((r) => echoJson(r));
    const agent = new Agent({ name: 'gateway', model: modelOn(s) });
    const events: unknown[] = [];
    agent.on('*', (event) => events.push(event));
    const error = await caught(agent.run('hi'));
    expectNoKey(error);
    const stream = agent.stream('hi');
    const streamed: unknown[] = [];
    try {
      for await (const event of stream) streamed.push(event);
    } catch {}
    expectNoKey(await caught(stream.result));
    for (const event of [...events, ...streamed]) {
      expect(inspect(event, { depth: 20, showHidden: true })).not.toContain(KEY);
      expect(JSON.stringify(event)).not.toContain(KEY);
    }
    expect(events.length).toBeGreaterThan(0);
  });
});
