import type { RunResult } from '@agentloop/core';
import type { RunLog } from '@agentloop/inspector';
import {
  citedSources,
  createSearchBot,
  DEFAULT_SEARCH_QUESTION,
  describeSearchOutcome,
  searchResponder,
} from '@agentloop-examples/search-bot';
import { formatUsage, selectModel, ToolProgress } from '@agentloop-examples/shared';
import { heading, print } from './print.js';

/**
 * The search bot over this repository's documents, run with `agent.run` and per-run hooks:
 * it searches, answers from the passages found, and the files it cites are listed.
 *
 * @param log - records every event of the runs, for the inspector.
 * @returns the run's result.
 */
export async function searchSection(log: RunLog): Promise<RunResult> {
  heading(2, "Search bot · BM25 search over this repository's docs, answers that cite files");
  const { model } = selectModel({ offline: searchResponder });
  const searxngUrl = process.env.SEARXNG_URL?.trim() || undefined;
  const bot = createSearchBot({ model, searxngUrl });
  bot.on('*', log);
  const progress = new ToolProgress({ describe: describeSearchOutcome });

  print(`? ${DEFAULT_SEARCH_QUESTION}`);
  const result = await bot.run(DEFAULT_SEARCH_QUESTION, {
    hooks: { onEvent: (event) => progress.handle(event) },
  });
  for (const line of result.text.trim().split('\n')) print(`  ${line}`);
  const { files, urls } = citedSources(result);
  print(`  cited files: ${[...files, ...urls].join(', ') || 'none'}`);
  print(`  usage: ${formatUsage(result.usage, result.turns)}`);
  return result;
}
