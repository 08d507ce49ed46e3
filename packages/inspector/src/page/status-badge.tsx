/**
 * A run's status as a coloured word.
 *
 * @module
 */
import type { ChildRunStatus } from '../model/run-timeline.js';

const TITLES: Record<ChildRunStatus, string> = {
  completed: 'The run answered.',
  interrupted: 'The run paused: a tool call waits for an approval or a decision.',
  failed: 'The run ended with an error.',
  running: 'No run:end or run:error yet: still running, or its process stopped.',
  aborted: 'Cut short: its caller was cancelled or ended before it.',
};

/** The status badge. */
export function StatusBadge({ status }: { status: ChildRunStatus }) {
  return (
    <span class={`badge ${status}`} title={TITLES[status]} data-status={status}>
      {status}
    </span>
  );
}
