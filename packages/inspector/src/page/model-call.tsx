/**
 * A model call in detail: its tokens, cost, latency, finish reason, retries and text.
 *
 * @module
 */
import type { ModelCallView } from '../model/run-timeline.js';
import { Fact, Value } from './call-parts.js';
import { formatCost, formatCount, formatMs } from './format.js';

/** A model call's card. */
export function ModelCall({
  call,
  callKey,
  selected,
  onSelect,
}: {
  call: ModelCallView;
  /** Its key in the run view (a child run's calls carry the child's run id in front). */
  callKey: string;
  selected: boolean;
  onSelect: (key: string) => void;
}) {
  const usage = call.usage;
  return (
    <article
      class={`call model${selected ? ' selected' : ''}`}
      data-call={callKey}
      data-testid="model-call"
    >
      <header>
        <button
          type="button"
          class="call-head"
          title="Show on the timeline"
          onClick={() => onSelect(callKey)}
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
