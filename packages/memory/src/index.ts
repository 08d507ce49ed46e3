/**
 * `@agentloop/memory`: exact token counts (tiktoken), pair-safe trimming to a token budget,
 * summarising, and session stores. `FileStore`, which needs Node.js, is in `@agentloop/memory/node`.
 *
 * @packageDocumentation
 */

export { appendKeyOf, MAX_APPEND_KEY_LENGTH } from './append-key.js';
export { contextWindowFor, DEFAULT_CONTEXT_WINDOW } from './context-window.js';
export { DEFAULT_ENCODING, type Encoding, encodingForModel } from './encoding-for-model.js';
export {
  ContextOverflowError,
  InvalidOptionError,
  InvalidSessionIdError,
  MemoryError,
  type MemoryErrorCode,
  type OverflowingMessage,
  SessionStoreError,
} from './errors.js';
export { imageDimensionsOf } from './image-dimensions.js';
export {
  DEFAULT_IMAGE_RULE,
  type ImageDetail,
  type ImageDimensions,
  type ImageTokenRule,
  imageRuleFor,
  imageTokens,
  maxImageTokens,
  type PatchRule,
  type TileRule,
} from './image-tokens.js';
export { InMemoryStore } from './in-memory-store.js';
export type { AppendOptions, MemoryStore, SessionLease, SessionLock } from './memory-store.js';
export { assertSessionId, MAX_SESSION_ID_LENGTH } from './session-id.js';
export type { ShrunkToolOutput } from './shrink-tool-outputs.js';
export {
  type SummaryRequestOptions,
  summaryRequestMessages,
  transcriptOf,
} from './summary-request.js';
export { TokenCounter, type TokenCounterOptions } from './token-counter.js';
export {
  type ToolCallImages,
  toolImagesCallIds,
  toolImagesMessage,
} from './tool-images-message.js';
export { type TrimOptions, type TrimResult, trimMessages } from './trim-messages.js';
export {
  SUMMARY_HEADING,
  type SummarizeFunction,
  type SummarizeInput,
  type SummaryState,
  type TrimWithSummaryOptions,
  type TrimWithSummaryResult,
  trimWithSummary,
} from './trim-with-summary.js';
