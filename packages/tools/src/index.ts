export type { ToolDefinitionErrorCode, ToolDefinitionErrorOptions } from './errors.js';
export { ToolDefinitionError } from './errors.js';
export type { FormatToolOutputOptions } from './format-output.js';
export { DEFAULT_MAX_OUTPUT_CHARS, formatToolOutput } from './format-output.js';
export type { JsonSchemaToolDefinition } from './json-schema-tool.js';
export { jsonSchemaTool } from './json-schema-tool.js';
export { type ParsedToolArguments, parseToolArguments } from './parse-tool-arguments.js';
export type { PreparedToolCall, ToolPreparation } from './prepare-tool-call.js';
export type { ToJSONSchemaOptions, ToJSONSchemaResult } from './to-json-schema.js';
export { normalizeStrictNulls, toJSONSchema } from './to-json-schema.js';
export { tool } from './tool.js';
export {
  ToolContent,
  type ToolImage,
  type ToolImageInput,
  withImages,
} from './tool-content.js';
export { TOOL_NAME_PATTERN } from './tool-fields.js';
export type {
  ToolExecuteOptions,
  ToolPrepareOptions,
  ToolRegistryOptions,
  ToolRunOptions,
} from './tool-registry.js';
export { ToolRegistry } from './tool-registry.js';
export type {
  AnyTool,
  ApprovalContext,
  InferToolArgs,
  NeedsApproval,
  StandardIssue,
  StandardResult,
  StandardSchemaV1,
  StrictMode,
  Tool,
  ToolCall,
  ToolContext,
  ToolDefinition,
  ToolErrorCode,
  ToolFailure,
  ToolOutcome,
  ToolOutcomeError,
  ToolParameters,
  ToolSuccess,
} from './types.js';
