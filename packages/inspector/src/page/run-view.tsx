/**
 * One run: its figures, its timeline, its answer or error, and every turn's calls in detail.
 *
 * @module
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RunResponse } from '../model/api-types.js';
import { buildRunTimeline } from '../model/run-timeline.js';
import { formatCost, formatCount, formatMs, formatTime, formatValue } from './format.js';
import { StatusBadge } from './status-badge.js';
import { Timeline } from './timeline.js';
import { TurnSection } from './turn-section.js';

/** Runs with more turns than this show each turn's calls only when asked. */
const FOLD_TURNS = 10;

/** The run view. */
export function RunView({ data }: { data: RunResponse }) {
  const { summary, events } = data;
  const timeline = useMemo(() => buildRunTimeline(events), [events]);
  const [selected, setSelected] = useState<string>();
  const [raw, setRaw] = useState(false);
  // A long run's turns are folded: thousands of calls laid out at once would take seconds.
  const folded = timeline.turns.length > FOLD_TURNS;
  const [openTurns, setOpenTurns] = useState<ReadonlySet<number>>(new Set());
  const [allOpen, setAllOpen] = useState(false);
  const turnOf = useMemo(() => {
    const turns = new Map<string, number>();
    for (const turn of timeline.turns) {
      for (const call of [...turn.modelCalls, ...turn.tools]) turns.set(call.key, turn.turn);
    }
    return turns;
  }, [timeline]);
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
  return (
    <section class="run" data-testid="run-view" data-run-id={summary.runId}>
      <p class="back">
        <a href="#/">← All runs</a>
      </p>
      <h1>
        {summary.agent} <StatusBadge status={summary.status} />
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
              <li key={i.id}>
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
            open={!folded || allOpen || openTurns.has(turn.turn)}
            onToggle={() => toggleTurn(turn.turn)}
            selected={selected}
            onSelect={select}
            key={turn.turn}
          />
        ))}
      </div>
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
  );
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
