/**
 * Batches of recognisable messages, and the check that a loaded history holds them whole, for the
 * FileStore concurrency tests.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * The messages of one batch: `<writer>/<batch>/<index>/` followed by padding up to `chars`.
 * @param writer - Who writes it.
 * @param batch - Its number for that writer.
 * @param size - How many messages.
 * @param chars - The length of each message's content.
 * @returns The batch.
 */
export function batchOf(
  writer: string,
  batch: number,
  size: number,
  chars: number,
): ChatCompletionMessageParam[] {
  return Array.from({ length: size }, (_, index) => {
    const head = `${writer}/${batch}/${index}/`;
    return { role: 'user', content: head + 'x'.repeat(Math.max(0, chars - head.length)) };
  });
}

/**
 * Splits a loaded history into its batches and checks that each batch appears once, whole, with
 * its messages in order and nothing interleaved.
 * @param messages - The loaded history.
 * @param size - The messages per batch.
 * @returns The batches found, as `<writer>/<batch>` keys in the order they appear.
 * @throws If a batch is cut, interleaved, repeated or out of order, or a message is not ours.
 */
export function wholeBatches(
  messages: readonly ChatCompletionMessageParam[],
  size: number,
): string[] {
  const found: string[] = [];
  for (let at = 0; at < messages.length; at += size) {
    const key = keyOf(messages[at], at);
    for (let index = 0; index < size; index++) {
      const message = messages[at + index];
      const expected = `${key}/${index}/`;
      if (typeof message?.content !== 'string' || !message.content.startsWith(expected)) {
        const got = typeof message?.content === 'string' ? message.content.slice(0, 40) : message;
        throw new Error(
          `message ${at + index}: expected ${expected}..., got ${JSON.stringify(got)}`,
        );
      }
    }
    if (found.includes(key)) throw new Error(`batch ${key} appears twice`);
    found.push(key);
  }
  return found;
}

function keyOf(message: ChatCompletionMessageParam | undefined, at: number): string {
  const match =
    typeof message?.content === 'string' ? /^([^/]+\/\d+)\/0\//.exec(message.content) : null;
  if (!match?.[1]) throw new Error(`message ${at} does not start a batch`);
  return match[1];
}
