/**
 * The error base, which lives in `@agentloop/protocol` so that tools and memory extend the same
 * class, with the union of every package's codes and the helper core's subclasses share. See
 * `errors.ts` for the subclasses and how they are grouped.
 *
 * @module
 */

import type { MemoryErrorCode } from '@agentloop/memory';
import { AgentError, type ConfigErrorCode } from '@agentloop/protocol';
import type { ToolDefinitionErrorCode } from '@agentloop/tools';
import type { RunStateErrorCode } from './run-state-error.js';

export {
  AGENT_ERROR_MARKER,
  AgentError,
  type AgentErrorInit,
  type AgentErrorLike,
  type AgentErrorOptions,
  serializeCause,
} from '@agentloop/protocol';

/**
 * The stable codes of the errors agentloop throws at you: core's, tools' definition errors and
 * memory's. A misconfiguration has one code in every package, `invalid_config`. (The built-in
 * tools' codes, `BuiltinToolErrorCode`, reach the model as tool errors, not you.)
 */
export type AgentErrorCode =
  | ConfigErrorCode
  | 'max_turns_exceeded'
  | 'max_handoffs_exceeded'
  | 'output_validation_failed'
  | 'model_error'
  | 'run_aborted'
  | 'deadline_exceeded'
  | 'budget_exceeded'
  | 'run_store_error'
  | RunStateErrorCode
  | ToolDefinitionErrorCode
  | MemoryErrorCode;

/** @internal True when `error` is an agentloop error with exactly this `code`. */
export function hasCode(error: unknown, code: AgentErrorCode): boolean {
  return AgentError.isInstance(error) && error.code === code;
}
