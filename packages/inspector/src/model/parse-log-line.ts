/**
 * Reading one line of a run log back: an event, a marker the writer left (lines it dropped or
 * could not write), or a problem the page shows without losing the rest of the log.
 *
 * @module
 */
import type { LoggedEvent } from './logged-event.js';

/** What one line of a log holds. */
export type ParsedLine =
  | { kind: 'event'; event: LoggedEvent }
  | { kind: 'problem'; reason: string }
  | { kind: 'blank' };

/** The most characters of a bad line a problem quotes. */
const QUOTE_CHARS = 80;

/**
 * Parses one line (without its newline). An object with a string `type`, a string `runId`, a
 * number `turn` and a number `ts` is an event, even of a type this version does not know (a
 * newer agentloop's): the page lists it without interpreting it.
 *
 * @param text - the line.
 * @returns the event, or why the line is not one.
 */
export function parseLogLine(text: string): ParsedLine {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return {
      kind: 'problem',
      reason: `not JSON (a line cut short by a crash, or not a run log?): ${quote(trimmed)}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'problem', reason: `not an event object: ${quote(trimmed)}` };
  }
  const line = value as Record<string, unknown>;
  if (line.type === 'log:dropped') {
    return {
      kind: 'problem',
      reason: `the writer dropped ${String(line.lines)} lines here (the disk fell behind or failed)`,
    };
  }
  if (line.type === 'log:unwritable') {
    return {
      kind: 'problem',
      reason: `a ${String(line.event)} event of run ${String(line.runId)} could not be written: ${String(line.reason)}`,
    };
  }
  const missing = [
    typeof line.type === 'string' ? undefined : 'type',
    typeof line.runId === 'string' ? undefined : 'runId',
    typeof line.turn === 'number' ? undefined : 'turn',
    typeof line.ts === 'number' && Number.isFinite(line.ts) ? undefined : 'ts',
  ].filter((field) => field !== undefined);
  if (missing.length > 0) {
    return {
      kind: 'problem',
      reason: `not a run event (no valid ${missing.join(', ')}): ${quote(trimmed)}`,
    };
  }
  return { kind: 'event', event: line as unknown as LoggedEvent };
}

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text);
}
