/**
 * Shared pieces of the fault-injection tests: a tool that counts its executions per call id, a
 * runner that drives a run in either mode and settles with its result or error, and a watcher of
 * unhandled rejections.
 */
import type { Agent, AgentEvent, RunOptions, RunResult } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { z } from 'zod';
import { settleEventLoop } from '../support/deferred.js';

/** How a run ended: with its result, or with the error it rejected with. */
export type Settled<TOutput = string> =
  | { ok: true; result: RunResult<TOutput>; events: AgentEvent[] }
  | { ok: false; error: unknown; events: AgentEvent[] };

/** The two ways to drive a run. */
export type RunMode = 'run' | 'stream';

/**
 * Runs `input` through `agent.run()` or `agent.stream()` (iterated to the end) and settles with
 * the result or the error, plus every event of the run in order.
 */
export async function settle<TOutput>(
  agent: Agent<unknown, TOutput>,
  input: string,
  mode: RunMode,
  options: RunOptions<unknown> = {},
): Promise<Settled<TOutput>> {
  const events: AgentEvent[] = [];
  const hooks = { ...options.hooks, onEvent: (event: AgentEvent) => void events.push(event) };
  try {
    if (mode === 'run') {
      const result = await agent.run(input, { ...options, hooks });
      return { ok: true, result, events };
    }
    const stream = agent.stream(input, { ...options, hooks });
    for await (const _event of stream) {
      // Reading every event is the point: the stream must end, with its result or its error.
    }
    return { ok: true, result: await stream.result, events };
  } catch (error) {
    return { ok: false, error, events };
  }
}

/** A tool that records how many times each call id ran. */
export function countingTool(name = 'lookup') {
  const runs = new Map<string, number>();
  const definition = tool({
    name,
    description: 'Looks a key up',
    parameters: z.object({ key: z.string() }),
    execute: async ({ key }, { toolCallId }) => {
      runs.set(toolCallId, (runs.get(toolCallId) ?? 0) + 1);
      return { key, value: key.length };
    },
  });
  return {
    tool: definition,
    runs,
    /** Total executions over all call ids. */
    get total(): number {
      let n = 0;
      for (const count of runs.values()) n += count;
      return n;
    },
  };
}

/** Counts unhandled rejections from `start()` to `stop()`. */
export function watchUnhandledRejections() {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => {
    seen.push(reason);
  };
  // Node reports a rejection left unhandled once the microtasks have run: a few event-loop turns
  // (real ones, even on a fake clock) let every pending one surface.
  const flush = () => settleEventLoop();
  return {
    seen,
    start: () => {
      process.on('unhandledRejection', onRejection);
    },
    /** Lets pending rejections surface (a few event-loop turns), still listening. */
    flush,
    /** Lets pending rejections surface, then stops listening. */
    stop: async () => {
      await flush();
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** The types of the events of a run, in order. */
export function eventTypes(events: readonly AgentEvent[]): string[] {
  return events.map((e) => e.type);
}
