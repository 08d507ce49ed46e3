/**
 * Issue 11, point 17 (core): `pipeSSEToResponse` bounds a write to a client that reads nothing.
 * No `'drain'` within `drainTimeoutMs` aborts the run (reason `client_stalled`) and destroys the
 * response; `0` keeps waiting.
 */
import { EventEmitter } from 'node:events';
import {
  Agent,
  AgentError,
  pipeSSEToResponse,
  RunAbortedError,
  type SSEServerResponse,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A fake clock: the drain timeout and the model's chunk delays pass when the test says so.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A response whose socket never drains: every write reports a full buffer. */
class StalledResponse extends EventEmitter implements SSEServerResponse {
  statusCode = 0;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  readonly calls: string[] = [];
  setHeader() {}
  flushHeaders() {
    this.headersSent = true;
  }
  write() {
    this.calls.push('write');
    return false;
  }
  end() {
    this.calls.push('end');
    this.writableEnded = true;
  }
  destroy() {
    this.calls.push('destroy');
    this.destroyed = true;
    this.emit('close');
  }
}

const longAnswer = () =>
  new Agent({
    name: 'slow-reader',
    model: new ScriptedModel(['word '.repeat(500)], { chunkDelayMs: 1 }),
  });

describe('pipeSSEToResponse and a client that reads nothing', () => {
  it('aborts the run and destroys the response after drainTimeoutMs', async () => {
    const agent = longAnswer();
    const order: string[] = [];
    agent.on('run:error', () => {
      order.push('run:error');
    });
    const stream = agent.stream('talk', { highWaterMark: 2 });
    const res = new StalledResponse();
    res.on('close', () => order.push('close'));
    const piped = pipeSSEToResponse(stream, res, { drainTimeoutMs: 40, heartbeatMs: 0 }).then(
      () => {
        order.push('piped');
      },
    );
    // The first write found the buffer full; 1 ms short of the bound, it still waits.
    await vi.advanceTimersByTimeAsync(39);
    expect(order).toEqual([]);
    expect(res.calls).toEqual(['write']);
    await vi.advanceTimersByTimeAsync(1);
    await piped;

    expect(res.calls).toEqual(['write', 'destroy']);
    expect(order).toEqual(['run:error', 'close', 'piped']);
    const error = await stream.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error)).toBe(true);
    const reason = (error as RunAbortedError).reason;
    expect(AgentError.isInstance(reason) && reason.code).toBe('client_stalled');
    expect((reason as Error).message).toContain('40 ms');
  });

  it('keeps waiting with drainTimeoutMs: 0, and refuses a bad value', async () => {
    const agent = longAnswer();
    const stream = agent.stream('talk', { highWaterMark: 2 });
    const res = new StalledResponse();
    let settled = false;
    const piped = pipeSSEToResponse(stream, res, { drainTimeoutMs: 0, heartbeatMs: 0 }).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    expect(res.calls).toEqual(['write']);
    res.emit('close');
    await piped;
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);

    await expect(
      pipeSSEToResponse(longAnswer().stream('x'), new StalledResponse(), { drainTimeoutMs: -1 }),
    ).rejects.toThrow(/drainTimeoutMs must be a number of milliseconds >= 0/);
  });
});
