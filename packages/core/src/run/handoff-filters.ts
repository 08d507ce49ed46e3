import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { HandoffInput } from '../agent/handoff.js';

/**
 * A handoff `inputFilter` that hands over the conversation without tool calls: tool messages go,
 * assistant messages lose their `tool_calls`, and an assistant message left with no text goes
 * too. The agent taking over sees what was said, not what the tools of another agent did.
 *
 * @example
 * ```ts
 * handoffs: [handoff(billing, { inputFilter: removeToolCalls })]
 * ```
 */
export function removeToolCalls(input: HandoffInput<unknown>): ChatCompletionMessageParam[] {
  const kept: ChatCompletionMessageParam[] = [];
  for (const message of input.messages) {
    if (message.role === 'tool' || message.role === 'function') continue;
    if (message.role !== 'assistant' || !message.tool_calls?.length) {
      kept.push(message);
      continue;
    }
    const { tool_calls: _calls, ...rest } = message;
    const hasText =
      (typeof rest.content === 'string' && rest.content !== '') ||
      (Array.isArray(rest.content) && rest.content.length > 0) ||
      Boolean(rest.refusal);
    if (hasText) kept.push(rest);
  }
  return kept;
}

/**
 * A handoff `inputFilter` that hands over only the last user message: the agent taking over
 * starts afresh on the user's latest request.
 */
export function keepLastUserMessage(input: HandoffInput<unknown>): ChatCompletionMessageParam[] {
  for (let i = input.messages.length - 1; i >= 0; i--) {
    const message = input.messages[i];
    if (message?.role === 'user') return [message];
  }
  return [];
}
