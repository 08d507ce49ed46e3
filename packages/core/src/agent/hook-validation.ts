import type { ToolRegistry } from '@agentloop/tools';
import { ConfigurationError } from '../errors/errors.js';
import { EVENT_TYPES } from '../events/events.js';
import { isStopAtTool, type StopCondition, stopConditions } from '../run/stop-when.js';

const HOOKS = ['wrapRun', 'wrapModelCall', 'wrapToolCall'] as const;

/**
 * Checks a `middleware` option (of the agent or of a run): a list of objects whose hooks, when
 * present, are functions. A misspelt hook is refused rather than silently never called.
 */
export function validateMiddleware(agent: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    throw new ConfigurationError(
      `Agent "${agent}": "middleware" must be a list such as [{ wrapModelCall: (ctx, next) => next() }]; got ${describe(value)}.`,
      { option: 'middleware' },
    );
  }
  value.forEach((middleware: unknown, index) => {
    const option = `middleware[${index}]`;
    if (typeof middleware !== 'object' || middleware === null || Array.isArray(middleware)) {
      throw new ConfigurationError(
        `Agent "${agent}": "${option}" must be an object with wrapRun, wrapModelCall and/or wrapToolCall; got ${describe(middleware)}.`,
        { option },
      );
    }
    const hooks = HOOKS.filter(
      (hook) => (middleware as Record<string, unknown>)[hook] !== undefined,
    );
    for (const hook of hooks) {
      if (typeof (middleware as Record<string, unknown>)[hook] !== 'function') {
        throw new ConfigurationError(
          `Agent "${agent}": "${option}.${hook}" must be a function (ctx, next) => Promise; got ${describe((middleware as Record<string, unknown>)[hook])}.`,
          { option: `${option}.${hook}` },
        );
      }
    }
    const events = (middleware as Record<string, unknown>).events;
    if (events !== undefined) validateEvents(agent, `${option}.events`, events);
    if (hooks.length === 0 && events === undefined) {
      const keys = Object.keys(middleware);
      throw new ConfigurationError(
        `Agent "${agent}": "${option}" has none of wrapRun, wrapModelCall, wrapToolCall, events${keys.length > 0 ? ` (it has ${keys.map((k) => `"${k}"`).join(', ')})` : ''}, so it would never be called. Check the hook names.`,
        { option },
      );
    }
  });
}

const EVENT_KEYS: ReadonlySet<string> = new Set([...EVENT_TYPES, 'onEvent']);

/** Checks a middleware's `events`: listeners keyed by event type or `onEvent`, each a function. */
function validateEvents(agent: string, option: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      `Agent "${agent}": "${option}" must be an object of listeners such as { 'model:retry': (event) => {} }; got ${describe(value)}.`,
      { option },
    );
  }
  for (const [key, listener] of Object.entries(value)) {
    if (!EVENT_KEYS.has(key)) {
      throw new ConfigurationError(
        `Agent "${agent}": "${option}" has a listener for "${key}", which is no event type; use one of ${[...EVENT_KEYS].join(', ')}.`,
        { option: `${option}.${key}` },
      );
    }
    if (typeof listener !== 'function') {
      throw new ConfigurationError(
        `Agent "${agent}": "${option}.${key}" must be a function (event) => void; got ${describe(listener)}.`,
        { option: `${option}.${key}` },
      );
    }
  }
}

/**
 * Checks a `stopWhen` option: one condition or a list, each a predicate function or made by
 * `stopAtTool(name)`.
 */
export function validateStopWhen(agent: string, value: unknown): void {
  if (value === undefined) return;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  list.forEach((condition, index) => {
    if (typeof condition === 'function' || isStopAtTool(condition)) return;
    const option = Array.isArray(value) ? `stopWhen[${index}]` : 'stopWhen';
    throw new ConfigurationError(
      `Agent "${agent}": "${option}" must be stopAtTool(name) or a predicate (run) => boolean; got ${describe(condition)}.`,
      { option },
    );
  });
}

/**
 * Checks, when a run starts, that every `stopAtTool` names a tool of the agent: tools may be
 * registered on `agent.tools` after construction, so this cannot be known earlier.
 */
export function validateStopTools<TContext>(
  agent: string,
  conditions: readonly StopCondition<TContext>[],
  runOption: unknown,
  registry: ToolRegistry<TContext>,
): void {
  const all = [...conditions, ...stopConditions(runOption as StopCondition<TContext> | undefined)];
  for (const condition of all) {
    if (isStopAtTool(condition) && !registry.has(condition.toolName)) {
      const names = registry.list().map((t) => t.name);
      throw new ConfigurationError(
        `Agent "${agent}": stopAtTool('${condition.toolName}') names no tool of the agent; its tools are ${names.length > 0 ? names.join(', ') : '(none)'}. Pass the name of one of them.`,
        { option: 'stopWhen' },
      );
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
