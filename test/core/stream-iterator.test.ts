/**
 * The `AgentStream` contract on a scripted model: when the run starts, iterating once, the
 * result, the iterator's ending after `run:end` / `run:error` / `abort()`, concurrent `next()`
 * calls and the buffer settings.
 */
import {
  Agent,
  AgentStream,
  ConfigurationError,
  ModelError,
  RunAbortedError,
  STREAM_HIGH_WATER_MARK,
} from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { describe, expect, it } from 'vitest';
import { deferred, settleEventLoop } from '../support/deferred.js';

const agentWith = (...replies: ScriptedReply[]) =>
  new Agent({ name: 's', model: new ScriptedModel(replies) });

const types = (events: readonly { type: string }[]) => events.map((e) => e.type);

describe('AgentStream', () => {
  it('runs nothing until iterated or `result` is read', async () => {
    const model = new ScriptedModel(['hi']);
    const agent = new Agent({ name: 's', model });
    const stream = agent.stream('x');
    // Time enough for a run started eagerly to reach the model (it has no delay).
    await settleEventLoop();
    expect(model.requests).toHaveLength(0);
    expect(stream).toBeInstanceOf(AgentStream);
    await stream.result;
    expect(model.requests).toHaveLength(1);
  });

  it('can be iterated only once', async () => {
    const stream = agentWith('hi').stream('x');
    for await (const _ of stream) {
      // drain
    }
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('`result` read in the same tick as the for-await start loses nothing', async () => {
    const stream = agentWith('hi').stream('x');
    const result = stream.result;
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect(seen[0]).toBe('run:start');
    expect(seen.at(-1)).toBe('run:end');
    expect((await result).text).toBe('hi');
    expect(stream.result).toBe(result);
  });

  it('`result` read first and awaited: events reach listeners, iterating later throws', async () => {
    const agent = agentWith('hi');
    const heard: string[] = [];
    agent.on('*', (e) => heard.push(e.type));
    const stream = agent.stream('x');
    const result = await stream.result;
    expect(result.text).toBe('hi');
    expect(heard).toContain('text:delta');
    expect(stream.bufferedCount).toBe(0);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/`result` was read before iteration/);
  });

  it('after run:error the iterator throws that error once, then is done', async () => {
    const failure = new ModelError({ message: 'bad request', retryable: false, status: 400 });
    const stream = agentWith(failure).stream('x');
    const iterator = stream[Symbol.asyncIterator]();
    const seen: string[] = [];
    let thrown: unknown;
    for (;;) {
      try {
        const next = await iterator.next();
        if (next.done) break;
        seen.push(next.value.type);
      } catch (error) {
        thrown = error;
        break;
      }
    }
    expect(seen.at(-1)).toBe('run:error');
    expect(thrown).toBe(failure);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(stream.result).rejects.toBe(failure);
  });

  it('abort() before iteration: the run fails at once with RunAbortedError, quietly', async () => {
    const model = new ScriptedModel(['hi']);
    const stream = new Agent({ name: 's', model }).stream('x');
    stream.abort('never mind');
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect(seen).toEqual(['run:start', 'run:error']);
    expect(model.requests).toHaveLength(0);
    const error = await stream.result.catch((e: unknown) => e);
    expect(RunAbortedError.isInstance(error) && error.reason).toBe('never mind');
  });

  it('abort() after the run ended changes nothing', async () => {
    const stream = agentWith('hi').stream('x');
    for await (const _ of stream) {
      // drain
    }
    stream.abort();
    await expect(stream.result).resolves.toMatchObject({ text: 'hi' });
  });

  it('concurrent next() calls receive distinct events, in order', async () => {
    const stream = agentWith('hello there').stream('x');
    const iterator = stream[Symbol.asyncIterator]();
    const batch = await Promise.all(Array.from({ length: 40 }, () => iterator.next()));
    const values = batch.filter((r) => !r.done).map((r) => r.value);
    expect(types(values)[0]).toBe('run:start');
    expect(types(values).at(-1)).toBe('run:end');
    expect(new Set(values).size).toBe(values.length);
    expect(batch.slice(values.length).every((r) => r.done)).toBe(true);
  });

  it('return() while a next() is pending settles both', async () => {
    const model = new ScriptedModel(['hi'], { delayMs: 1_000 });
    const stream = new Agent({ name: 's', model }).stream('x');
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // run:start
    await iterator.next(); // turn:start
    await iterator.next(); // model:start
    const pending = iterator.next();
    await iterator.return?.();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(stream.result).rejects.toSatisfy(RunAbortedError.isInstance);
  });

  it('validates highWaterMark and exposes it', () => {
    const agent = agentWith('hi');
    expect(agent.stream('x').highWaterMark).toBe(STREAM_HIGH_WATER_MARK);
    expect(agent.stream('x', { highWaterMark: 3 }).highWaterMark).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => agent.stream('x', { highWaterMark: bad })).toThrow(ConfigurationError);
    }
  });

  it('an unconsumed stream whose result fails never rejects unhandled', async () => {
    const agent = agentWith(new ModelError({ message: 'x', retryable: false }));
    const failed = deferred();
    agent.on('run:error', () => failed.resolve());
    const stream = agent.stream('x');
    void stream.result; // started, never awaited
    // The run has failed; an unhandled rejection is reported once the loop turns over.
    await failed.promise;
    await settleEventLoop();
    // vitest fails the file on an unhandled rejection; reaching here is the assertion.
    expect(stream.bufferedCount).toBe(0);
  });
});
