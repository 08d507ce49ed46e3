import type { ToolRegistry } from '@agentloop/tools';
import { ConfigurationError } from '../errors/errors.js';
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
    if (hooks.length === 0) {
      const keys = Object.keys(middleware);
      throw new ConfigurationError(
        `Agent "${agent}": "${option}" has none of wrapRun, wrapModelCall, wrapToolCall${keys.length > 0 ? ` (it has ${keys.map((k) => `"${k}"`).join(', ')})` : ''}, so it would never be called. Check the hook names.`,
        { option },
      );
    }
  });
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
