/**
 * Where the crash harness kills a run, and which occurrence of that place it picks for one kill.
 * Plain data and a seeded random source; shared by the parent and the child.
 *
 * @module
 */

import { CALLS, TURNS } from './crash-scenario.js';

/** The places a run is killed at. */
export const KILL_POINTS = {
  start: 'after the start checkpoint (input stored, no model call yet)',
  'model-in-flight': 'while a model call is in flight (request sent, no reply)',
  'reply-unsaved': 'a model reply arrived, before its checkpoint is written',
  'reply-saved': 'after the checkpoint of a model reply',
  'tool-started': 'after a call is checkpointed `started`, before its tool runs',
  'tool-mid': 'inside a tool, after it logged its effect, before it returns',
  'tool-returned': 'a tool returned, before the checkpoint recording it `done`',
  'tool-done': 'after the checkpoint recording a call `done`',
  'checkpoint-rename': 'mid checkpoint write: temp file written and flushed, not renamed',
  'session-torn': 'mid session append: part of the turn line written (its lock held)',
  'session-appended': 'after the session append, before the turn-end checkpoint',
  'turn-end-saved': 'after a turn-end checkpoint, before the next model call',
  'final-saved': 'after the final (`completed`) checkpoint',
  'external-tool-start': 'SIGKILL from the parent when the child announces a tool:start',
  'external-timed': 'SIGKILL from the parent at a random moment of the run',
  'resume-killed': 'killed at a random point above, then the resume killed at its n-th save',
  'claim-torn':
    'killed at a random point above, then the resume killed mid claim write (claim file unreadable)',
} as const;

/** A place a run is killed at. */
export type KillPoint = keyof typeof KILL_POINTS;

/** Every kill point, in table order. */
export const KILL_POINT_NAMES = Object.keys(KILL_POINTS) as KillPoint[];

/**
 * What the child does to kill itself (or, for the `external-*` points, what the parent waits
 * for). `turn` is 1-based (the last turn is the answer); `event` names a checkpoint by what it
 * records first (see `snapshotEvents`).
 */
export type KillPlan =
  | { point: 'start' | 'final-saved' }
  | {
      point:
        | 'model-in-flight'
        | 'reply-unsaved'
        | 'reply-saved'
        | 'session-appended'
        | 'turn-end-saved';
      turn: number;
    }
  | {
      point: 'session-torn';
      turn: number /** The share of the line written, (0, 1]; 1 leaves out only its newline. */;
      cut: number;
    }
  | {
      point: 'tool-started' | 'tool-mid' | 'tool-returned' | 'tool-done' | 'external-tool-start';
      toolCallId: string;
    }
  | { point: 'checkpoint-rename'; event: string }
  | { point: 'external-timed'; delayMs: number }
  /** Only for a resume: the `index`-th save of this process (1-based), before or after it lands. */
  | { point: 'save-index'; index: number; when: 'before' | 'after' }
  /** Only for a resume: half-way through writing the run's claim file. */
  | { point: 'claim-torn' };

/** A kill plan a child carries out by itself (every point but the `external-*` ones). */
export type ChildKillPlan = Exclude<
  KillPlan,
  { point: 'external-tool-start' } | { point: 'external-timed' }
>;

/** The checkpoint events of an uninterrupted run, in order (see `snapshotEvents`). */
export const RUN_EVENTS: readonly string[] = [
  'start',
  ...Array.from({ length: TURNS }, (_, i) => {
    const turn = i + 1;
    const calls = CALLS.filter((c) => c.id.startsWith(`t${turn}_`));
    return [
      `reply:${turn}`,
      ...calls.map((c) => `started:${c.id}`),
      ...calls.map((c) => `done:${c.id}`),
      ...(turn < TURNS ? [`turn-end:${turn}`] : []),
    ];
  }).flat(),
  'final',
];

/** A seeded random source (mulberry32): the same seed draws the same numbers. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a few parts (FNV-1a over their text). */
export function seedOf(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('|')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

const between = (low: number, high: number, next: () => number) =>
  low + Math.floor(next() * (high - low + 1));

/** The kill points a child carries out itself, which `resume-killed` draws its first kill from. */
const SELF_KILLS = KILL_POINT_NAMES.filter(
  (p) =>
    p !== 'external-tool-start' &&
    p !== 'external-timed' &&
    p !== 'resume-killed' &&
    p !== 'claim-torn',
);

/**
 * The plan of one kill: which occurrence of `point` (turn, call, checkpoint) it lands on, drawn
 * from `next`.
 *
 * @param point - The kill point.
 * @param next - The kill's random source.
 * @param runMs - How long an uninterrupted run takes (from its start event), for `external-timed`.
 * @returns The first kill's plan, and for `resume-killed` the resume's.
 */
export function planKill(
  point: KillPoint,
  next: () => number,
  runMs: number,
): { first: KillPlan; resume?: KillPlan } {
  const callId = () => pick(CALLS, next).id;
  switch (point) {
    case 'start':
    case 'final-saved':
      return { first: { point } };
    case 'model-in-flight':
    case 'reply-unsaved':
    case 'reply-saved':
    case 'session-appended':
      return { first: { point, turn: between(1, TURNS, next) } };
    case 'turn-end-saved':
      // The last turn ends with the final checkpoint, a point of its own.
      return { first: { point, turn: between(1, TURNS - 1, next) } };
    case 'session-torn': {
      // One kill in ten leaves the whole line but its newline: the hardest torn line to spot.
      const cut = next() < 0.1 ? 1 : Math.max(0.01, next() * 0.99);
      return { first: { point, turn: between(1, TURNS, next), cut } };
    }
    case 'tool-started':
    case 'tool-mid':
    case 'tool-returned':
    case 'tool-done':
    case 'external-tool-start':
      return { first: { point, toolCallId: callId() } };
    case 'checkpoint-rename':
      return { first: { point, event: pick(RUN_EVENTS, next) } };
    case 'external-timed':
      return { first: { point, delayMs: next() * runMs } };
    case 'resume-killed': {
      const first = planKill(pick(SELF_KILLS, next), next, runMs).first;
      const when = next() < 0.5 ? 'before' : 'after';
      return { first, resume: { point: 'save-index', index: between(1, 6, next), when } };
    }
    case 'claim-torn':
      return {
        first: planKill(pick(SELF_KILLS, next), next, runMs).first,
        resume: { point: 'claim-torn' },
      };
  }
}

/** The plan in a few words, for reports. */
export function describePlan(plan: KillPlan): string {
  const { point, ...where } = plan;
  const detail = Object.entries(where)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`)
    .join(' ');
  return detail ? `${point} ${detail}` : point;
}
