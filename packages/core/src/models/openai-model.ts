/**
 * The OpenAI-compatible model adapter (implementation in `models/`), and the abort helper the
 * loop uses to recognise a cancelled call.
 *
 * @module
 */
export { createAbortError, isAbortError } from '../errors/abort-error.js';
export { type OpenAIModelOptions, openai } from './openai.js';
