import type { AgentOptions, MemoryOptions, RunStore } from '@agentloop/core';
import type { MemoryStore } from '@agentloop/memory';
import type { ServiceLog } from './run-error.js';

/** The run context the service gives every run: tools see it as `ctx.context`. */
export interface ChatContext {
  /** The session of the run (given by the client, or generated). */
  sessionId: string;
  /** The name of the agent running. */
  agent: string;
}

/**
 * An agent the service runs: the options of `new Agent(...)` without a memory store or a run
 * store, because the service gives every agent its own `store` and `runStore` (so sessions and
 * paused runs always land where the service looks for them). `memory.maxTokens` and the other
 * memory options may still be set.
 */
export type ServiceAgentOptions = Omit<
  AgentOptions<ChatContext, unknown>,
  'memory' | 'runStore'
> & {
  memory?: Omit<MemoryOptions, 'store'>;
};

/** Options of `createService(...)`. */
export interface ServiceOptions {
  /** The agents, chosen by `name` through the request's `agent` field; the first is the default. */
  agents: readonly ServiceAgentOptions[];
  /** Where sessions are kept, e.g. `new FileStore({ dir: '.sessions' })`. */
  store: MemoryStore;
  /**
   * Where runs are checkpointed, and paused runs wait for `POST /v1/runs/:id/approve`:
   * `new FileRunStore({ dir: '.runs' })` (from `@agentloop/core/node`) lets them outlive a
   * restart. Runs that end without pausing are deleted from it.
   * @default new InMemoryRunStore()
   */
  runStore?: RunStore | undefined;
  /** Runs in progress at once; one more is answered 429. @default 32 */
  maxConcurrentRuns?: number | undefined;
  /** The largest request body, in bytes; a larger one is answered 413. @default 65536 */
  maxBodyBytes?: number | undefined;
  /** The `retry-after` (seconds) sent with a 429. @default 1 */
  retryAfterSeconds?: number | undefined;
  /** SSE keep-alive comment interval while a run is quiet; `0` turns it off. @default 15000 */
  heartbeatMs?: number | undefined;
  /**
   * How long a streaming client may take none of the events (the socket's buffers stay full, no
   * `'drain'`) before it counts as stalled: its run is aborted, its slot freed and its connection
   * destroyed. `0` waits forever (then a client that never reads holds its slot forever).
   * @default 30000
   */
  drainTimeoutMs?: number | undefined;
  /** Makes the id of a new session. @default crypto.randomUUID */
  newSessionId?: (() => string) | undefined;
  /** Where failed runs and unexpected faults are reported. @default console.error */
  log?: ServiceLog | undefined;
}

/** The defaults of {@link ServiceOptions}. */
export const SERVICE_DEFAULTS = Object.freeze({
  maxConcurrentRuns: 32,
  maxBodyBytes: 64 * 1024,
  retryAfterSeconds: 1,
  heartbeatMs: 15_000,
  drainTimeoutMs: 30_000,
});
