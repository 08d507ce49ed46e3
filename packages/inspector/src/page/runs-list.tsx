/**
 * The runs list: one row per run nobody called (agent, start, duration, status, turns, tokens,
 * cost, error), with the agents it called as tools counted on its row and in its tokens and cost,
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
      run.activeAgent,
      run.tree?.agents.join(' '),
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
  const childRuns = data.childRuns ?? 0;
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
            ? `${formatCount(data.runs.length)} runs${childRuns ? ` (and ${formatCount(childRuns)} they called)` : ''} · ${formatCount(data.events)} events`
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
  const tree = run.tree;
  const tokens = tree?.tokens.total ?? run.tokens.total;
  const cost = tree ? tree.cost : run.cost;
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
        {run.activeAgent && run.activeAgent !== run.agent && (
          <span class="sub" data-testid="run-handoff">
            {' '}
            → {run.activeAgent}
          </span>
        )}
        {tree && (
          <span
            class="children"
            data-testid="child-count"
            data-value={tree.runs}
            title={`Agents it called as tools: ${tree.agents.join(', ')}${tree.failed ? ` (${tree.failed} failed)` : ''}`}
          >
            +{tree.runs} {tree.agents.slice(0, 3).join(', ')}
            {tree.agents.length > 3 ? '…' : ''}
            {tree.failed ? ` · ${tree.failed} failed` : ''}
          </span>
        )}
        {run.parentRunId && (
          <span class="sub" data-testid="orphan">
            {' '}
            called by run {run.parentRunId} (not in this log)
          </span>
        )}
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
      <td
        data-col="tokens"
        class="num"
        data-value={tokens}
        data-own={run.tokens.total}
        title={tree ? 'With the runs it called' : undefined}
      >
        {formatCount(tokens)}
        {tree && <div class="sub">own {formatCount(run.tokens.total)}</div>}
      </td>
      <td
        data-col="cost"
        class="num"
        data-value={cost ?? ''}
        data-own={run.cost ?? ''}
        title={
          cost === null
            ? 'Unknown: a model without a known price'
            : tree
              ? `With the runs it called; its own: ${formatCost(run.cost)}`
              : undefined
        }
      >
        {formatCost(cost)}
      </td>
      <td data-col="error" class="error-cell" title={run.error?.message}>
        {run.error ? `${run.error.code}: ${run.error.message.slice(0, 140)}` : ''}
      </td>
    </tr>
  );
}
