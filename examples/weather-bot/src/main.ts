import {
  exitQuietlyWhenStdoutCloses,
  formatUsage,
  readCli,
  selectModel,
  ToolProgress,
} from '@agentloop-examples/shared';
import { fixtureFetch } from './fixture-fetch.js';
import { FIXTURE_CITY_NAMES } from './fixture-places.js';
import {
  createWeatherBot,
  DEFAULT_WEATHER_QUESTION,
  describeWeatherOutcome,
} from './weather-bot.js';
import { weatherResponder } from './weather-responder.js';

exitQuietlyWhenStdoutCloses();
const cli = readCli({
  command: 'npx -y pnpm@10 --filter @agentloop-examples/weather-bot start',
  positionals: 'question',
  summary: `Answers a weather question with parallel get_weather calls and a streamed answer.\nDefault question: "${DEFAULT_WEATHER_QUESTION}"`,
});
const question = cli.text || DEFAULT_WEATHER_QUESTION;
const { model, offline, notice } = selectModel({ offline: weatherResponder });
console.log(offline ? `${notice} (weather for ${FIXTURE_CITY_NAMES.join(', ')})` : notice);

const bot = createWeatherBot({ model, ...(offline ? { fetch: fixtureFetch() } : {}) });
const progress = new ToolProgress({ describe: describeWeatherOutcome });

console.log(`\n? ${question}`);
try {
  // The answer is streamed: tool progress and text arrive as lifecycle events.
  const stream = bot.stream(question);
  for await (const event of stream) progress.handle(event);
  progress.endText();
  const result = await stream.result;
  console.log(
    `\n${formatUsage(result.usage, result.turns)}${offline ? ' (offline: counted with tiktoken)' : ''}`,
  );
} catch (error) {
  progress.endText();
  console.error(`The run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
