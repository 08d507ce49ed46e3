import type { RunInput } from '@agentloop/core';
import { RunQueueError } from './errors.js';

/** A decision on one interruption of a queued run (see `RunQueue.resume`). */
export type QueuedDecision = 'approve' | 'reject' | { reject: string };

/** What a BullMQ job of the queue carries. */
export interface QueuedJob {
  /** The run's id. */
  runId: string;
  /** The name of the agent that runs it, a key of the worker's `agents`. */
  agent: string;
  /** The generation: 0 for the run, n for its n-th resumption after an interruption. */
  gen: number;
  /** The input (generation 0). */
  input?: RunInput;
  /** The session whose history is loaded and appended to. */
  sessionId?: string;
  /** The run's user context, as JSON. */
  context?: unknown;
  /** The decisions on the interruptions, keyed by interruption id (resumptions). */
  decisions?: Record<string, QueuedDecision>;
}

/** Checks the input of `enqueue`: a user message, or chat messages. */
export function checkInput(input: unknown): RunInput {
  if (typeof input === 'string' && input !== '') return input;
  if (
    Array.isArray(input) &&
    input.length > 0 &&
    input.every((m) => typeof m === 'object' && m !== null && typeof m.role === 'string')
  ) {
    return input as RunInput;
  }
  throw new RunQueueError(
    `enqueue(): "input" must be a non-empty string or a non-empty array of chat messages ({ role, content }); got ${Array.isArray(input) ? 'an array that is empty or holds non-messages' : typeof input}.`,
    { code: 'invalid_config', option: 'input' },
  );
}

/** Checks a queued run's context: it travels as JSON, so it must survive JSON unchanged. */
export function checkContext(context: unknown): unknown {
  if (context === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(context);
  } catch (cause) {
    throw new RunQueueError(
      `enqueue(): "context" must be plain JSON (it travels to the worker through Redis); it cannot be serialised: ${(cause as Error).message}.`,
      { code: 'invalid_config', option: 'context', cause },
    );
  }
  if (text === undefined || typeof context === 'function') {
    throw new RunQueueError(
      'enqueue(): "context" must be plain JSON (an object, array, string, number or boolean): it travels to the worker through Redis.',
      { code: 'invalid_config', option: 'context' },
    );
  }
  return JSON.parse(text);
}

/** Checks the decisions given to `resume`, against the ids the run waits for. */
export function checkDecisions(
  runId: string,
  decisions: unknown,
  waiting: readonly string[],
): Record<string, QueuedDecision> {
  if (typeof decisions !== 'object' || decisions === null || Array.isArray(decisions)) {
    throw new RunQueueError(
      `resume("${runId}", decisions): "decisions" must be an object keyed by interruption id, such as { "${waiting[0] ?? 'int_1'}": "approve" }.`,
      { code: 'invalid_config', option: 'decisions', runId },
    );
  }
  const entries = Object.entries(decisions);
  if (entries.length === 0) {
    throw new RunQueueError(
      `resume("${runId}", decisions): no decision given; the run waits for ${waiting.map((id) => `"${id}"`).join(', ')}.`,
      { code: 'invalid_config', option: 'decisions', runId },
    );
  }
  for (const [id, decision] of entries) {
    if (!waiting.includes(id)) {
      throw new RunQueueError(
        `resume("${runId}", decisions): the run waits for no interruption "${id}"; it waits for ${waiting.map((w) => `"${w}"`).join(', ') || 'nothing'}.`,
        { code: 'invalid_config', option: `decisions.${id}`, runId },
      );
    }
    const ok =
      decision === 'approve' ||
      decision === 'reject' ||
      (typeof decision === 'object' &&
        decision !== null &&
        typeof (decision as { reject?: unknown }).reject === 'string');
    if (!ok) {
      throw new RunQueueError(
        `resume("${runId}", decisions): the decision on "${id}" must be "approve", "reject" or { reject: "what the model is told" }.`,
        { code: 'invalid_config', option: `decisions.${id}`, runId },
      );
    }
  }
  return decisions as Record<string, QueuedDecision>;
}
