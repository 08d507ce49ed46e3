/**
 * Starts the chat service: `npx -y pnpm@10 --filter @agentloop-examples/http-service start`.
 * Configuration comes from the environment (see README.md); Ctrl-C stops it gracefully.
 */

import { FileRunStore } from '@agentloop/core/node';
import { FileStore } from '@agentloop/memory/node';
import { readCli, selectModel } from '@agentloop-examples/shared';
import { readConfig } from './config.js';
import { exampleAgents } from './example-agents.js';
import { offlineResponder } from './offline-responder.js';
import { createService } from './service.js';

readCli({
  command: 'npx -y pnpm@10 --filter @agentloop-examples/http-service start',
  summary:
    'Serves agents over HTTP: POST /v1/chat, POST /v1/chat/stream (SSE), POST /v1/runs/<runId>/approve, GET /healthz. Ctrl-C stops it gracefully.',
  environment: [
    'PORT, HOST           where to listen (default 127.0.0.1:8787)',
    'SESSIONS_DIR         where sessions are stored (default .sessions)',
    'RUNS_DIR             where runs waiting for approval are kept (default .runs)',
    'MAX_CONCURRENT_RUNS  runs at once before 429 (default 32)',
    'MAX_BODY_BYTES       the largest request body (default 65536)',
    'SHUTDOWN_GRACE_MS    how long runs may finish on Ctrl-C (default 10000)',
  ],
});

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const { model, notice } = selectModel({ offline: offlineResponder });
console.log(notice);

const service = createService({
  agents: exampleAgents({ model }),
  store: new FileStore({ dir: config.sessionsDir }),
  runStore: new FileRunStore({ dir: config.runsDir }),
  maxConcurrentRuns: config.maxConcurrentRuns,
  maxBodyBytes: config.maxBodyBytes,
  drainTimeoutMs: config.drainTimeoutMs,
});

const { address, port } = await service.listen(config.port, config.host);
console.log(
  `listening on http://${address}:${port} (POST /v1/chat, POST /v1/chat/stream, POST /v1/runs/<runId>/approve, GET /healthz); sessions in ${config.sessionsDir}, paused runs in ${config.runsDir}`,
);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) {
    console.log(`${signal} again: exiting now.`);
    process.exit(1);
  }
  stopping = true;
  console.log(
    `${signal}: shutting down; ${service.activeRuns} run(s) in progress get ${config.shutdownGraceMs} ms to finish.`,
  );
  service.close({ graceMs: config.shutdownGraceMs }).then(
    () => console.log('stopped.'),
    (error: unknown) => {
      console.error('shutdown failed:', error);
      process.exitCode = 1;
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
