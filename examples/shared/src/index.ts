/**
 * What the agentloop examples share: the model they run on (a real one when configured, a
 * scripted one offline), helpers for scripted models to read a request, and progress printing.
 *
 * @module @agentloop-examples/shared
 */
export { clip, formatArgs, formatCount, formatMs, formatUsage } from './format.js';
export { exitQuietlyWhenStdoutCloses } from './quiet-epipe.js';
export {
  type Cli,
  type CliOption,
  MODEL_ENVIRONMENT,
  type ReadCliOptions,
  readCli,
  usageText,
} from './read-cli.js';
export {
  currentToolResults,
  faultReason,
  jsonOutput,
  lastUserText,
  messageText,
  offersTool,
  type ToolResult,
} from './read-request.js';
export {
  DEFAULT_MODEL,
  type SelectedModel,
  type SelectModelOptions,
  selectModel,
} from './select-model.js';
export { ToolProgress, type ToolProgressOptions } from './tool-progress.js';
