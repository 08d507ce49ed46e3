import { ConfigurationError } from '../errors/errors.js';
import { MAX_TIMEOUT_MS } from '../run/model-timeouts.js';
import type { AgentOptions } from './agent-options.js';
import { validateMiddleware, validateStopWhen } from './hook-validation.js';
import type { ToolList } from './tool-calls.js';

/**
 * Checks an agent's options at construction, so a misconfiguration fails where it is written,
 * not at the first run. Tool names and schemas are checked by `ToolRegistry`.
 */
export function validateAgentOptions<TContext, TOutput, TTools extends ToolList>(
  options: AgentOptions<TContext, TOutput, TTools>,
): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      `new Agent(options) expects an options object with at least { name, model }; got ${typeof options}.`,
    );
  }
  const { name, model, instructions } = options;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(
      `Agent "name" must be a non-empty string; got ${JSON.stringify(name)}. Give the agent a name for logs and events, e.g. name: 'weather-bot'.`,
      { option: 'name' },
    );
  }
  const isModel =
    typeof model === 'object' &&
    model !== null &&
    typeof model.generate === 'function' &&
    typeof model.stream === 'function';
  if (!(typeof model === 'string' && model.trim() !== '') && !isModel) {
    throw new ConfigurationError(
      `Agent "${name}": "model" must be a model name such as 'gpt-4o-mini' or a Model object with generate() and stream(); got ${describe(model)}.`,
      { option: 'model' },
    );
  }
  if (
    instructions !== undefined &&
    typeof instructions !== 'string' &&
    typeof instructions !== 'function'
  ) {
    throw new ConfigurationError(
      `Agent "${name}": "instructions" must be a string or a function returning one; got ${describe(instructions)}.`,
      { option: 'instructions' },
    );
  }
  const store = options.runStore as Partial<Record<string, unknown>> | undefined;
  if (
    store !== undefined &&
    (typeof store !== 'object' ||
      store === null ||
      !['save', 'load', 'delete', 'claim'].every((m) => typeof store[m] === 'function'))
  ) {
    throw new ConfigurationError(
      `Agent "${name}": "runStore" must be a RunStore with save(), load(), delete() and claim(), such as new InMemoryRunStore() or new FileRunStore({ dir }) from @agentloop/core/node; got ${describe(store)}.`,
      { option: 'runStore' },
    );
  }
  positiveInteger(name, 'toolConcurrency', options.toolConcurrency);
  positiveInteger(name, 'maxTurns', options.maxTurns);
  nonNegativeInteger(name, 'maxOutputRepairs', options.maxOutputRepairs);
  timeouts(name, options.timeouts);
  validateMiddleware(name, options.middleware);
  validateStopWhen(name, options.stopWhen);
  if (options.onMaxTurns !== undefined && !['throw', 'final-answer'].includes(options.onMaxTurns)) {
    throw new ConfigurationError(
      `Agent "${name}": "onMaxTurns" must be 'throw' or 'final-answer'; got ${describe(options.onMaxTurns)}.`,
      { option: 'onMaxTurns' },
    );
  }
  if (options.output !== undefined && typeof options.output?.['~standard'] !== 'object') {
    throw new ConfigurationError(
      `Agent "${name}": "output" must be a zod schema (zod 4, or zod 3.25+ via 'zod/v3'); got ${describe(options.output)}.`,
      { option: 'output' },
    );
  }
  const memory = options.memory;
  if (memory !== undefined) {
    positiveInteger(name, 'memory.maxTokens', memory.maxTokens);
    nonNegativeInteger(name, 'memory.reserveOutputTokens', memory.reserveOutputTokens);
    const store = memory.store;
    if (
      store !== undefined &&
      (typeof store.load !== 'function' || typeof store.append !== 'function')
    ) {
      throw new ConfigurationError(
        `Agent "${name}": "memory.store" must implement load(sessionId) and append(sessionId, messages), like InMemoryStore or FileStore.`,
        { option: 'memory.store' },
      );
    }
    const lock = memory.sessionLock;
    if (lock !== undefined && typeof lock?.acquire !== 'function') {
      throw new ConfigurationError(
        `Agent "${name}": "memory.sessionLock" must implement acquire(sessionId, { signal }), like RedisSessionLock from @agentloop/redis; got ${describe(lock)}.`,
        { option: 'memory.sessionLock' },
      );
    }
  }
}

/**
 * Checks the options of `run()` / `stream()` that the loop relies on: a run-level `maxTurns` that
 * is not a positive integer (`NaN` from an unset environment variable) would never end the loop.
 */
export function validateRunOptions(
  agent: string,
  options: {
    maxTurns?: number | undefined;
    timeouts?: unknown;
    deadlineMs?: number | undefined;
    middleware?: unknown;
    stopWhen?: unknown;
    runId?: unknown;
    runStore?: unknown;
  },
): void {
  positiveInteger(agent, 'maxTurns', options.maxTurns);
  if (options.runId !== undefined)
    validateRunId(options.runId, `agent "${agent}": run option "runId"`);
  runStoreOption(agent, options.runStore);
  timeouts(agent, options.timeouts);
  milliseconds(agent, 'deadlineMs', options.deadlineMs);
  validateMiddleware(agent, options.middleware);
  validateStopWhen(agent, options.stopWhen);
}

/** Checks `timeouts`: an object whose bounds, when given, are positive numbers of milliseconds. */
function timeouts(agent: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      `Agent "${agent}": "timeouts" must be an object such as { firstByteMs: 60_000, idleMs: 30_000 }; got ${describe(value)}.`,
      { option: 'timeouts' },
    );
  }
  const known = ['firstByteMs', 'idleMs'];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ConfigurationError(
        `Agent "${agent}": "timeouts.${key}" is not an option; the bounds are firstByteMs and idleMs (the whole run's bound is the run option deadlineMs).`,
        { option: `timeouts.${key}` },
      );
    }
    milliseconds(agent, `timeouts.${key}`, (value as Record<string, unknown>)[key]);
  }
}

/** A bound in milliseconds: a finite number above 0 that a timer can hold. */
function milliseconds(agent: string, option: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_TIMEOUT_MS) {
    return;
  }
  throw new ConfigurationError(
    `Agent "${agent}": "${option}" must be a positive, finite number of milliseconds of at most ${MAX_TIMEOUT_MS} (about 24.8 days); got ${describe(value)}. Leave it out for the default.`,
    { option },
  );
}

/** Checks the input of `run()` / `stream()`. */
export function validateRunInput(input: unknown): void {
  if (typeof input === 'string') return;
  if (
    Array.isArray(input) &&
    input.every((m) => typeof m === 'object' && m !== null && typeof m.role === 'string')
  ) {
    return;
  }
  throw new ConfigurationError(
    `agent.run(input) expects a string or an array of chat messages ({ role, content }), or a RunState to continue; got ${describe(input)}.`,
    { option: 'input' },
  );
}

/** Checks the run id given to `agent.resume(runId)` (or the run option `runId`). */
export function validateRunId(runId: unknown, where = 'agent.resume(runId)'): void {
  if (typeof runId === 'string' && runId !== '') return;
  throw new ConfigurationError(
    `${where} expects the run's id, a non-empty string (result.runId, or the runId of any of its events); got ${describe(runId)}.`,
    { option: 'runId' },
  );
}

/** Checks the run option `runStore`: an object with the `RunStore` methods. */
function runStoreOption(agent: string, value: unknown): void {
  if (value === undefined) return;
  const store = value as Record<string, unknown> | null;
  if (
    typeof store === 'object' &&
    store !== null &&
    ['save', 'load', 'delete', 'claim'].every((m) => typeof store[m] === 'function')
  ) {
    return;
  }
  throw new ConfigurationError(
    `Agent "${agent}": run option "runStore" must be a RunStore (save, load, delete, claim), such as InMemoryRunStore; got ${describe(value)}.`,
    { option: 'runStore' },
  );
}

function positiveInteger(agent: string, option: string, value: number | undefined): void {
  if (value === undefined || (Number.isInteger(value) && value > 0)) return;
  throw new ConfigurationError(
    `Agent "${agent}": "${option}" must be a positive integer; got ${describe(value)}.`,
    { option },
  );
}

function nonNegativeInteger(agent: string, option: string, value: number | undefined): void {
  if (value === undefined || (Number.isInteger(value) && value >= 0)) return;
  throw new ConfigurationError(
    `Agent "${agent}": "${option}" must be an integer of 0 or more; got ${describe(value)}.`,
    { option },
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
