/**
 * The OpenAI-compatible model adapter (implementation in `models/`), and the abort helper the
 * loop uses to recognise a cancelled call.
 *
 * @module
 */
export { createAbortError, isAbortError } from './abort-error.js';
export { type OpenAIModelOptions, openai } from './models/openai.js';
