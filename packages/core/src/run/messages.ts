import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Instructions, RunInput } from '../agent/agent-options.js';
import { ConfigurationError } from '../errors/errors.js';
import type { ModelResponse, ModelToolCall, ProviderFields } from '../models/model.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { toHistoryToolCalls } from './history-tool-calls.js';

/** The system message for a run: fixed text, or computed from the run's context. */
export async function resolveInstructions<TContext>(
  instructions: Instructions<TContext> | undefined,
  state: ActiveRun<TContext>,
): Promise<ChatCompletionMessageParam | undefined> {
  if (instructions === undefined) return undefined;
  const text =
    typeof instructions === 'string'
      ? instructions
      : await raceAbort(
          Promise.resolve(instructions({ context: state.context, runId: state.runId })),
          state.signal,
        );
  if (typeof text !== 'string') {
    throw new ConfigurationError(
      `The instructions function must return a string (or a promise of one); it returned ${text === null ? 'null' : typeof text}. Did it forget to return its text?`,
      { option: 'instructions' },
    );
  }
  return text === '' ? undefined : { role: 'system', content: text };
}

/** The text of a message's content: a string as is, text parts joined, `''` for none. */
export function contentText(content: ChatCompletionMessageParam['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}

/** The messages a run's input stands for. */
export function toMessages(input: RunInput): ChatCompletionMessageParam[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : [...input];
}

/**
 * The assistant message kept in the conversation for a model's reply, as the next request echoes
 * it: the text, the refusal, the calls the loop runs (see `toHistoryToolCalls`), and the
 * provider's own fields (`reasoning_content`, `extra_content`, ...), which some providers refuse
 * to continue without.
 *
 * @param response - The model's reply.
 * @param calls - The calls of the reply that the loop runs (none on a final answer).
 */
export function toAssistantMessage(
  response: ModelResponse,
  calls: readonly ModelToolCall[],
): ChatCompletionAssistantMessageParam {
  const { role: _role, content, refusal, tool_calls: _calls, ...fields } = response.message;
  const withCalls = calls.length > 0;
  return {
    role: 'assistant',
    // The API refuses a stored assistant message with neither content nor tool calls.
    content: content ?? (withCalls || refusal ? null : ''),
    ...definedFields(fields),
    ...(refusal ? { refusal } : {}),
    ...(withCalls ? { tool_calls: toHistoryToolCalls(calls) } : {}),
  };
}

function definedFields(fields: ProviderFields): ProviderFields {
  const defined: ProviderFields = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) defined[key] = value;
  return defined;
}
