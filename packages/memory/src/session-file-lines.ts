/**
 * The lines of a `FileStore` session file. Internal to `FileStore`.
 *
 * - A message appended without a key is a line of its own: the message as JSON.
 * - A keyed batch is one line, `{"key":"…","messages":[…]}`: written in one piece, so a crash
 *   in the middle of it leaves one torn line that is skipped whole, never half of the batch.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

/** What one line of a session file holds. */
export type SessionLine =
  | { kind: 'messages'; key: string | undefined; messages: ChatCompletionMessageParam[] }
  | { kind: 'corrupt'; reason: string };

/**
 * The line of a keyed batch, newline included. The key comes first, so a scan for keys can
 * pass over other lines without parsing them.
 */
export function batchLine(key: string, messages: readonly ChatCompletionMessageParam[]): string {
  return `${JSON.stringify({ key, messages })}\n`;
}

/** Whether a line may be a keyed batch (the cheap test before parsing it). */
export function mayBeBatch(line: string): boolean {
  return line.startsWith('{"key":');
}

/**
 * Reads one line (without its newline): a message, a keyed batch, or why it is neither.
 *
 * @param line - The line's text.
 */
export function parseSessionLine(line: string): SessionLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { kind: 'corrupt', reason: `it is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'corrupt', reason: 'it is not a JSON object' };
  }
  const record = value as { role?: unknown; key?: unknown; messages?: unknown };
  if (record.role === undefined && typeof record.key === 'string') {
    if (!Array.isArray(record.messages)) {
      return { kind: 'corrupt', reason: 'it is a keyed batch without a "messages" array' };
    }
    for (const [i, message] of record.messages.entries()) {
      const role = (message as { role?: unknown } | null)?.role;
      if (typeof message !== 'object' || message === null || !isRole(role)) {
        return {
          kind: 'corrupt',
          reason: `message ${i} of its keyed batch "${record.key}" has no valid role (got ${JSON.stringify(role)})`,
        };
      }
    }
    return {
      kind: 'messages',
      key: record.key,
      messages: record.messages as ChatCompletionMessageParam[],
    };
  }
  if (!isRole(record.role)) {
    return { kind: 'corrupt', reason: `it has no valid role (got ${JSON.stringify(record.role)})` };
  }
  return { kind: 'messages', key: undefined, messages: [value as ChatCompletionMessageParam] };
}

function isRole(role: unknown): boolean {
  return typeof role === 'string' && ROLES.has(role);
}
