export { connectDocsServer, DOCS_FOLDER } from './docs-server.js';
export { filesResponder } from './files-responder.js';
export { createDocsAgent, DEFAULT_DOCS_QUESTION } from './mcp-agent.js';
