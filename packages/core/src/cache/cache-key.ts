import type { ModelRequest } from '../models/model.js';

/**
 * JSON with the keys of every object sorted, so that two requests equal as data give the same
 * text whatever order their keys were written in. `undefined` fields are left out, as
 * `JSON.stringify` leaves them out on the wire.
 *
 * @param value - Any JSON-like value.
 * @returns Its canonical JSON text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const fields: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (field === undefined || typeof field === 'function') continue;
    fields.push(`${JSON.stringify(key)}:${canonicalJson(field)}`);
  }
  return `{${fields.join(',')}}`;
}

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * The cache key of a request to a model: the sha256 (hex) of the canonical JSON of the model's
 * name and the whole request (messages, tools, tool choice, response format, every setting).
 * Web Crypto, so it runs on edge runtimes too.
 *
 * @param model - The model's name.
 * @param request - The request as the model would send it.
 * @returns 64 hex digits.
 */
export async function responseCacheKey(model: string, request: ModelRequest): Promise<string> {
  const text = canonicalJson({ model, request });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return hex(digest);
}
