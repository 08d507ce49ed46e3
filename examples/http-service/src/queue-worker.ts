/**
 * A worker process of queue mode: runs the example's agents for the runs the API process
 * (`queue-api.ts`) enqueues. Start as many as you like, on any machine that reaches Redis; a
 * worker that dies has its runs taken over by the others from their last checkpoint.
 */
import { Agent } from '@agentloop/core';
import { FileStore } from '@agentloop/memory/node';
import { RunWorker } from '@agentloop/redis';
import { selectModel } from '@agentloop-examples/shared';
import { readConfig, readQueueConfig } from './config.js';
import { exampleAgents } from './example-agents.js';
import { offlineResponder } from './offline-responder.js';

const { redisUrl: url, redisPrefix: prefix, workerConcurrency } = readQueueConfig();
const { model, notice } = selectModel({ offline: offlineResponder });
// Sessions in files: the workers of one machine share them (a lock per session file).
const store = new FileStore({ dir: readConfig().sessionsDir });
const agents = Object.fromEntries(
  exampleAgents({ model }).map((definition) => [
    definition.name,
    new Agent({ ...definition, memory: { ...definition.memory, store } }),
  ]),
);
const worker = new RunWorker({
  connection: url,
  prefix,
  agents,
  concurrency: workerConcurrency,
  onError: (error) => console.error(`[worker ${process.pid}]`, (error as Error).message),
});
await worker.ready();
console.log(`[worker ${process.pid}] ${notice}; taking runs from ${url}`);

const stop = () => {
  console.log(`[worker ${process.pid}] finishing the runs it holds, taking no more`);
  void worker.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
