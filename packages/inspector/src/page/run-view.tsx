/**
 * One run: its figures, its timeline, its answer or error, and every turn's calls in detail.
 *
 * @module
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RunResponse } from '../model/api-types.js';
import { buildRunTimeline } from '../model/run-timeline.js';
import { CallDetails } from './call-details.js';
import { formatCost, formatCount, formatMs, formatTime, formatValue } from './format.js';
import { StatusBadge } from './status-badge.js';
import { Timeline } from './timeline.js';

/** The run view. */
export function RunView({ data }: { data: RunResponse }) {
  const { summary, events } = data;
  const timeline = useMemo(() => buildRunTimeline(events), [events]);
  const [selected, setSelected] = useState<string>();
  const [raw, setRaw] = useState(false);

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
      <Timeline timeline={timeline} selected={selected} onSelect={setSelected} />
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
        {timeline.turns.map((turn) => (
          <section class="turn" key={turn.turn} data-turn={turn.turn}>
            <h2>
              Turn {turn.turn}
              <span class="sub">
                {' '}
                · {formatMs(turn.endTs - turn.startTs)}
                {turn.finishReason ? ` · finish ${turn.finishReason}` : ''}
                {turn.tools.length > 1 ? ` · ${turn.tools.length} tool calls` : ''}
              </span>
            </h2>
            {turn.trims.map((trim) => (
              <p class="trim" key={trim.ts} data-testid="trim">
                ✂ context trimmed: {trim.dropped} message{trim.dropped === 1 ? '' : 's'} dropped
                {trim.shrunk ? `, ${trim.shrunk} tool output(s) cut` : ''}, {trim.kept} sent (
                {formatCount(trim.tokens)} of {formatCount(trim.maxTokens)} tokens)
              </p>
            ))}
            <CallDetails turn={turn} selected={selected} onSelect={setSelected} />
          </section>
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
    ([key]) => key !== 'name' && key !== 'code' && key !== 'message',
  );
  if (rest.length === 0) return null;
  return <pre class="fields">{formatValue(Object.fromEntries(rest))}</pre>;
}
