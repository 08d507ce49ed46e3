/**
 * One run: its figures, its timeline, its answer or error, and every turn's calls in detail.
 *
 * @module
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { RunResponse } from '../model/api-types.js';
import type { RunTimeline } from '../model/run-timeline.js';
import { buildRunTree } from '../model/run-tree.js';
import { ChildRun } from './call-details.js';
import { formatCost, formatCount, formatMs, formatTime, formatValue } from './format.js';
import { StatusBadge } from './status-badge.js';
import { Timeline } from './timeline.js';
import { ChildRunsContext } from './tree-context.js';
import { TurnSection } from './turn-section.js';

/** Runs with more turns than this show each turn's calls only when asked. */
const FOLD_TURNS = 10;

/** The run view. */
export function RunView({ data }: { data: RunResponse }) {
  const { summary, events, ancestors } = data;
  // Older servers send no descendants: the run alone.
  const descendants = data.descendants ?? [];
  const timeline = useMemo(
    () => buildRunTree({ summary, events, descendants }),
    [summary, events, descendants],
  );
  const [openChildren, setOpenChildren] = useState<ReadonlySet<string>>(new Set());
  const toggleChild = useCallback((runId: string) => {
    setOpenChildren((current) => {
      const next = new Set(current);
      if (!next.delete(runId)) next.add(runId);
      return next;
    });
  }, []);
  const childRuns = useMemo(
    () => ({ open: openChildren, toggle: toggleChild }),
    [openChildren, toggleChild],
  );
  const [selected, setSelected] = useState<string>();
  const [raw, setRaw] = useState(false);
  // A long run's turns are folded: thousands of calls laid out at once would take seconds.
  const folded = timeline.turns.length > FOLD_TURNS;
  const [openTurns, setOpenTurns] = useState<ReadonlySet<number>>(new Set());
  const [allOpen, setAllOpen] = useState(false);
  const turnOf = useMemo(() => callTurns(timeline), [timeline]);
  const toggleTurn = (turn: number) => {
    const next = new Set(openTurns);
    if (!next.delete(turn)) next.add(turn);
    setOpenTurns(next);
  };
  const select = (key: string) => {
    const turn = turnOf.get(key);
    if (turn !== undefined && !openTurns.has(turn)) setOpenTurns(new Set(openTurns).add(turn));
    setSelected(key);
  };

  useEffect(() => {
    if (!selected) return;
    document
      .querySelector(`[data-call="${CSS.escape(selected)}"]`)
      ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [selected]);

  const tokens = summary.tokens;
  const tree = summary.tree;
  return (
    <ChildRunsContext.Provider value={childRuns}>
      <section class="run" data-testid="run-view" data-run-id={summary.runId}>
        <p class="back">
          <a href="#/">← All runs</a>
          {(ancestors ?? []).map((ancestor) => (
            <span key={ancestor.runId}>
              {' '}
              ›{' '}
              <a href={`#/run/${encodeURIComponent(ancestor.runId)}`} data-testid="ancestor">
                {ancestor.agent}
              </a>
            </span>
          ))}
        </p>
        <h1>
          {summary.agent} <StatusBadge status={summary.status} />
          {summary.activeAgent && summary.activeAgent !== summary.agent && (
            <span class="sub" data-testid="active-agent">
              → answered by {summary.activeAgent}
            </span>
          )}
        </h1>
        <p class="ids">
          run <code>{summary.runId}</code>
          {summary.sessionId && (
            <>
              {' '}
              · session <code>{summary.sessionId}</code>
            </>
          )}
        </p>
        <dl class="figures">
          <Figure name="started" value={formatTime(summary.startTs)} />
          <Figure name="duration" value={formatMs(summary.durationMs)} raw={summary.durationMs} />
          <Figure name="turns" value={String(summary.turns)} raw={summary.turns} />
          <Figure name="model calls" value={String(summary.modelCalls)} raw={summary.modelCalls} />
          <Figure name="tool calls" value={String(summary.toolCalls)} raw={summary.toolCalls} />
          <Figure
            name="tokens"
            value={`${formatCount(tokens.total)} (${formatCount(tokens.prompt)} in, ${formatCount(tokens.completion)} out${tokens.cached ? `, ${formatCount(tokens.cached)} cached` : ''}${tokens.reasoning ? `, ${formatCount(tokens.reasoning)} reasoning` : ''})`}
            raw={tokens.total}
          />
          <Figure name="cost" value={formatCost(summary.cost)} raw={summary.cost ?? ''} />
          {tree && (
            <>
              <Figure
                name="agents called"
                value={`${tree.runs} run${tree.runs === 1 ? '' : 's'}: ${tree.agents.join(', ')}${tree.failed ? ` (${tree.failed} failed)` : ''}`}
                raw={tree.runs}
              />
              <Figure
                name="tree tokens"
                value={`${formatCount(tree.tokens.total)} (${formatCount(tokens.total)} its own)`}
                raw={tree.tokens.total}
              />
              <Figure
                name="tree cost"
                value={`${formatCost(tree.cost)} (${formatCost(summary.cost)} its own)`}
                raw={tree.cost ?? ''}
              />
            </>
          )}
          {summary.handoffs > 0 && (
            <Figure name="handoffs" value={String(summary.handoffs)} raw={summary.handoffs} />
          )}
          {summary.models.length > 0 && <Figure name="models" value={summary.models.join(', ')} />}
          {summary.retries > 0 && <Figure name="retries" value={String(summary.retries)} />}
          {summary.resumptions > 0 && (
            <Figure name="resumed" value={`${summary.resumptions}×`} raw={summary.resumptions} />
          )}
        </dl>
        {summary.input && (
          <div class="input">
            <h2>Input</h2>
            <pre data-testid="run-input">{summary.input}</pre>
          </div>
        )}
        <Timeline timeline={timeline} selected={selected} onSelect={select} />
        {timeline.error && (
          <div class="outcome error" data-testid="run-error" role="alert">
            <h2>
              Error <code>{timeline.error.code}</code>
            </h2>
            <p>
              <strong>{timeline.error.name}</strong>: {timeline.error.message}
            </p>
            <ErrorFields error={timeline.error} />
          </div>
        )}
        {timeline.status === 'interrupted' && (
          <div class="outcome interrupted" data-testid="run-interruptions">
            <h2>Waiting for {timeline.interruptions.length} decision(s)</h2>
            <ul>
              {timeline.interruptions.map((i) => (
                <li key={i.id} data-testid="interruption">
                  {i.path && i.path.length > 1 && (
                    <span class="path" data-testid="interruption-path">
                      {i.path.join(' › ')}:{' '}
                    </span>
                  )}
                  <code>{i.name}</code> (
                  {i.kind === 'approval' ? 'needs approval' : 'outcome unknown after a crash'}
                  {i.reason ? `: ${i.reason}` : ''}) with <code>{formatValue(i.args)}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
        {timeline.answer && (
          <div class="outcome answer" data-testid="run-answer">
            <h2>Answer</h2>
            <pre>
              {timeline.answer.output !== undefined &&
              timeline.answer.output !== null &&
              typeof timeline.answer.output !== 'string'
                ? formatValue(timeline.answer.output)
                : timeline.answer.text}
            </pre>
          </div>
        )}
        <div class="turns">
          {folded && (
            <p class="note" data-testid="turns-folded">
              {timeline.turns.length} turns: each opens on a click on its heading or on one of its
              bars.{' '}
              <button type="button" class="more" onClick={() => setAllOpen(true)}>
                Open every turn
              </button>
            </p>
          )}
          {timeline.turns.map((turn) => (
            <TurnSection
              turn={turn}
              showAgent={timeline.handoffs.length > 0}
              handoffs={timeline.handoffs.filter((handoff) => handoff.turn === turn.turn)}
              open={!folded || allOpen || openTurns.has(turn.turn)}
              onToggle={() => toggleTurn(turn.turn)}
              selected={selected}
              onSelect={select}
              key={turn.turn}
            />
          ))}
        </div>
        {timeline.children.length > 0 && (
          <div class="unplaced">
            <h2>Agents it called</h2>
            <p class="note">No tool call of the log was running when these runs started.</p>
            {timeline.children.map((child) => (
              <ChildRun child={child} selected={selected} onSelect={select} key={child.runId} />
            ))}
          </div>
        )}
        {timeline.other.length > 0 && (
          <p class="note">
            {timeline.other.length} event(s) of types this inspector does not know:{' '}
            {[...new Set(timeline.other.map((e) => e.type))].join(', ')} (see the raw events).
          </p>
        )}
        <details class="raw" onToggle={(event) => setRaw(event.currentTarget.open)}>
          <summary>All {formatCount(events.length)} events, as logged</summary>
          {raw && <pre>{events.map((event) => JSON.stringify(event)).join('\n')}</pre>}
        </details>
      </section>
    </ChildRunsContext.Provider>
  );
}

/** The turn of the run shown that each call belongs to: a child run's calls, the turn of the call that started it. */
function callTurns(timeline: RunTimeline): Map<string, number> {
  const turns = new Map<string, number>();
  const walk = (run: RunTimeline, prefix: string, rootTurn: number | undefined) => {
    for (const turn of run.turns) {
      const at = rootTurn ?? turn.turn;
      for (const call of turn.modelCalls) turns.set(prefix + call.key, at);
      for (const call of turn.tools) {
        turns.set(prefix + call.key, at);
        for (const child of call.children ?? []) walk(child.timeline, `${child.runId}/`, at);
      }
    }
  };
  walk(timeline, '', undefined);
  return turns;
}

function Figure({ name, value, raw }: { name: string; value: string; raw?: number | string }) {
  return (
    <div class="figure">
      <dt>{name}</dt>
      <dd data-field={name} data-value={raw}>
        {value}
      </dd>
    </div>
  );
}

function ErrorFields({ error }: { error: Record<string, unknown> }) {
  const rest = Object.entries(error).filter(
    ([key, value]) =>
      key !== 'name' &&
      key !== 'code' &&
      key !== 'message' &&
      value !== null &&
      value !== undefined,
  );
  if (rest.length === 0) return null;
  return <pre class="fields">{formatValue(Object.fromEntries(rest))}</pre>;
}
