import { ConfigurationError } from '../errors/errors.js';
import type { ToolDecision } from '../middleware/interceptors.js';
import type { ModelRequest } from '../models/model.js';

/**
 * Checks what a `beforeTool` interceptor returned. Nothing (`undefined` or `null`) approves; a
 * decision the loop does not understand (a misspelt action, `false`, a rewrite without `args`)
 * fails the run instead of running the tool: an approval gate must fail closed.
 *
 * @throws ConfigurationError for anything but a valid decision or nothing.
 */
export function checkToolDecision(returned: unknown, toolName: string): ToolDecision | undefined {
  if (returned === undefined || returned === null) return undefined;
  if (typeof returned === 'object') {
    const decision = returned as { action?: unknown; reason?: unknown };
    if (decision.action === 'approve') return { action: 'approve' };
    if (decision.action === 'deny') {
      const reason =
        typeof decision.reason === 'string' && decision.reason.trim() !== ''
          ? decision.reason
          : 'no reason was given';
      return { action: 'deny', reason };
    }
    if (decision.action === 'interrupt') {
      return typeof decision.reason === 'string' && decision.reason.trim() !== ''
        ? { action: 'interrupt', reason: decision.reason }
        : { action: 'interrupt' };
    }
    if (decision.action === 'rewrite' && 'args' in decision) {
      return { action: 'rewrite', args: (decision as { args: unknown }).args };
    }
  }
  throw new ConfigurationError(
    `beforeTool must return { action: 'approve' }, { action: 'deny', reason }, { action: 'rewrite', args }, { action: 'interrupt', reason? } or nothing; for a call to "${toolName}" it returned ${describeValue(returned)}. The tool was not run.`,
    { option: 'beforeTool' },
  );
}

/**
 * Checks what a `beforeModel` interceptor returned: nothing keeps the request; otherwise it must
 * be a request with a non-empty `messages` array (the API refuses any other).
 *
 * @throws ConfigurationError for anything else, before the model is called.
 */
export function checkModelRequest(returned: unknown): ModelRequest | undefined {
  if (returned === undefined || returned === null) return undefined;
  const messages =
    typeof returned === 'object' ? (returned as { messages?: unknown }).messages : undefined;
  if (Array.isArray(messages) && messages.length > 0) return returned as ModelRequest;
  throw new ConfigurationError(
    `beforeModel must return nothing (to send the request unchanged) or a request with a non-empty "messages" array, such as { ...request, messages }; it returned ${describeValue(returned)}.`,
    { option: 'beforeModel' },
  );
}

/** A value, shortly, for an error message about what a user's function returned. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 200)}...` : json;
  } catch {
    return 'an object';
  }
}
