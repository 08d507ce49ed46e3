/**
 * The runs list: one row per run (agent, start, duration, status, turns, tokens, cost, error),
 * filtered by text and status, newest first.
 *
 * @module
 */
import { useState } from 'preact/hooks';
import type { RunsResponse } from '../model/api-types.js';
import type { RunStatus, RunSummary } from '../model/run-summary.js';
import { formatCost, formatCount, formatMs, formatTime } from './format.js';
import { StatusBadge } from './status-badge.js';

/** What the list is filtered by. */
export interface RunFilter {
  /** Words every shown run contains (agent, run id, session, input, models, error). */
  text: string;
  status: RunStatus | 'all';
}

const PAGE_ROWS = 100;

/**
 * The runs that pass a filter.
 *
 * @param runs - every run.
 * @param filter - the filter.
 * @returns the runs shown, in the same order.
 */
export function filterRuns(runs: readonly RunSummary[], filter: RunFilter): RunSummary[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return runs.filter((run) => {
    if (filter.status !== 'all' && run.status !== filter.status) return false;
    if (words.length === 0) return true;
    const haystack = [
      run.agent,
      run.runId,
      run.sessionId,
      run.input,
      run.models.join(' '),
      run.error?.code,
      run.error?.message,
      run.status,
    ]
      .join('\n')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The list, with its filter. */
export function RunsList({
  data,
  filter,
  onFilter,
}: {
  data: RunsResponse;
  filter: RunFilter;
  onFilter: (filter: RunFilter) => void;
}) {
  const [limit, setLimit] = useState(PAGE_ROWS);
  const shown = filterRuns(data.runs, filter);
  const counts = new Map<string, number>();
  for (const run of data.runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  return (
    <section class="runs" data-testid="runs">
      <div class="filters">
        <input
          type="search"
          placeholder="Filter: agent, run id, input, model, error…"
          value={filter.text}
          aria-label="Filter runs"
          data-testid="filter-text"
          onInput={(event) => onFilter({ ...filter, text: event.currentTarget.value })}
        />
        <select
          aria-label="Status"
          data-testid="filter-status"
          value={filter.status}
          onChange={(event) =>
            onFilter({ ...filter, status: event.currentTarget.value as RunFilter['status'] })
          }
        >
          <option value="all">all statuses ({formatCount(data.runs.length)})</option>
          {(['completed', 'interrupted', 'failed', 'running'] as const).map((status) => (
            <option value={status} key={status}>
              {status} ({formatCount(counts.get(status) ?? 0)})
            </option>
          ))}
        </select>
        <span class="count" data-testid="run-count">
          {shown.length === data.runs.length
            ? `${formatCount(data.runs.length)} runs · ${formatCount(data.events)} events`
            : `${formatCount(shown.length)} of ${formatCount(data.runs.length)} runs`}
        </span>
      </div>
      {data.runs.length > 0 && shown.length === 0 && (
        <p class="empty">No run matches the filter.</p>
      )}
      {shown.length > 0 && (
        <table class="run-table">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Started</th>
              <th class="num">Duration</th>
              <th>Status</th>
              <th class="num">Turns</th>
              <th class="num">Tokens</th>
              <th class="num">Cost</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, limit).map((run) => (
              <RunRow run={run} key={run.runId} />
            ))}
          </tbody>
        </table>
      )}
      {shown.length > limit && (
        <button type="button" class="more" onClick={() => setLimit(limit + PAGE_ROWS)}>
          Show {formatCount(Math.min(PAGE_ROWS, shown.length - limit))} more of{' '}
          {formatCount(shown.length - limit)}
        </button>
      )}
    </section>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const href = `#/run/${encodeURIComponent(run.runId)}`;
  return (
    <tr
      data-run-id={run.runId}
      class={`run-row status-${run.status}`}
      onClick={() => {
        window.location.hash = href;
      }}
    >
      <td data-col="agent">
        <a href={href}>{run.agent}</a>
        {run.input && <div class="sub">{run.input.slice(0, 120)}</div>}
      </td>
      <td data-col="start">{formatTime(run.startTs)}</td>
      <td data-col="duration" class="num" data-value={run.durationMs}>
        {formatMs(run.durationMs)}
      </td>
      <td data-col="status">
        <StatusBadge status={run.status} />
        {run.resumptions > 0 && <span class="sub"> resumed {run.resumptions}×</span>}
      </td>
      <td data-col="turns" class="num">
        {run.turns}
      </td>
      <td data-col="tokens" class="num" data-value={run.tokens.total}>
        {formatCount(run.tokens.total)}
      </td>
      <td
        data-col="cost"
        class="num"
        data-value={run.cost ?? ''}
        title={run.cost === null ? 'Unknown: a model without a known price' : undefined}
      >
        {formatCost(run.cost)}
      </td>
      <td data-col="error" class="error-cell" title={run.error?.message}>
        {run.error ? `${run.error.code}: ${run.error.message.slice(0, 140)}` : ''}
      </td>
    </tr>
  );
}
