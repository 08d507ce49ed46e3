/**
 * A run's status as a coloured word.
 *
 * @module
 */
import type { RunStatus } from '../model/run-summary.js';

const TITLES: Record<RunStatus, string> = {
  completed: 'The run answered.',
  interrupted: 'The run paused: a tool call waits for an approval or a decision.',
  failed: 'The run ended with an error.',
  running: 'No run:end or run:error yet: still running, or its process stopped.',
};

/** The status badge. */
export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span class={`badge ${status}`} title={TITLES[status]} data-status={status}>
      {status}
    </span>
  );
}
