/**
 * The calls of one turn in detail: each model call's tokens, cost, latency, finish reason,
 * retries and text; each tool call's arguments, result, duration and outcome; under a tool call
 * that called an agent, that agent's run (opened on a click: its figures, its turns and calls,
 * and the runs it called in turn).
 *
 * @module
 */
import type { ChildRunView, HandoffView, ToolCallView, TurnView } from '../model/run-timeline.js';
import { Fact, Value } from './call-parts.js';
import { formatCost, formatCount, formatMs, formatOutput, formatValue } from './format.js';
import { ModelCall } from './model-call.js';
import { StatusBadge } from './status-badge.js';
import { useChildRuns } from './tree-context.js';

/** The calls of a turn. */
export function CallDetails({
  turn,
  prefix = '',
  selected,
  onSelect,
}: {
  turn: TurnView;
  /** What the keys of this run's calls start with: `''` for the run shown, `<runId>/` for a child's. */
  prefix?: string;
  selected: string | undefined;
  onSelect: (key: string) => void;
}) {
  return (
    <>
      {turn.modelCalls.map((call) => (
        <ModelCall
          call={call}
          callKey={prefix + call.key}
          selected={prefix + call.key === selected}
          onSelect={onSelect}
          key={call.key}
        />
      ))}
      {turn.tools.map((call) => (
        <ToolCall
          call={call}
          prefix={prefix}
          selected={selected}
          onSelect={onSelect}
          key={call.key}
        />
      ))}
    </>
  );
}

/** A handoff, as a row of its turn. */
export function HandoffRow({ handoff }: { handoff: HandoffView }) {
  return (
    <p class="handoff-row" data-testid="handoff" data-from={handoff.from} data-to={handoff.to}>
      ⇄ handoff{' '}
      <strong>
        {handoff.from} → {handoff.to}
      </strong>{' '}
      <span class="sub">
        in turn {handoff.turn} · <code>{handoff.toolCallId}</code> · {handoff.to} answers from here
        on
      </span>
    </p>
  );
}

const OUTCOME_TEXT: Record<ToolCallView['outcome'], string> = {
  ok: 'ok',
  fault: 'fault',
  timeout: 'timeout',
  denied: 'denied',
  aborted: 'cut short',
  interrupted: 'waits for a decision',
  running: 'running',
};

function ToolCall({
  call,
  prefix,
  selected,
  onSelect,
}: {
  call: ToolCallView;
  prefix: string;
  selected: string | undefined;
  onSelect: (key: string) => void;
}) {
  const callKey = prefix + call.key;
  return (
    <article
      class={`call tool ${call.outcome}${callKey === selected ? ' selected' : ''}`}
      data-call={callKey}
      data-testid="tool-call"
      data-outcome={call.outcome}
    >
      <header>
        <button
          type="button"
          class="call-head"
          title="Show on the timeline"
          onClick={() => onSelect(callKey)}
        >
          <span class="kind">tool</span> <strong>{call.name}</strong>{' '}
          <span class={`state ${call.outcome}`} data-field="outcome">
            {OUTCOME_TEXT[call.outcome]}
          </span>
          {call.durationMs !== undefined && <span class="sub"> · {formatMs(call.durationMs)}</span>}
          <span class="sub">
            {' '}
            · <code>{call.toolCallId}</code>
          </span>
        </button>
      </header>
      {call.interruption && (
        <p class="note">
          Paused the run:{' '}
          {call.interruption.kind === 'approval'
            ? 'needs approval'
            : 'its outcome was unknown after a crash'}
          {call.interruption.reason ? ` (${call.interruption.reason})` : ''}.
        </p>
      )}
      {call.error && (
        <p class="call-error" data-field="error">
          <code>{call.error.code}</code>: {call.error.message}
        </p>
      )}
      <div class="values">
        {call.args !== undefined && (
          <Value label="arguments" text={formatValue(call.args)} field="args" />
        )}
        {call.output !== undefined && (
          <Value label="result" text={formatOutput(call.output)} field="result" />
        )}
      </div>
      {call.children?.map((child) => (
        <ChildRun child={child} selected={selected} onSelect={onSelect} key={child.runId} />
      ))}
    </article>
  );
}

/** A run started by a tool call: a line that opens on a click into its figures, turns and calls. */
export function ChildRun({
  child,
  selected,
  onSelect,
}: {
  child: ChildRunView;
  selected: string | undefined;
  onSelect: (key: string) => void;
}) {
  const { open, toggle } = useChildRuns();
  const isOpen = open.has(child.runId);
  const { summary, timeline } = child;
  const prefix = `${child.runId}/`;
  const hasTree = summary.tree !== undefined;
  return (
    <div
      class={`child-run ${child.status}`}
      data-testid="child-run"
      data-run-id={child.runId}
      data-status={child.status}
      data-agent={child.agent}
    >
      <button
        type="button"
        class="child-head"
        aria-expanded={isOpen}
        data-testid="child-toggle"
        onClick={() => toggle(child.runId)}
      >
        {isOpen ? '▾' : '▸'} <span class="kind">agent</span> <strong>{child.agent}</strong>{' '}
        <StatusBadge status={child.status} />
        <span class="sub">
          {' '}
          · {summary.turns} turn{summary.turns === 1 ? '' : 's'} · {summary.toolCalls} tool call
          {summary.toolCalls === 1 ? '' : 's'} · {formatCount(summary.tokens.total)} tokens
          {hasTree
            ? ` (${formatCount(summary.tree?.tokens.total ?? 0)} with the runs it called)`
            : ''}{' '}
          · {formatMs(summary.durationMs)}
        </span>
      </button>
      {isOpen && (
        <div class="child-body">
          <p class="ids">
            run{' '}
            <a href={`#/run/${encodeURIComponent(child.runId)}`}>
              <code>{child.runId}</code>
            </a>{' '}
            · <span data-testid="child-path">{child.path.join(' › ')}</span>
          </p>
          <dl class="facts">
            <Fact
              name="tokens"
              value={formatCount(summary.tokens.total)}
              raw={summary.tokens.total}
            />
            <Fact
              name="prompt tokens"
              value={formatCount(summary.tokens.prompt)}
              raw={summary.tokens.prompt}
            />
            <Fact
              name="completion tokens"
              value={formatCount(summary.tokens.completion)}
              raw={summary.tokens.completion}
            />
            <Fact name="cost" value={formatCost(summary.cost)} raw={summary.cost ?? ''} />
            <Fact name="model calls" value={String(summary.modelCalls)} raw={summary.modelCalls} />
            <Fact name="tool calls" value={String(summary.toolCalls)} raw={summary.toolCalls} />
            {summary.tree && (
              <Fact
                name="tokens with its children"
                value={formatCount(summary.tree.tokens.total)}
                raw={summary.tree.tokens.total}
              />
            )}
          </dl>
          {timeline.error && (
            <p class="call-error" data-field="child-error">
              <code>{timeline.error.code}</code>: {timeline.error.message}
            </p>
          )}
          {timeline.status === 'interrupted' &&
            timeline.interruptions.map((i) => (
              <p class="note" key={i.id}>
                ‖ waits for a decision: <code>{i.name}</code> (
                {i.kind === 'approval' ? 'needs approval' : 'outcome unknown after a crash'})
              </p>
            ))}
          {timeline.turns.map((turn) => (
            <div class="child-turn" data-turn={turn.turn} key={turn.turn}>
              <h3>
                Turn {turn.turn}
                {turn.agent && timeline.handoffs.length > 0 ? ` · ${turn.agent}` : ''}
              </h3>
              <CallDetails turn={turn} prefix={prefix} selected={selected} onSelect={onSelect} />
              {timeline.handoffs
                .filter((handoff) => handoff.turn === turn.turn)
                .map((handoff) => (
                  <HandoffRow handoff={handoff} key={handoff.toolCallId} />
                ))}
            </div>
          ))}
          {timeline.children.map((grandchild) => (
            <ChildRun
              child={grandchild}
              selected={selected}
              onSelect={onSelect}
              key={grandchild.runId}
            />
          ))}
          {timeline.answer && (
            <div class="value">
              <span class="value-label">answer</span>
              <pre data-field="child-answer">{timeline.answer.text}</pre>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
