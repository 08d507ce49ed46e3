/**
 * One tiktoken encoder per encoding per process. Each encoder holds ~20 MB of WASM memory that
 * is never given back, so encoders are created on first use (not at import: loading tiktoken
 * compiles a 5.6 MB WASM module) and shared by every `TokenCounter`.
 *
 * @module
 * @internal
 */

import { createRequire } from 'node:module';
import type { Tiktoken } from 'tiktoken';
import type { Encoding } from './encoding-for-model.js';

/** The part of a tiktoken encoder this package uses. */
export interface Encoder {
  /** Token ids of `text`, special tokens such as `<|endoftext|>` treated as plain text. */
  encode_ordinary(text: string): Uint32Array;
  /** The UTF-8 bytes of token ids. */
  decode(tokens: Uint32Array): Uint8Array;
}

type TiktokenModule = { get_encoding(name: Encoding): Tiktoken };

const encoders = new Map<Encoding, Encoder>();
let tiktoken: TiktokenModule | undefined;

/**
 * The shared encoder of `encoding`, created on first call.
 *
 * @param encoding - The encoding.
 * @returns The process-wide encoder.
 */
export function getEncoder(encoding: Encoding): Encoder {
  let encoder = encoders.get(encoding);
  if (encoder === undefined) {
    tiktoken ??= createRequire(import.meta.url)('tiktoken') as TiktokenModule;
    encoder = tiktoken.get_encoding(encoding);
    encoders.set(encoding, encoder);
  }
  return encoder;
}

/**
 * How many encoders this process holds (at most one per encoding).
 *
 * @returns The number of encoders created so far.
 */
export function loadedEncoderCount(): number {
  return encoders.size;
}
