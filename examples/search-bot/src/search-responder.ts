import type { ModelRequest } from '@agentloop/core';
import type { ScriptedReplyObject, ScriptedToolCall } from '@agentloop/core/testing';
import type { LocalSearchResult, WebSearchOutput } from '@agentloop/tools/builtin';
import {
  currentToolResults,
  faultReason,
  jsonOutput,
  lastUserText,
  offersTool,
  type ToolResult,
} from '@agentloop-examples/shared';

const STOP_WORDS = new Set(
  (
    'a an and are as at be by can could do does did for from has have how i if in into is it its ' +
    'me my of on or please should so tell than that the their them then there these this to was ' +
    'we what when where which who why will with would you your about explain show give does'
  ).split(' '),
);

/**
 * The search keywords of a question: its words minus stop words, each once.
 * `"How does agentloop trim the context?"` gives `"agentloop trim context"`.
 *
 * @param question - the user's question.
 * @returns the keywords, space-separated (`''` when none are left).
 */
export function keywordsOf(question: string): string {
  const words = question.toLowerCase().match(/[\p{L}\p{N}_-]+/gu) ?? [];
  const kept = words.filter((w) => w.length > 1 && !STOP_WORDS.has(w));
  return [...new Set(kept)].join(' ');
}

/** A text on one line, clipped at a word boundary. */
function clip(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), maxChars / 2)).trimEnd()}…`;
}

/**
 * The sentence of a snippet that holds the most keywords (matched on their first five letters,
 * so `retry` finds `retried`), clipped: what a reader would quote.
 */
function bestSentence(snippet: string, keywords: readonly string[], maxChars = 200): string {
  const stems = keywords.map((k) => k.slice(0, 5));
  const sentences = snippet
    .replace(/^…|…$/g, '')
    .split(/(?<=[.!?])\s+|\s+-\s+|\n\s*\n/)
    .map((s) =>
      s
        .replace(/\*\*/g, '')
        .replace(/^[-*]\s+/, '')
        .trim(),
    )
    .filter((s) => s.length > 20);
  let best = snippet;
  let bestScore = -1;
  for (const sentence of sentences) {
    const lower = sentence.toLowerCase();
    const score = stems.filter((stem) => lower.includes(stem)).length;
    if (score > bestScore) [best, bestScore] = [sentence, score];
  }
  return clip(best, maxChars);
}

/** The answer a careful model would write from the passages (and web results) it received. */
function answer(results: readonly ToolResult[], keywords: readonly string[]): string {
  const lines: string[] = [];
  const cited: string[] = [];
  for (const result of results) {
    if (!result.ok) {
      lines.push(`The ${result.name} tool failed: ${faultReason(result)}`);
      continue;
    }
    if (result.name === 'search_documents') {
      const found = jsonOutput<LocalSearchResult>(result);
      const hits = found?.results.slice(0, 2) ?? [];
      if (hits.length === 0) {
        lines.push(
          `The ${found?.filesSearched ?? 0} documents searched say nothing about "${found?.query ?? ''}". ${found?.note ?? ''}`.trim(),
        );
        continue;
      }
      lines.push('From the documents:');
      for (const hit of hits) {
        const at = `${hit.path}:${hit.line}`;
        cited.push(at);
        lines.push(
          `• ${at}${hit.section ? ` (${hit.section})` : ''}: "${bestSentence(hit.snippet, keywords)}"`,
        );
      }
    } else if (result.name === 'web_search') {
      const top = jsonOutput<WebSearchOutput>(result)?.results.slice(0, 2) ?? [];
      if (top.length === 0) continue;
      lines.push('From the web:');
      for (const page of top) {
        cited.push(page.url);
        lines.push(`• ${page.title}: "${bestSentence(page.snippet, keywords, 160)}" (${page.url})`);
      }
    }
  }
  if (cited.length > 0) lines.push(`Sources: ${cited.join(', ')}`);
  return lines.join('\n');
}

/**
 * The offline stand-in for a model, for the search bot: it searches the documents with the
 * question's keywords (and the web with the question, when `web_search` is offered), then answers
 * by quoting the best passages and citing their `path:line`.
 *
 * @param request - the request the scripted model received.
 * @returns the reply.
 */
export function searchResponder(request: ModelRequest): string | ScriptedReplyObject {
  const question = lastUserText(request);
  const query = keywordsOf(question);
  const results = currentToolResults(request);
  if (results.length > 0) return answer(results, query.split(' '));
  if (query === '') return 'What would you like to know? Ask a question about the documents.';
  const toolCalls: ScriptedToolCall[] = [{ name: 'search_documents', arguments: { query } }];
  if (offersTool(request, 'web_search')) {
    toolCalls.push({ name: 'web_search', arguments: { query: question } });
  }
  return { toolCalls };
}
