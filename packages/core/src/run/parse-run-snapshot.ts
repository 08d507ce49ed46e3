import { RunStateError } from '../errors/run-state-error.js';
import { RUN_SNAPSHOT_VERSION, type RunSnapshot } from './run-snapshot.js';

/**
 * Reads a run's snapshot from its JSON text and checks every field, so a truncated, tampered or
 * foreign text is refused before anything runs, with the field at fault named.
 *
 * Fields this version does not know are kept as they are (a later version of the loop may read
 * them); fields it knows must have the right type and agree with each other.
 *
 * @param text - a snapshot as `RunState.toString()` or a run store wrote it.
 * @returns the snapshot.
 * @throws RunStateError `invalid_run_state` (not JSON, a field missing or wrong) or
 * `unsupported_run_state_version` (an unknown or newer `version`).
 */
export function parseRunSnapshot(text: string): RunSnapshot {
  if (typeof text !== 'string') {
    throw new RunStateError(
      `A run state must be the JSON text from state.toString(); got ${describe(text)}.`,
      { code: 'invalid_run_state' },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RunStateError(
      `The run state is not valid JSON (${(cause as Error).message}; ${text.length} characters, ending ${JSON.stringify(text.slice(-20))}): it was probably cut off when it was stored. Pass the whole text that state.toString() returned.`,
      { code: 'invalid_run_state', cause },
    );
  }
  return checkRunSnapshot(value);
}

/**
 * Checks a value that should be a snapshot (already parsed from JSON), as {@link parseRunSnapshot}
 * does for text.
 *
 * @throws RunStateError as {@link parseRunSnapshot}.
 */
export function checkRunSnapshot(value: unknown): RunSnapshot {
  const at = new Checker(value);
  const root = at.object('', value);
  at.runId = typeof root.runId === 'string' ? root.runId : undefined;
  checkVersion(root.version, at.runId);
  at.string('runId', root.runId, { nonEmpty: true });
  at.string('agent', root.agent, { nonEmpty: true });
  at.oneOf('status', root.status, ['running', 'interrupted', 'completed', 'failed']);
  if (root.sessionId !== undefined) at.string('sessionId', root.sessionId, { nonEmpty: true });
  at.count('turn', root.turn);
  const messages = at.array('messages', root.messages);
  messages.forEach((message, i) => {
    checkMessage(at, `messages.${i}`, message);
  });
  const firstNew = at.count('firstNew', root.firstNew);
  const saved = at.count('saved', root.saved);
  if (firstNew > messages.length) {
    at.fail('firstNew', `is ${firstNew}, past the ${messages.length} messages`);
  }
  if (saved > messages.length)
    at.fail('saved', `is ${saved}, past the ${messages.length} messages`);
  checkUsage(at, 'usage', root.usage);
  if (root.usageByAgent !== undefined) {
    for (const [agent, usage] of Object.entries(at.object('usageByAgent', root.usageByAgent))) {
      checkUsage(at, `usageByAgent.${agent}`, usage);
    }
  }
  if (root.treeTurns !== undefined) at.count('treeTurns', root.treeTurns);
  at.array('toolCalls', root.toolCalls).forEach((record, i) => {
    const path = `toolCalls.${i}`;
    const r = at.object(path, record);
    at.string(`${path}.id`, r.id, { nonEmpty: true });
    at.string(`${path}.name`, r.name, { nonEmpty: true });
    at.count(`${path}.turn`, r.turn);
    checkOutcome(at, `${path}.outcome`, r.outcome);
  });
  if (root.finishReason !== null) at.string('finishReason', root.finishReason);
  at.string('text', root.text);
  at.count('repairs', root.repairs);
  if (root.summary !== undefined) {
    const summary = at.object('summary', root.summary);
    at.string('summary.summary', summary.summary);
    at.count('summary.covered', summary.covered);
    at.string('summary.fingerprint', summary.fingerprint);
  }
  if (root.activeAgent !== undefined)
    at.string('activeAgent', root.activeAgent, { nonEmpty: true });
  if (root.handoffs !== undefined) at.count('handoffs', root.handoffs);
  if (root.handoff !== undefined) {
    const handoff = at.object('handoff', root.handoff);
    const callId = at.string('handoff.toolCallId', handoff.toolCallId, { nonEmpty: true });
    at.string('handoff.toolName', handoff.toolName, { nonEmpty: true });
    at.string('handoff.from', handoff.from, { nonEmpty: true });
    at.string('handoff.to', handoff.to, { nonEmpty: true });
    if (handoff.done !== undefined && handoff.done !== true) {
      at.fail('handoff.done', `is ${JSON.stringify(handoff.done)}; it is true or absent`);
    }
    // Once carried out, the call may have been filtered out of the conversation handed over.
    if (handoff.done === undefined && !lastAssistantCallIds(messages).has(callId)) {
      at.fail(
        'handoff.toolCallId',
        `is ${JSON.stringify(callId)}, which the last assistant message in "messages" does not call`,
      );
    }
  }
  const pendingIds = new Map<string, string>();
  const children = new Map<string, RunSnapshot>();
  if (root.pending !== undefined) {
    const callIds = lastAssistantCallIds(messages);
    at.array('pending', root.pending).forEach((entry, i) => {
      const path = `pending.${i}`;
      const p = at.object(path, entry);
      const id = at.string(`${path}.toolCallId`, p.toolCallId, { nonEmpty: true });
      if (pendingIds.has(id))
        at.fail(`${path}.toolCallId`, `repeats the call id ${JSON.stringify(id)}`);
      if (!callIds.has(id)) {
        at.fail(
          `${path}.toolCallId`,
          `is ${JSON.stringify(id)}, which the last assistant message in "messages" does not call`,
        );
      }
      at.string(`${path}.name`, p.name, { nonEmpty: true });
      at.string(`${path}.arguments`, p.arguments);
      const status = at.oneOf(`${path}.status`, p.status, [
        'waiting',
        'started',
        'done',
        'interrupted',
        'approved',
        'rejected',
      ]);
      pendingIds.set(id, status);
      if (status === 'done' || p.outcome !== undefined)
        checkOutcome(at, `${path}.outcome`, p.outcome);
      if (status === 'rejected' || p.rejection !== undefined) {
        at.string(`${path}.rejection`, p.rejection);
      }
      if (p.child !== undefined) children.set(id, checkChild(at, `${path}.child`, p.child));
    });
  }
  const interruptionIds = new Set<string>();
  at.array('interruptions', root.interruptions).forEach((entry, i) => {
    const path = `interruptions.${i}`;
    const it = at.object(path, entry);
    const id = at.string(`${path}.id`, it.id, { nonEmpty: true });
    if (interruptionIds.has(id))
      at.fail(`${path}.id`, `repeats the interruption id ${JSON.stringify(id)}`);
    interruptionIds.add(id);
    at.oneOf(`${path}.kind`, it.kind, ['approval', 'unknown_outcome']);
    at.string(`${path}.agent`, it.agent, { nonEmpty: true });
    at.array(`${path}.path`, it.path).forEach((name, j) => {
      at.string(`${path}.path.${j}`, name, { nonEmpty: true });
    });
    const callId = at.string(`${path}.toolCallId`, it.toolCallId, { nonEmpty: true });
    const holder = [...children.keys()].find((call) => id.startsWith(`${call}/`));
    if (holder !== undefined) {
      // A child's interruption, its id prefixed with the call that started the child.
      const inner = id.slice(holder.length + 1);
      if (!children.get(holder)?.interruptions.some((i) => i.id === inner)) {
        at.fail(
          `${path}.id`,
          `is ${JSON.stringify(id)}, but the child run of call ${JSON.stringify(holder)} waits for no ${JSON.stringify(inner)}`,
        );
      }
    } else if (!pendingIds.has(callId)) {
      at.fail(`${path}.toolCallId`, `is ${JSON.stringify(callId)}, which no pending tool call has`);
    }
    at.string(`${path}.name`, it.name, { nonEmpty: true });
    if (it.reason !== undefined) at.string(`${path}.reason`, it.reason);
  });
  // Once every interruption is decided the state still says `interrupted` until it is continued;
  // the decisions are then on the pending calls.
  const decided = [...pendingIds.values()].some((s) => s === 'approved' || s === 'rejected');
  if (root.status === 'interrupted' && interruptionIds.size === 0 && !decided) {
    at.fail('interruptions', 'is empty, but the status is "interrupted" and no call was decided');
  }
  if (root.metadata !== undefined) {
    for (const [key, value] of Object.entries(at.object('metadata', root.metadata))) {
      at.string(`metadata.${key}`, value);
    }
  }
  at.string('savedAt', root.savedAt);
  if (Number.isNaN(Date.parse(root.savedAt as string))) at.fail('savedAt', 'is not an ISO date');
  return value as RunSnapshot;
}

function checkVersion(version: unknown, runId: string | undefined): void {
  if (version === RUN_SNAPSHOT_VERSION) return;
  const newer =
    typeof version === 'number' && Number.isInteger(version) && version > RUN_SNAPSHOT_VERSION;
  throw new RunStateError(
    newer
      ? `The run state has version ${version}, written by a newer agentloop; this one reads version ${RUN_SNAPSHOT_VERSION} and older. Resume it with the version that wrote it or a later one.`
      : `The run state has ${version === undefined ? 'no "version"' : `version ${describe(version)}`}; this agentloop reads version ${RUN_SNAPSHOT_VERSION}. Pass a state from state.toString() or a run store.`,
    { code: 'unsupported_run_state_version', runId },
  );
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function checkMessage(at: Checker, path: string, message: unknown): void {
  const m = at.object(path, message);
  const role = at.string(`${path}.role`, m.role);
  if (!ROLES.has(role)) {
    at.fail(`${path}.role`, `is ${JSON.stringify(role)}, not one of ${[...ROLES].join(', ')}`);
  }
  if (role === 'assistant') {
    if (m.content !== undefined && m.content !== null)
      checkContent(at, `${path}.content`, m.content);
    if (m.tool_calls !== undefined) {
      at.array(`${path}.tool_calls`, m.tool_calls).forEach((call, i) => {
        const callPath = `${path}.tool_calls.${i}`;
        const c = at.object(callPath, call);
        at.string(`${callPath}.id`, c.id, { nonEmpty: true });
        const fn = at.object(`${callPath}.function`, c.function);
        at.string(`${callPath}.function.name`, fn.name);
        at.string(`${callPath}.function.arguments`, fn.arguments);
      });
    }
    return;
  }
  if (role === 'tool') at.string(`${path}.tool_call_id`, m.tool_call_id, { nonEmpty: true });
  checkContent(at, `${path}.content`, m.content);
}

function checkContent(at: Checker, path: string, content: unknown): void {
  if (typeof content === 'string') return;
  at.array(path, content).forEach((part, i) => {
    const p = at.object(`${path}.${i}`, part);
    at.string(`${path}.${i}.type`, p.type, { nonEmpty: true });
  });
}

/**
 * A child run's snapshot (an agent called as a tool), checked like the root's; a fault is
 * reported at its path from the root (`pending.0.child.messages.2.role`).
 */
function checkChild(at: Checker, path: string, child: unknown): RunSnapshot {
  try {
    return checkRunSnapshot(child);
  } catch (error) {
    if (!RunStateError.isInstance(error) || error.code !== 'invalid_run_state') throw error;
    const field = error.field === undefined ? path : `${path}.${error.field}`;
    const inner = error.field === undefined ? 'the state' : `"${error.field}"`;
    throw new RunStateError(
      error.message.replace(inner, `"${field}" (in the child run's snapshot)`),
      {
        code: 'invalid_run_state',
        runId: at.runId,
        field,
        cause: error,
      },
    );
  }
}

function checkUsage(at: Checker, field: string, usage: unknown): void {
  const u = at.object(field, usage);
  for (const key of [
    'promptTokens',
    'completionTokens',
    'totalTokens',
    'cachedTokens',
    'reasoningTokens',
  ]) {
    at.count(`${field}.${key}`, u[key]);
  }
  if (u.cost !== undefined) at.number(`${field}.cost`, u.cost);
  if (u.cachedResponses !== undefined) at.count(`${field}.cachedResponses`, u.cachedResponses);
  if (u.cacheWriteTokens !== undefined) at.count(`${field}.cacheWriteTokens`, u.cacheWriteTokens);
  if (u.cost !== undefined) at.number('usage.cost', u.cost);
}

function checkOutcome(at: Checker, path: string, outcome: unknown): void {
  const o = at.object(path, outcome);
  at.boolean(`${path}.ok`, o.ok);
  at.string(`${path}.output`, o.output);
  at.number(`${path}.durationMs`, o.durationMs);
  if (o.error !== undefined) {
    const e = at.object(`${path}.error`, o.error);
    at.string(`${path}.error.code`, e.code, { nonEmpty: true });
    at.string(`${path}.error.message`, e.message);
  }
  if (o.images !== undefined) {
    at.array(`${path}.images`, o.images).forEach((image, i) => {
      const part = at.object(`${path}.images.${i}`, image);
      at.oneOf(`${path}.images.${i}.type`, part.type, ['image_url']);
      const url = at.object(`${path}.images.${i}.image_url`, part.image_url);
      at.string(`${path}.images.${i}.image_url.url`, url.url, { nonEmpty: true });
    });
  }
}

/** The tool call ids of the last assistant message (the calls `pending` may refer to). */
function lastAssistantCallIds(messages: unknown[]): Set<string> {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; tool_calls?: unknown };
    if (m.role !== 'assistant') continue;
    const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
    return new Set(calls.map((c: { id?: unknown }) => String(c.id)));
  }
  return new Set();
}

/** Checks fields one by one and throws the first fault, naming it by its dotted path. */
class Checker {
  runId: string | undefined;

  constructor(readonly root: unknown) {}

  fail(path: string, what: string): never {
    throw new RunStateError(
      `The run state is damaged: ${path === '' ? 'the state' : `"${path}"`} ${what}. A state must be stored and passed back exactly as state.toString() gave it; it was cut off or edited.`,
      { code: 'invalid_run_state', runId: this.runId, field: path === '' ? undefined : path },
    );
  }

  object(path: string, value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `should be an object but is ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  array(path: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `should be an array but is ${describe(value)}`);
    return value;
  }

  string(path: string, value: unknown, { nonEmpty = false } = {}): string {
    if (typeof value !== 'string') this.fail(path, `should be a string but is ${describe(value)}`);
    if (nonEmpty && value === '') this.fail(path, 'is empty');
    return value;
  }

  boolean(path: string, value: unknown): boolean {
    if (typeof value !== 'boolean')
      this.fail(path, `should be true or false but is ${describe(value)}`);
    return value;
  }

  number(path: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(path, `should be a number but is ${describe(value)}`);
    }
    return value;
  }

  count(path: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.fail(path, `should be a whole number of 0 or more but is ${describe(value)}`);
    }
    return value;
  }

  oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) {
      this.fail(
        path,
        `is ${describe(value)}, not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
      );
    }
    return value as T;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40
      ? `the string ${JSON.stringify(`${value.slice(0, 40)}…`)}`
      : `the string ${JSON.stringify(value)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
