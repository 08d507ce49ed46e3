/**
 * The request that asks a model for a conversation summary, for use as `trimWithSummary`'s
 * `summarize` function.
 *
 * @module
 */

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** Options of {@link summaryRequestMessages}. */
export interface SummaryRequestOptions {
  /** The summary so far, if any. */
  previousSummary: string | undefined;
  /** The messages to fold into it. */
  messages: readonly ChatCompletionMessageParam[];
  /**
   * Asked-for upper bound of the summary, in tokens.
   * @default 1000
   */
  maxTokens?: number | undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: string; text?: string; refusal?: string }) =>
      part.type === 'text'
        ? (part.text ?? '')
        : part.type === 'refusal'
          ? (part.refusal ?? '')
          : `[${part.type}]`,
    )
    .join('');
}

/**
 * Renders messages as a plain transcript (`user: ...`, `assistant called get_weather({...})`,
 * `tool result for call_1: ...`).
 *
 * @param messages - The messages.
 * @returns The transcript.
 */
export function transcriptOf(messages: readonly ChatCompletionMessageParam[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    const text = textOf(message.content);
    if (message.role === 'tool') {
      lines.push(`tool result for ${message.tool_call_id}: ${text}`);
      continue;
    }
    const who =
      'name' in message && message.name ? `${message.role} (${message.name})` : message.role;
    if (text) lines.push(`${who}: ${text}`);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        const [name, args] =
          call.type === 'custom'
            ? [call.custom.name, call.custom.input]
            : [call.function.name, call.function.arguments];
        lines.push(`assistant called ${name}(${args}) as ${call.id}`);
      }
    }
  }
  return lines.join('\n');
}

/**
 * The messages of a chat request that asks a model to extend a running summary with the
 * messages that are about to be dropped from the context.
 *
 * @param options - The previous summary, the messages, the size limit.
 * @returns A system and a user message to send to the model; its reply is the new summary.
 * @example
 * ```ts
 * const summarize: SummarizeFunction = async (input) => {
 *   const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: summaryRequestMessages(input) });
 *   return reply.choices[0]?.message.content ?? '';
 * };
 * ```
 */
export function summaryRequestMessages({
  previousSummary,
  messages,
  maxTokens = 1000,
}: SummaryRequestOptions): ChatCompletionMessageParam[] {
  const system = [
    'You maintain a running summary of a conversation between a user and an AI assistant that uses tools.',
    'Merge the summary so far with the new messages into one updated summary.',
    'Keep the user’s goals and constraints, decisions made, facts learned from tool results (with exact values, names, ids and numbers), and open questions.',
    `Drop small talk and repetition. Write at most about ${maxTokens} tokens, in plain prose or short bullet points. Reply with the summary only.`,
  ].join(' ');
  const user = [
    'Summary so far:',
    previousSummary?.trim() ? previousSummary : '(none yet)',
    '',
    'New messages to fold in:',
    transcriptOf(messages),
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
