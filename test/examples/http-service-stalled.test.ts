/**
 * Issue 11, point 17: an SSE client that never reads used to hold its run slot forever (the
 * server waited for `'drain'` that never came), so `maxConcurrentRuns` idle connections locked
 * everyone out. A write that waits longer than `drainTimeoutMs` now aborts the run, frees the
 * slot and destroys the connection. The stalled client is a real socket that sends its request
 * and never reads.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentError,
  type AgentEvent,
  type Model,
  type ModelRequest,
  RunAbortedError,
} from '@agentloop/core';
import { FileStore } from '@agentloop/memory/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createService, readConfig } from '../../examples/http-service/src/index.js';
import { deferred } from '../support/deferred.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Polls `check` until it holds (a generous bound, never a timing assertion), for a state that no
 * event announces: the service's count of active runs.
 */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const CHUNK = 'x'.repeat(64 * 1024);

/** Opens when a run starts to flood (its slot is taken by then); replaced by each test. */
let flooding = deferred();

/**
 * A model that streams 64 KiB text chunks until its signal aborts when asked to `flood`, and
 * answers `ok` otherwise: enough to fill any socket buffer of a client that never reads.
 */
const floodModel: Model = {
  name: 'gpt-4o-mini',
  async generate() {
    throw new Error('this test only streams');
  },
  async *stream(request: ModelRequest, { signal } = {}) {
    const flood = request.messages.at(-1)?.content === 'flood';
    if (flood) {
      flooding.resolve();
      for (;;) {
        signal?.throwIfAborted();
        yield { type: 'text-delta', delta: CHUNK };
        // Let the socket and the abort be seen between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    yield { type: 'text-delta', delta: 'ok' };
    yield {
      type: 'response',
      response: {
        message: { role: 'assistant', content: 'ok', refusal: null },
        finishReason: 'stop',
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    };
  },
};

/** A raw HTTP client that sends a streamed chat request and never reads the answer. */
function stalledClient(port: number, message: string): Promise<Socket> {
  const body = JSON.stringify({ message });
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      // Never read: the kernel's receive buffer fills, then the server's writes back up.
      socket.pause();
      socket.write(
        `POST /v1/chat/stream HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

async function startService(options: { drainTimeoutMs?: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'http-stalled-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const errors: unknown[] = [];
  const service = createService({
    agents: [{ name: 'flood', model: floodModel }],
    store: new FileStore({ dir }),
    log: { error: (_message, error) => errors.push(error) },
    maxConcurrentRuns: 1,
    heartbeatMs: 0,
    ...options,
  });
  const { port } = await service.listen(0);
  cleanups.push(() => service.close({ graceMs: 0 }));
  const timeline: string[] = [];
  const runErrors: unknown[] = [];
  service.agents.get('flood')?.on('run:error', (event: AgentEvent) => {
    if (event.type !== 'run:error') return;
    timeline.push('stalled run aborted');
    runErrors.push(event.error);
  });
  return { service, port, errors, timeline, runErrors };
}

describe('a streaming client that never reads', () => {
  it('is cut off after drainTimeoutMs: the run aborts, the slot frees, the next client gets through', async () => {
    // A real clock: the drain timeout waits on a real socket's 'drain', out of a fake clock's
    // reach, so it is short (300 ms) and nothing asserts how long it took, only the order.
    flooding = deferred();
    const { service, port, errors, timeline, runErrors } = await startService({
      drainTimeoutMs: 300,
    });
    const url = `http://127.0.0.1:${port}`;
    const stalled = await stalledClient(port, 'flood');
    const closed = deferred();
    stalled.once('close', () => {
      closed.resolve();
      timeline.push('stalled socket closed');
    });
    cleanups.push(async () => stalled.destroy());
    await flooding.promise;
    expect(service.activeRuns).toBe(1);

    // While its slot is held, everyone else is refused.
    const refused = await fetch(`${url}/v1/chat`, { method: 'POST', body: '{"message":"hi"}' });
    expect(refused.status).toBe(429);
    await refused.text();

    await until(() => service.activeRuns === 0, 'the stalled run to free its slot');
    timeline.push('slot free');
    const next = await fetch(`${url}/v1/chat/stream`, {
      method: 'POST',
      body: '{"message":"hi"}',
    });
    expect(next.status).toBe(200);
    const body = await next.text();
    expect(body).toContain('event: run:end');
    timeline.push('next client answered');

    // The stalled connection was destroyed: resumed, it ends without the rest of the stream.
    stalled.resume();
    await closed.promise;
    expect(timeline.indexOf('stalled run aborted')).toBeLessThan(timeline.indexOf('slot free'));
    expect(timeline.indexOf('slot free')).toBeLessThan(timeline.indexOf('next client answered'));

    // The run was aborted with a reason that says why; a stalled client is not a server fault.
    expect(runErrors).toHaveLength(1);
    const aborted = runErrors[0];
    expect(RunAbortedError.isInstance(aborted)).toBe(true);
    const reason = (aborted as RunAbortedError).reason;
    expect(AgentError.isInstance(reason) && reason.code).toBe('client_stalled');
    expect((reason as Error).message).toMatch(/300 ms/);
    expect(errors).toEqual([]);
  });

  it('reads DRAIN_TIMEOUT_MS from the environment, 30 s by default', () => {
    expect(readConfig({}).drainTimeoutMs).toBe(30_000);
    expect(readConfig({ DRAIN_TIMEOUT_MS: '500' }).drainTimeoutMs).toBe(500);
    expect(() => readConfig({ DRAIN_TIMEOUT_MS: 'soon' })).toThrow(
      'DRAIN_TIMEOUT_MS must be a whole number >= 0, got "soon"',
    );
  });
});
