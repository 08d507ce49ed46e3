import type { ModelStreamEvent } from '@agentloop/core';

/** Reads a model's stream to its end: every event, and the error that ended it, if any. */
export async function collect(iterable: AsyncIterable<ModelStreamEvent>) {
  const events: ModelStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const event of iterable) events.push(event);
  } catch (e) {
    error = e;
  }
  return { events, error };
}
