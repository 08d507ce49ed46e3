/**
 * What the page says about the log itself: lines it could not read (the rest is shown), a last
 * line still being written, a file gone, an empty log.
 *
 * @module
 */
import type { RunsResponse } from '../model/api-types.js';
import { formatCount } from './format.js';

/** The notes and problems of a log, above the runs. */
export function LogNotes({ runs }: { runs: RunsResponse }) {
  const { problems, problemCount, notes, source } = runs;
  const empty = source.files.every((file) => file.bytes === 0);
  return (
    <>
      {empty && (
        <p class="note" data-testid="empty-log">
          {source.kind === 'dir'
            ? `The folder ${source.given} has no run log files (.jsonl) yet.`
            : `The log ${source.given} is empty.`}{' '}
          Runs appear here as soon as an agent with <code>runLog</code> writes them.
        </p>
      )}
      {notes.map((note) => (
        <p class="note" key={note} data-testid="log-note">
          {note}
        </p>
      ))}
      {problemCount > 0 && (
        <details class="problems" data-testid="problems">
          <summary>
            {formatCount(problemCount)} line{problemCount === 1 ? '' : 's'} of the log could not be
            read and {problemCount === 1 ? 'was' : 'were'} skipped; everything else is shown.
          </summary>
          <ul>
            {problems.map((problem) => (
              <li key={`${problem.file}:${problem.line}`}>
                <code>
                  {problem.file}:{problem.line}
                </code>{' '}
                {problem.reason}
              </li>
            ))}
            {problemCount > problems.length && (
              <li>… and {formatCount(problemCount - problems.length)} more.</li>
            )}
          </ul>
        </details>
      )}
    </>
  );
}
