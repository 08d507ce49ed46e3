import type { WireEvent } from '@agentloop/core';
import type { Redis } from 'ioredis';
import { withinBound } from './connection.js';
import { isTerminal, type QueuedRunEvent } from './run-record.js';

/** How long one XREAD waits for new events before it asks again. */
const BLOCK_MS = 5_000;

/**
 * Reads a run's events from its stream, in order, after `after`, until the first terminal event
 * (`run:end` / `run:error`). `reader` is a connection of its own (XREAD BLOCK holds it), closed
 * when the iteration ends.
 */
export async function* readRunEvents({
  reader,
  key,
  runId,
  after,
  unavailableAfterMs,
  where,
  signal,
}: {
  reader: Redis;
  key: string;
  runId: string;
  after: string;
  unavailableAfterMs: number;
  where: string;
  signal?: AbortSignal | undefined;
}): AsyncGenerator<QueuedRunEvent, void, undefined> {
  let last = after;
  const onAbort = () => reader.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) return;
      const reply = (await withinBound(
        () => reader.xread('COUNT', 500, 'BLOCK', BLOCK_MS, 'STREAMS', key, last),
        {
          ms: BLOCK_MS + unavailableAfterMs,
          where,
          what: `read the events of run "${runId}"`,
          runId,
        },
      ).catch((error: unknown) => {
        if (signal?.aborted) return null;
        throw error;
      })) as [string, [string, string[]][]][] | null;
      if (!reply) continue;
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          last = id;
          const event = JSON.parse(fields[1] ?? 'null') as WireEvent;
          yield { id, event };
          if (isTerminal(event)) return;
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.disconnect();
  }
}
