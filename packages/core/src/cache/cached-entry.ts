import type { ModelResponse } from '../models/model.js';

/** The tag of an entry `cachedModel` wrote; anything else under a key is foreign. */
const FORMAT = 'agentloop.response-cache';
const VERSION = 1;

const FINISH_REASONS = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/**
 * The stored form of a reply: tagged, versioned, with its own key (so an entry copied under
 * another key is not served) and its expiry (so a store that ignores TTLs still expires it).
 *
 * @param key - The request's key.
 * @param response - The model's reply.
 * @param expiresAt - When it stops being served (ms since the epoch), or `null` for never.
 * @returns The entry as JSON text.
 */
export function encodeEntry(
  key: string,
  response: ModelResponse,
  expiresAt: number | null,
): string {
  const { cached: _cached, ...reply } = response;
  return JSON.stringify({ format: FORMAT, version: VERSION, key, expiresAt, response: reply });
}

/**
 * The reply of an entry, when it is one of ours, for this key, unexpired and shaped like a
 * reply; `undefined` otherwise (a corrupt or foreign entry is a miss, never a failure).
 *
 * @param text - What the store held.
 * @param key - The key it was read under.
 * @param now - The current time, in ms since the epoch.
 */
export function decodeEntry(text: unknown, key: string, now: number): ModelResponse | undefined {
  if (typeof text !== 'string') return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(entry) || entry.format !== FORMAT || entry.version !== VERSION) return undefined;
  if (entry.key !== key) return undefined;
  const { expiresAt } = entry;
  if (expiresAt !== null && (typeof expiresAt !== 'number' || expiresAt <= now)) return undefined;
  return isReply(entry.response) ? entry.response : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isReply(value: unknown): value is ModelResponse {
  if (!isRecord(value) || !isRecord(value.message)) return false;
  const { message, finishReason } = value;
  if (message.role !== 'assistant') return false;
  if (message.content !== null && typeof message.content !== 'string') return false;
  if (finishReason !== null && !FINISH_REASONS.has(finishReason as string)) return false;
  if (message.tool_calls === undefined) return true;
  return (
    Array.isArray(message.tool_calls) &&
    message.tool_calls.every(
      (call) =>
        isRecord(call) &&
        typeof call.id === 'string' &&
        call.type === 'function' &&
        isRecord(call.function) &&
        typeof call.function.name === 'string' &&
        typeof call.function.arguments === 'string',
    )
  );
}
