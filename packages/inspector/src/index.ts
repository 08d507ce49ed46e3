/**
 * `@agentloop/inspector`: record runs with `runLog` and look at them with `agentloop-inspect`,
 * a page served on 127.0.0.1 (no account, no network): each run's turns on a timeline, model
 * calls with tokens, cost and latency, tool calls with arguments, results and outcomes, pauses,
 * answers and errors.
 *
 * @packageDocumentation
 */
export { InspectorError, type InspectorErrorCode } from './errors.js';
export {
  DEFAULT_MAX_VALUE_CHARS,
  type RunLog,
  type RunLogOptions,
  runLog,
} from './log/run-log.js';
export type { LoggedEvent } from './model/logged-event.js';
export type { RunStatus, RunSummary } from './model/run-summary.js';
export type { LogSource } from './server/log-source.js';
export {
  DEFAULT_INSPECTOR_PORT,
  type Inspector,
  type InspectorOptions,
  startInspector,
} from './server/start-inspector.js';
