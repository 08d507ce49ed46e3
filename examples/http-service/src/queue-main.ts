/**
 * Queue mode in one command: the API process (here) and `WORKERS` worker processes
 * (`queue-worker.ts`, default 2) on the Redis at `REDIS_URL` (default redis://127.0.0.1:6379),
 * keys under `REDIS_PREFIX`. Ctrl-C stops them all gracefully.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RunQueue } from '@agentloop/redis';
import { selectModel } from '@agentloop-examples/shared';
import { readConfig, readQueueConfig } from './config.js';
import { exampleAgents } from './example-agents.js';
import { offlineResponder } from './offline-responder.js';
import { createQueueApi } from './queue-api.js';

const config = readConfig();
const { redisUrl: url, redisPrefix: prefix, workers: workerCount } = readQueueConfig();
const names = exampleAgents({ model: selectModel({ offline: offlineResponder }).model }).map(
  (a) => a.name,
);

const workers: ChildProcess[] = [];
for (let i = 0; i < workerCount; i++) {
  workers.push(
    spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        fileURLToPath(new URL('./queue-worker.ts', import.meta.url)),
      ],
      // The worker reads the same environment (REDIS_URL, REDIS_PREFIX, SESSIONS_DIR, ...).
      { stdio: 'inherit' },
    ),
  );
}

const queue = new RunQueue({ connection: url, prefix });
const server = createQueueApi({ queue, agents: names, maxBodyBytes: config.maxBodyBytes });
server.listen(config.port, config.host, () => {
  // The port the server got: with PORT=0 the system picks a free one.
  const { port } = server.address() as AddressInfo;
  console.log(
    `queue mode: listening on http://${config.host}:${port} (POST /v1/runs, GET /v1/runs/<runId>/events, GET /v1/runs/<runId>, POST /v1/runs/<runId>/cancel, POST /v1/runs/<runId>/approve); ${workerCount} worker process(es) on ${url}`,
  );
});

const stop = () => {
  server.close();
  for (const worker of workers) worker.kill('SIGTERM');
  void Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r)))).then(async () => {
    await queue.close();
    process.exit(0);
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
