/**
 * The calls of one turn in detail: each model call's tokens, cost, latency, finish reason,
 * retries and text; each tool call's arguments, result, duration and outcome.
 *
 * @module
 */
import { useState } from 'preact/hooks';
import type { ModelCallView, ToolCallView, TurnView } from '../model/run-timeline.js';
import { formatCost, formatCount, formatMs, formatOutput, formatValue } from './format.js';

/** Values longer than this are shown folded, with a button to see them whole. */
const FOLD_CHARS = 4000;

/** The calls of a turn. */
export function CallDetails({
  turn,
  selected,
  onSelect,
}: {
  turn: TurnView;
  selected: string | undefined;
  onSelect: (key: string) => void;
}) {
  return (
    <>
      {turn.modelCalls.map((call) => (
        <ModelCall
          call={call}
          selected={call.key === selected}
          onSelect={onSelect}
          key={call.key}
        />
      ))}
      {turn.tools.map((call) => (
        <ToolCall call={call} selected={call.key === selected} onSelect={onSelect} key={call.key} />
      ))}
    </>
  );
}

function ModelCall({
  call,
  selected,
  onSelect,
}: {
  call: ModelCallView;
  selected: boolean;
  onSelect: (key: string) => void;
}) {
  const usage = call.usage;
  return (
    <article
      class={`call model${selected ? ' selected' : ''}`}
      data-call={call.key}
      data-testid="model-call"
    >
      <header>
        <button
          type="button"
          class="call-head"
          title="Show on the timeline"
          onClick={() => onSelect(call.key)}
        >
          <span class="kind">model</span> <strong>{call.model}</strong>{' '}
          <span class={`state ${call.status}`}>{call.status === 'ok' ? '' : call.status}</span>
        </button>
      </header>
      <dl class="facts">
        <Fact
          name="latency"
          value={formatMs(call.durationMs ?? call.endTs - call.startTs)}
          raw={call.durationMs}
        />
        {usage && (
          <>
            <Fact
              name="prompt tokens"
              value={formatCount(usage.promptTokens)}
              raw={usage.promptTokens}
            />
            <Fact
              name="completion tokens"
              value={formatCount(usage.completionTokens)}
              raw={usage.completionTokens}
            />
            {usage.cachedTokens > 0 && (
              <Fact
                name="cached tokens"
                value={formatCount(usage.cachedTokens)}
                raw={usage.cachedTokens}
              />
            )}
            {usage.reasoningTokens > 0 && (
              <Fact
                name="reasoning tokens"
                value={formatCount(usage.reasoningTokens)}
                raw={usage.reasoningTokens}
              />
            )}
            <Fact
              name="total tokens"
              value={formatCount(usage.totalTokens)}
              raw={usage.totalTokens}
            />
            <Fact name="cost" value={formatCost(usage.cost)} raw={usage.cost ?? ''} />
          </>
        )}
        {call.finishReason !== undefined && (
          <Fact name="finish reason" value={call.finishReason ?? '(none)'} />
        )}
        <Fact name="sent" value={`${call.messages} messages, ${call.tools} tools`} />
        {call.toolCalls !== undefined && (
          <Fact
            name="asked for"
            value={`${call.toolCalls} tool call${call.toolCalls === 1 ? '' : 's'}`}
          />
        )}
      </dl>
      {call.retries.length > 0 && (
        <ul class="retries" data-testid="retries">
          {call.retries.map((retry) => (
            <li key={retry.ts}>
              {`↻ retry ${retry.attempt} after ${retry.error.code}${retry.error.status ? ` (HTTP ${retry.error.status})` : ''}: ${retry.error.message} (waited ${formatMs(retry.delayMs)})`}
            </li>
          ))}
        </ul>
      )}
      {call.text && <Value label="reply" text={call.text} field="text" />}
    </article>
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
  selected,
  onSelect,
}: {
  call: ToolCallView;
  selected: boolean;
  onSelect: (key: string) => void;
}) {
  return (
    <article
      class={`call tool ${call.outcome}${selected ? ' selected' : ''}`}
      data-call={call.key}
      data-testid="tool-call"
      data-outcome={call.outcome}
    >
      <header>
        <button
          type="button"
          class="call-head"
          title="Show on the timeline"
          onClick={() => onSelect(call.key)}
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
    </article>
  );
}

function Fact({
  name,
  value,
  raw,
}: {
  name: string;
  value: string;
  raw?: number | string | undefined;
}) {
  return (
    <div>
      <dt>{name}</dt>
      <dd data-field={name} data-value={raw}>
        {value}
      </dd>
    </div>
  );
}

function Value({ label, text, field }: { label: string; text: string; field: string }) {
  const [open, setOpen] = useState(false);
  const folded = !open && text.length > FOLD_CHARS;
  return (
    <div class="value">
      <span class="value-label">{label}</span>
      <pre data-field={field}>{folded ? `${text.slice(0, FOLD_CHARS)}…` : text}</pre>
      {folded && (
        <button type="button" class="more" onClick={() => setOpen(true)}>
          Show all {formatCount(text.length)} characters
        </button>
      )}
    </div>
  );
}
