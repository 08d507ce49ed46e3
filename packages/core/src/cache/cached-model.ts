import { createAbortError, isAbortError, throwIfAborted } from '../errors/abort-error.js';
import { ConfigurationError } from '../errors/errors.js';
import type {
  Model,
  ModelCallOptions,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
} from '../models/model.js';
import { raceAbort } from '../run/abort.js';
import { responseCacheKey } from './cache-key.js';
import { decodeEntry, encodeEntry } from './cached-entry.js';
import type { ResponseCacheStore } from './response-cache-store.js';

/** Options of {@link cachedModel}. */
export interface CachedModelOptions {
  /** Where replies are kept: `InMemoryResponseCache`, `RedisResponseCache` or your own. */
  store: ResponseCacheStore;
  /** How long a reply is served, in ms. @default no expiry (the store's bounds still apply) */
  ttlMs?: number | undefined;
  /**
   * The key of a request, replacing the default (the sha256 of the canonical JSON of the model's
   * name and the whole request), e.g. to leave out a `user` or `metadata` setting. Requests
   * that must not share a reply must get different keys.
   */
  key?: ((request: ModelRequest, model: string) => string | Promise<string>) | undefined;
  /**
   * Called when the store fails (a read is then a miss, a failed write is skipped): the cache
   * only saves calls, so its faults never fail a run. @default a process warning
   */
  onStoreError?: ((error: unknown, operation: 'get' | 'set') => void) | undefined;
}

/** A reply being fetched for one key in this process, which identical requests wait for. */
type InFlight = Promise<string>;

/**
 * A model whose replies are kept in a cache and reused for an identical request: the same model,
 * messages, tools and settings (hashed as a whole). It caches the model's replies, never what
 * tools do: a cached reply asking for tool calls still has them run by the loop. A streamed
 * call served from the cache streams the reply (its text and each tool call's arguments as one
 * delta each, then the `response`). Identical requests made while one is on its way wait for it
 * rather than call the model again. An entry that is corrupt, expired, written by something
 * else or under another key is a miss.
 *
 * A run reports each lookup as a `model:cache` event (`hit`, `key`); a hit's `model:end` usage
 * has no tokens and `cachedResponses: 1`, and its `response.cached` is `true`.
 *
 * @param model - The model to call on a miss.
 * @param options - `store`, `ttlMs`, `key`, `onStoreError`.
 * @returns A {@link Model} with the same name.
 * @throws ConfigurationError when `store` lacks `get`/`set` or `ttlMs` is not a positive number.
 * @example
 * ```ts
 * const model = cachedModel(openai('gpt-4o-mini'), {
 *   store: new InMemoryResponseCache({ maxEntries: 1000 }),
 *   ttlMs: 10 * 60_000,
 * });
 * const agent = new Agent({ model, tools: [getWeather] });
 * ```
 */
export function cachedModel(model: Model, options: CachedModelOptions): Model {
  const {
    store,
    ttlMs,
    key,
    onStoreError = warnStoreError,
  } = options ?? ({} as CachedModelOptions);
  if (typeof store?.get !== 'function' || typeof store?.set !== 'function') {
    throw new ConfigurationError(
      'cachedModel(model, { store }) needs a store with get(key) and set(key, value, ttlMs), such as new InMemoryResponseCache().',
      { option: 'store' },
    );
  }
  if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
    throw new ConfigurationError(
      `cachedModel: ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}. Leave it out for no expiry.`,
      { option: 'ttlMs' },
    );
  }
  if (key !== undefined && typeof key !== 'function') {
    throw new ConfigurationError(
      'cachedModel: key must be a function (request, modelName) => string.',
      { option: 'key' },
    );
  }
  return new CachedModel(model, { store, ttlMs, key, onStoreError });
}

interface ResolvedOptions {
  store: ResponseCacheStore;
  ttlMs: number | undefined;
  key: CachedModelOptions['key'];
  onStoreError: (error: unknown, operation: 'get' | 'set') => void;
}

class CachedModel implements Model {
  readonly name: string;
  readonly #model: Model;
  readonly #options: ResolvedOptions;
  readonly #inFlight = new Map<string, InFlight>();

  constructor(model: Model, options: ResolvedOptions) {
    this.name = model.name;
    this.#model = model;
    this.#options = options;
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const found = await this.#lookup(request, options);
    if (found.reply) return found.reply;
    const { key } = found;
    const done = this.#lead(key);
    try {
      const reply = await this.#model.generate(request, options);
      return done.resolve(reply);
    } catch (error) {
      done.reject(error);
      throw error;
    }
  }

  async *stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const found = await this.#lookup(request, options);
    if (found.reply) {
      yield* replay(found.reply);
      return;
    }
    const { key } = found;
    const done = this.#lead(key);
    let settled = false;
    try {
      for await (const event of this.#model.stream(request, options)) {
        if (event.type === 'response') {
          settled = true;
          done.resolve(event.response);
        }
        yield event;
      }
    } catch (error) {
      settled = true;
      done.reject(error);
      throw error;
    } finally {
      // The reader stopped before the reply was whole: those waiting ask the model themselves.
      if (!settled) done.reject(createAbortError(options.signal));
    }
  }

  /**
   * The request's key and, when the store or an identical request on its way has the reply, the
   * reply. Reports the hit or miss.
   */
  async #lookup(
    request: ModelRequest,
    options: ModelCallOptions,
  ): Promise<{ key: string; reply?: ModelResponse }> {
    throwIfAborted(options.signal);
    const { key: keyOf, store, onStoreError } = this.#options;
    const key = keyOf
      ? await keyOf(request, this.name)
      : await responseCacheKey(this.name, request);
    while (true) {
      let stored: unknown;
      try {
        stored = await store.get(key);
      } catch (error) {
        onStoreError(error, 'get');
      }
      const cached = decodeEntry(stored, key, Date.now());
      if (cached) {
        options.onEvent?.({ type: 'cache', hit: true, key });
        return { key, reply: hit(cached) };
      }
      const pending = this.#inFlight.get(key);
      if (pending === undefined) {
        options.onEvent?.({ type: 'cache', hit: false, key });
        return { key };
      }
      try {
        const entry = await raceAbort(pending, options.signal, createAbortError);
        const reply = decodeEntry(entry, key, Number.NEGATIVE_INFINITY);
        if (reply) {
          options.onEvent?.({ type: 'cache', hit: true, key });
          return { key, reply: hit(reply) };
        }
      } catch (error) {
        // The request this one waited for was aborted by its own caller: ask again (and lead,
        // if no one else does). Any other failure is this request's too.
        if (options.signal?.aborted || !isAbortError(error)) throw error;
      }
    }
  }

  /** Marks this call as the one fetching `key`; identical requests wait for it. */
  #lead(key: string) {
    const { store, ttlMs, onStoreError } = this.#options;
    let resolve!: (entry: string) => void;
    let reject!: (error: unknown) => void;
    const pending = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting: a rejection must not be reported as unhandled.
    pending.catch(() => {});
    this.#inFlight.set(key, pending);
    const finish = () => {
      if (this.#inFlight.get(key) === pending) this.#inFlight.delete(key);
    };
    return {
      resolve: (reply: ModelResponse): ModelResponse => {
        const expiresAt = ttlMs === undefined ? null : Date.now() + ttlMs;
        const entry = encodeEntry(key, reply, expiresAt);
        resolve(entry);
        finish();
        Promise.resolve()
          .then(() => store.set(key, entry, ttlMs))
          .catch((error: unknown) => onStoreError(error, 'set'));
        return reply;
      },
      reject: (error: unknown) => {
        reject(error);
        finish();
      },
    };
  }
}

/** A reply served from the cache (or from an identical request's call), marked so. */
function hit(reply: ModelResponse): ModelResponse {
  return { ...reply, cached: true };
}

/** A cached reply as a stream, shaped as a live one: text, each call's arguments, the reply. */
async function* replay(reply: ModelResponse): AsyncGenerator<ModelStreamEvent, void, undefined> {
  const { content, tool_calls: calls = [] } = reply.message;
  if (content) yield { type: 'text-delta', delta: content };
  for (const [index, call] of calls.entries()) {
    yield {
      type: 'tool-call-delta',
      index,
      id: call.id,
      name: call.function.name,
      argumentsDelta: call.function.arguments,
    };
  }
  yield { type: 'response', response: reply };
}

function warnStoreError(error: unknown, operation: 'get' | 'set'): void {
  const message = error instanceof Error ? error.message : String(error);
  const warning = `agentloop: the response cache store failed to ${operation} (${message}); the model is called instead. Pass cachedModel's onStoreError to handle this.`;
  const nodeProcess = (
    globalThis as { process?: { emitWarning?: (w: string, o: { code: string }) => void } }
  ).process;
  if (typeof nodeProcess?.emitWarning === 'function') {
    nodeProcess.emitWarning(warning, { code: 'AGENTLOOP_CACHE_STORE_ERROR' });
  } else {
    console.warn(warning);
  }
}
