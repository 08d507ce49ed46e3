import {
  exitQuietlyWhenStdoutCloses,
  formatUsage,
  readCli,
  selectModel,
  ToolProgress,
} from '@agentloop-examples/shared';
import { connectDocsServer, DOCS_FOLDER } from './docs-server.js';
import { filesResponder } from './files-responder.js';
import { createDocsAgent, DEFAULT_DOCS_QUESTION } from './mcp-agent.js';

exitQuietlyWhenStdoutCloses();
const cli = readCli({
  command: 'npx -y pnpm@10 --filter @agentloop-examples/mcp-agent start',
  positionals: 'question',
  summary: `Answers a question from the example's docs/ folder through the MCP filesystem server.\nDefault question: "${DEFAULT_DOCS_QUESTION}"`,
});
const question = cli.text || DEFAULT_DOCS_QUESTION;
const { model, offline, notice } = selectModel({ offline: filesResponder(DOCS_FOLDER) });
console.log(notice);

const server = await connectDocsServer();
try {
  const agent = await createDocsAgent({ server, folder: DOCS_FOLDER, model });
  console.log(
    `MCP server "${server.name}" over ${server.transport}: ${agent.tools
      .list()
      .map((t) => t.name)
      .join(', ')}`,
  );
  console.log(`\n? ${question}`);
  const progress = new ToolProgress();
  const stream = agent.stream(question);
  for await (const event of stream) progress.handle(event);
  progress.endText();
  const result = await stream.result;
  console.log(
    `\n${formatUsage(result.usage, result.turns)}${offline ? ' (offline: counted with tiktoken)' : ''}`,
  );
} catch (error) {
  console.error(`The run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await server.close();
}
