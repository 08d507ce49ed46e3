/**
 * One tiktoken encoder per encoding per process. Each encoder holds ~20 MB of WASM memory that
 * is never given back, so encoders are created on first use (not at import: loading tiktoken
 * compiles a 5.6 MB WASM module) and shared by every `TokenCounter`.
 *
 * @module
 * @internal
 */

import type { Tiktoken } from 'tiktoken';
import type { Encoding } from './encoding-for-model.js';
import { MemoryError } from './errors.js';

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

type CreateRequire = (from: string) => (id: string) => unknown;

/**
 * Loads tiktoken's Node build, which compiles its WASM synchronously. tiktoken is an optional
 * peer dependency (23 MB installed), so a user who never counts tokens does not install it; a
 * count without it says what to install. `createRequire` is reached
 * through `process.getBuiltinModule` (Node >= 20.16) rather than imported, so this package's root
 * also loads on runtimes without Node builtins (Vercel Edge, Cloudflare Workers), where only
 * counting fails, saying why.
 */
function loadTiktoken(): TiktokenModule {
  const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  const nodeModule = nodeProcess?.getBuiltinModule?.('node:module') as
    | { createRequire?: CreateRequire }
    | undefined;
  if (typeof nodeModule?.createRequire !== 'function') {
    const node = (nodeProcess as { versions?: { node?: string } } | undefined)?.versions?.node;
    throw new MemoryError(
      `TokenCounter needs Node.js 20.16 or later, where tiktoken's WASM encoder loads synchronously; this runtime ${node === undefined ? 'has no Node builtins (an edge or browser runtime)' : `is Node.js ${node}, which lacks process.getBuiltinModule`}. Count tokens on Node.js >= 20.16, or run without memory here (the agent needs no counter otherwise).`,
      'unsupported_runtime',
    );
  }
  try {
    return nodeModule.createRequire(import.meta.url)('tiktoken') as TiktokenModule;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw error;
    throw new MemoryError(
      'TokenCounter needs the tiktoken package, an optional peer dependency of @agentloop/memory that is not installed. Install it next to @agentloop/memory (npm install tiktoken), or run without memory and token counting (the agent needs no counter otherwise).',
      'missing_dependency',
      error,
    );
  }
}

/**
 * The shared encoder of `encoding`, created on first call.
 *
 * @param encoding - The encoding.
 * @returns The process-wide encoder.
 */
export function getEncoder(encoding: Encoding): Encoder {
  let encoder = encoders.get(encoding);
  if (encoder === undefined) {
    tiktoken ??= loadTiktoken();
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
