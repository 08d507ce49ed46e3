/**
 * Review: a caller's `AbortSignal` shared by many runs (a server's shutdown signal, one
 * controller for a session) must not collect listeners. The `openai` client adds an abort
 * listener to the signal of every request and never removes it, and tools may do the same; a
 * run must hand them a signal of its own, so nothing stays on the caller's signal once the run
 * has ended and no `MaxListenersExceededWarning` appears, however many runs share it.
 */
import { getEventListeners } from 'node:events';
import { Agent, openai, RunAbortedError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settleEventLoop } from '../support/deferred.js';
import { startTestServer, type TestServer } from '../support/index.js';

let server: TestServer;
let warnings: string[];
const onWarning = (warning: Error) => {
  warnings.push(`${warning.name}: ${warning.message}`);
};

beforeEach(async () => {
  server = await startTestServer({ responder: () => ({ content: 'ok' }) });
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  await server.close();
});

/** Warnings are emitted on a later tick (`process.nextTick`): a few event-loop turns cover it. */
const flushWarnings = () => settleEventLoop();
const leakWarnings = () => warnings.filter((w) => w.includes('MaxListenersExceeded'));

function httpAgent() {
  return new Agent({
    name: 'shared-signal',
    model: openai('gpt-4o-mini', { apiKey: 'k', baseURL: server.url }),
  });
}

describe('a signal shared by many runs', () => {
  it('100 runs over HTTP leave no listener on it and raise no warning', async () => {
    const agent = httpAgent();
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) {
      const result = await agent.run(`hi ${i}`, { signal: controller.signal });
      expect(result.text).toBe('ok');
    }
    await flushWarnings();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(leakWarnings()).toEqual([]);
  });

  it('100 streamed runs over HTTP leave no listener on it and raise no warning', async () => {
    const agent = httpAgent();
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) {
      const stream = agent.stream(`hi ${i}`, { signal: controller.signal });
      for await (const _event of stream) {
        // Drain.
      }
      expect((await stream.result).text).toBe('ok');
    }
    await flushWarnings();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(leakWarnings()).toEqual([]);
  });

  it('30 concurrent runs on one signal raise no warning, and aborting it ends all of them', async () => {
    server.close();
    server = await startTestServer({ responder: () => ({ hang: true }) });
    const agent = httpAgent();
    const controller = new AbortController();
    const runs = Array.from({ length: 30 }, (_, i) =>
      agent.run(`hi ${i}`, { signal: controller.signal }).catch((error: unknown) => error),
    );
    await server.waitForRequests(30);
    await flushWarnings();
    expect(leakWarnings()).toEqual([]);
    // One listener feeds all 30 runs, however many there are.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const errors = await Promise.all(runs);
    expect(errors.every((e) => RunAbortedError.isInstance(e))).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a tool that leaves a listener on ctx.signal does not leave it on the caller signal', async () => {
    const sticky = tool({
      name: 'sticky',
      description: 'adds an abort listener and never removes it',
      parameters: z.object({}),
      execute: async (_args, ctx) => {
        ctx.signal.addEventListener('abort', () => {});
        return 'done';
      },
    });
    const model = new ScriptedModel((_request, index) =>
      index % 2 === 0 ? { toolCalls: [{ name: 'sticky', arguments: {} }] } : 'answer',
    );
    const agent = new Agent({ name: 'tools', model, tools: [sticky] });
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await agent.run('go', { signal: controller.signal });
    await flushWarnings();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(leakWarnings()).toEqual([]);
  });

  it('one long run (15 model calls over HTTP) raises no warning', async () => {
    server.close();
    let calls = 0;
    server = await startTestServer({
      responder: () =>
        ++calls < 15 ? { toolCalls: [{ name: 'noop', arguments: {} }] } : { content: 'done' },
    });
    const noop = tool({
      name: 'noop',
      description: 'does nothing',
      parameters: z.object({}),
      execute: () => 'ok',
    });
    const agent = new Agent({
      name: 'long',
      model: openai('gpt-4o-mini', { apiKey: 'k', baseURL: server.url }),
      tools: [noop],
      maxTurns: 20,
    });
    const controller = new AbortController();
    const result = await agent.run('go', { signal: controller.signal });
    expect(result.turns).toBe(15);
    await flushWarnings();
    expect(leakWarnings()).toEqual([]);
  });
});
