import {
  exitQuietlyWhenStdoutCloses,
  formatUsage,
  readCli,
  selectModel,
  ToolProgress,
} from '@agentloop-examples/shared';
import { citedSources } from './cited-sources.js';
import {
  createSearchBot,
  DEFAULT_SEARCH_QUESTION,
  describeSearchOutcome,
  REPOSITORY_DIR,
} from './search-bot.js';
import { searchResponder } from './search-responder.js';

exitQuietlyWhenStdoutCloses();
const { values, text } = readCli({
  command: 'npx -y pnpm@10 --filter @agentloop-examples/search-bot start',
  positionals: 'question',
  summary: `Answers from the .md and .txt files of a folder (BM25 search), citing the files it used.\nDefault question: "${DEFAULT_SEARCH_QUESTION}"`,
  options: {
    dir: { value: '<folder>', description: 'the folder to search (default: this repository)' },
  },
  environment: ['SEARXNG_URL          also search the web through a SearXNG instance'],
});
const question = text || DEFAULT_SEARCH_QUESTION;
const dir = values.dir ?? REPOSITORY_DIR;
const searxngUrl = process.env.SEARXNG_URL?.trim() || undefined;

const { model, offline, notice } = selectModel({ offline: searchResponder });
console.log(notice);
console.log(
  `  documents: ${values.dir ?? 'this repository'}${searxngUrl ? `; web search: ${searxngUrl}` : ''}`,
);

let bot: ReturnType<typeof createSearchBot>;
try {
  bot = createSearchBot({ model, dir, searxngUrl });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const progress = new ToolProgress({ describe: describeSearchOutcome });

console.log(`\n? ${question}`);
try {
  const stream = bot.stream(question);
  for await (const event of stream) progress.handle(event);
  progress.endText();
  const result = await stream.result;
  const { files, urls } = citedSources(result);
  console.log(`\ncited: ${[...files, ...urls].join(', ') || 'no source'}`);
  console.log(
    `${formatUsage(result.usage, result.turns)}${offline ? ' (offline: counted with tiktoken)' : ''}`,
  );
} catch (error) {
  progress.endText();
  console.error(`The run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
