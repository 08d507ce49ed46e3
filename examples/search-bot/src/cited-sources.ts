import type { RunResult } from '@agentloop/core';
import type { LocalSearchResult, WebSearchOutput } from '@agentloop/tools/builtin';

/** The documents and pages a run's answer cites. */
export interface CitedSources {
  /** Files (relative to the searched folder) the answer names, in the order they were found. */
  files: string[];
  /** Web pages the answer names. */
  urls: string[];
}

/** Whether `text` names `source` as a whole path or URL (`README.md` is not named by `docs/README.md`). */
function mentions(text: string, source: string): boolean {
  const escaped = source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w./-])${escaped}(?![\\w/-])`).test(text);
}

/**
 * The sources an answer actually cites: of the files and URLs the searches returned, those the
 * answer's text mentions. A source that was found but not used is not listed.
 *
 * @param result - a finished run of the search bot.
 * @returns the cited files and URLs.
 */
export function citedSources(result: RunResult<unknown>): CitedSources {
  const files = new Set<string>();
  const urls = new Set<string>();
  for (const call of result.toolCalls) {
    if (!call.outcome.ok) continue;
    if (call.name === 'search_documents') {
      for (const hit of (call.outcome.value as LocalSearchResult).results) {
        if (mentions(result.text, hit.path)) files.add(hit.path);
      }
    } else if (call.name === 'web_search') {
      for (const page of (call.outcome.value as WebSearchOutput).results) {
        if (mentions(result.text, page.url)) urls.add(page.url);
      }
    }
  }
  return { files: [...files], urls: [...urls] };
}
