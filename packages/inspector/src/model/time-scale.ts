/**
 * The time axis of a run view. A run that paused for an approval and went on an hour later would
 * be one long empty axis with two slivers of activity, so idle gaps much longer than the activity
 * around them are drawn as a narrow break labelled with the time left out.
 *
 * @module
 */

/** A stretch of time, in ms since the epoch. */
export type Interval = readonly [start: number, end: number];

/** A gap drawn narrow. */
export interface TimeBreak {
  /** Where the break starts and ends on the axis, from 0 to 1. */
  from: number;
  to: number;
  /** The time the break leaves out, in ms. */
  hiddenMs: number;
}

/** A labelled mark on the axis. */
export interface TimeTick {
  /** Where, from 0 to 1. */
  at: number;
  /** The time since the start, in ms. */
  ms: number;
}

/** A time axis from a run's start to its end. */
export interface TimeScale {
  /** Where a time falls on the axis, from 0 to 1. */
  at(ts: number): number;
  breaks: TimeBreak[];
  ticks: TimeTick[];
}

interface Piece {
  from: number;
  to: number;
  /** The piece's share of the axis before normalising. */
  width: number;
  compressed: boolean;
}

/** An idle gap is drawn as a break when longer than this... */
const MIN_BREAK_MS = 1000;
/** ...and than this share of the time drawn in full. */
const BREAK_SHARE = 0.25;
/** The axis width of one break, as a share of the time drawn in full. */
const BREAK_WIDTH = 0.04;

/**
 * Builds the axis for activity between `startTs` and `endTs`.
 *
 * @param startTs - the axis start.
 * @param endTs - the axis end.
 * @param activity - the bars drawn on it (model and tool calls); gaps between them may break.
 * @param tickCount - about how many ticks to label. @default 6
 * @returns the scale.
 */
export function buildTimeScale(
  startTs: number,
  endTs: number,
  activity: readonly Interval[],
  tickCount = 6,
): TimeScale {
  const end = Math.max(endTs, startTs + 1);
  const busy = merge(activity.map(([a, b]) => [clamp(a, startTs, end), clamp(b, startTs, end)]));
  const busyMs = busy.reduce((sum, [a, b]) => sum + (b - a), 0);
  const total = end - startTs;
  // Gaps that would dominate: idle time longer than a share of all the activity.
  const threshold = Math.max(MIN_BREAK_MS, BREAK_SHARE * busyMs);
  const pieces: Piece[] = [];
  let cursor = startTs;
  for (const [a, b] of [...busy, [end, end] as const]) {
    if (a - cursor > threshold && busy.length > 0) {
      pieces.push({ from: cursor, to: a, width: 0, compressed: true });
    } else if (a > cursor) {
      pieces.push({ from: cursor, to: a, width: a - cursor, compressed: false });
    }
    if (b > a) pieces.push({ from: a, to: b, width: b - a, compressed: false });
    cursor = Math.max(cursor, b);
  }
  const full = pieces.reduce((sum, p) => sum + p.width, 0) || 1;
  for (const piece of pieces) if (piece.compressed) piece.width = full * BREAK_WIDTH;
  const width = pieces.reduce((sum, p) => sum + p.width, 0) || 1;
  let offset = 0;
  const placed = pieces.map((piece) => {
    const x0 = offset / width;
    offset += piece.width;
    return { ...piece, x0, x1: offset / width };
  });

  const at = (ts: number): number => {
    if (ts <= startTs) return 0;
    // The first piece that ends at or after ts (pieces are in time order): a binary search,
    // since a long run has thousands of bars and hundreds of pieces.
    let low = 0;
    let high = placed.length - 1;
    if (high < 0 || ts > (placed[high]?.to ?? 0)) return 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((placed[middle]?.to ?? 0) < ts) low = middle + 1;
      else high = middle;
    }
    const piece = placed[low];
    if (!piece) return 1;
    const span = piece.to - piece.from || 1;
    return piece.x0 + ((Math.max(ts, piece.from) - piece.from) / span) * (piece.x1 - piece.x0);
  };
  const breaks = placed
    .filter((piece) => piece.compressed)
    .map((piece) => ({ from: piece.x0, to: piece.x1, hiddenMs: piece.to - piece.from }));
  const shown = placed.filter((piece) => !piece.compressed);
  const shownMs = shown.reduce((sum, p) => sum + (p.to - p.from), 0) || total;
  const step = niceStep(shownMs / Math.max(1, tickCount));
  const ticks: TimeTick[] = [];
  for (let ms = 0; ms <= total && ticks.length < 200; ms += step) {
    const ts = startTs + ms;
    if (shown.some((p) => ts >= p.from && ts <= p.to)) ticks.push({ at: at(ts), ms });
  }
  return { at, breaks, ticks };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = intervals.filter(([a, b]) => b >= a).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** A step of 1, 2 or 5 times a power of ten, in ms, near `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (raw <= factor * power) return factor * power;
  return 10 * power;
}
