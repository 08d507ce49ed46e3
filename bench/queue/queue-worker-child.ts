/**
 * A worker process of the queue's proofs and benchmark: one `RunWorker` running agent `shop`,
 * whose scripted model asks for two tools at once (`charge`, not idempotent, which appends one
 * line per execution to a log file that outlives the process; `lookup`, idempotent) and then
 * answers. Configured by one JSON argument; prints `ready` once its worker is listening, and
 * closes it gracefully on SIGTERM.
 *
 * `node --conditions=source --import tsx bench/queue/queue-worker-child.ts '{"url":...}'`
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import { Agent, type ModelRequest } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { RunWorker } from '@agentloop/redis';
import { tool } from '@agentloop/tools';
import { z } from 'zod';

/** What the parent passes. */
export interface QueueWorkerConfig {
  url: string;
  prefix: string;
  /** Runs at once in this worker. */
  concurrency: number;
  /** The model's latency per call, in ms. */
  latencyMs: number;
  /** How long each tool takes, in ms. */
  toolMs: number;
  /** The file `charge` appends `<runId> <toolCallId> <pid>` to, once per execution. */
  log?: string | undefined;
}

/** The shop agent: two tools in the first turn, the answer in the second. */
export function shopAgent({ latencyMs, toolMs, log }: QueueWorkerConfig): Agent {
  const pause = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (toolMs <= 0) return resolve();
      const timer = setTimeout(resolve, toolMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  const charge = tool({
    name: 'charge',
    description: 'Charges the order (not idempotent).',
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }, ctx) => {
      if (log) appendFileSync(log, `${ctx.runId} ${ctx.toolCallId} ${process.pid}\n`);
      await pause(ctx.signal);
      return `charged ${order}`;
    },
  });
  const lookup = tool({
    name: 'lookup',
    description: 'Looks the order up (idempotent).',
    parameters: z.object({ order: z.string() }),
    idempotent: true,
    execute: async ({ order }, ctx) => {
      await pause(ctx.signal);
      return `order ${order} is open`;
    },
  });
  const model = new ScriptedModel(
    (request: ModelRequest) => {
      if (request.messages.at(-1)?.role === 'tool') return 'Done.';
      const user = request.messages.find((m) => m.role === 'user');
      const order = String(user?.content ?? '');
      return {
        toolCalls: [
          { name: 'charge', arguments: { order } },
          { name: 'lookup', arguments: { order } },
        ],
      };
    },
    { delayMs: latencyMs },
  );
  return new Agent({ name: 'shop', model, tools: [charge, lookup] }) as unknown as Agent;
}

const isMain = process.argv[1]?.endsWith('queue-worker-child.ts');
if (isMain) {
  const config = JSON.parse(process.argv[2] ?? '{}') as QueueWorkerConfig;
  const worker = new RunWorker({
    connection: config.url,
    prefix: config.prefix,
    agents: { shop: shopAgent(config) },
    concurrency: config.concurrency,
    onError: () => {},
  });
  await worker.ready();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker.close().then(() => {
      const { user, system } = process.cpuUsage();
      process.stderr.write(`cpu ${JSON.stringify({ ms: (user + system) / 1000 })}\n`);
      process.exit(0);
    });
  });
}
