/**
 * @agentloop/protocol: what every agentloop package shares, with no dependencies, at the bottom
 * of the package graph: the `AgentError` base that core, tools and memory extend, its marker, and
 * the code of a misconfiguration. Applications import these from `@agentloop/core`, which
 * re-exports `AgentError`.
 *
 * @packageDocumentation
 */
export {
  AGENT_ERROR_MARKER,
  AgentError,
  type AgentErrorInit,
  type AgentErrorLike,
  type AgentErrorOptions,
} from './agent-error.js';
export type { ConfigErrorCode } from './error-codes.js';
export { serializeCause } from './serialize-cause.js';
