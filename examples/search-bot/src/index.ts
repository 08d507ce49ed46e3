/**
 * The search bot example: local document search (plus web search when configured), the
 * scripted responder that stands in for a model without a key, and citation extraction.
 *
 * @module @agentloop-examples/search-bot
 */
export { type CitedSources, citedSources } from './cited-sources.js';
export {
  createSearchBot,
  DEFAULT_SEARCH_QUESTION,
  describeSearchOutcome,
  REPOSITORY_DIR,
  type SearchBotOptions,
} from './search-bot.js';
export { keywordsOf, searchResponder } from './search-responder.js';
