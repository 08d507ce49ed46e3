import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type {
  FinishReason,
  ModelResponse,
  ModelStreamEvent,
  ModelToolCall,
  ProviderFields,
} from '../model.js';
import type { PartialToolCall } from '../model-error.js';
import { syntheticToolCallId, toFinishReason, withMeta } from './openai-response.js';
import { mergeMessageDelta, mergeToolCallDelta } from './provider-fields.js';
import { argumentsText } from './tool-call-arguments.js';

interface CallSlot {
  index: number;
  id: string | undefined;
  name: string | undefined;
  arguments: string;
  /** The call's provider fields (`extra_content`), merged over its deltas. */
  fields: ProviderFields;
}

interface RawToolCallDelta {
  index?: unknown;
  id?: unknown;
  type?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

/**
 * Rebuilds a whole reply from streamed chat-completion chunks and turns each chunk into
 * {@link ModelStreamEvent}s. Tool calls are accumulated by their `index`, so parallel calls whose
 * chunks interleave, and arguments split at any point, reassemble exactly.
 */
export class StreamAccumulator {
  /** How many chunks have arrived. */
  chunks = 0;
  private text = '';
  private refusal: string | undefined;
  private readonly calls = new Map<number, CallSlot>();
  /** The message's provider fields: reasoning text joined, objects merged. */
  private readonly fields: ProviderFields = {};
  private finish: FinishReason | null = null;
  private sawFinish = false;
  private usage: CompletionUsage | undefined;
  private id: string | undefined;
  private model: string | undefined;

  /** True once a choice carried a `finish_reason`: the reply is complete. */
  get finished(): boolean {
    return this.sawFinish;
  }

  /** The text received so far. */
  get partialText(): string {
    return this.text;
  }

  /** The tool calls received so far, in index order. */
  get partialToolCalls(): PartialToolCall[] {
    return [...this.calls.values()]
      .sort((a, b) => a.index - b.index)
      .map(({ index, id, name, arguments: args }) => ({ index, id, name, arguments: args }));
  }

  /**
   * Takes one chunk and returns the events it produces (possibly none).
   * @param chunk - a chunk as the `openai` client yields it.
   */
  push(chunk: ChatCompletionChunk): ModelStreamEvent[] {
    this.chunks++;
    if (typeof chunk.id === 'string' && chunk.id !== '') this.id ??= chunk.id;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.model ??= chunk.model;
    if (chunk.usage) this.usage = chunk.usage;

    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const choice = choices.find((c) => c?.index === 0) ?? choices[0];
    if (!choice) return [];
    const events: ModelStreamEvent[] = [];
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content !== '') {
      this.text += delta.content;
      events.push({ type: 'text-delta', delta: delta.content });
    }
    if (typeof delta.refusal === 'string') this.refusal = (this.refusal ?? '') + delta.refusal;
    // Reasoning is kept for the history, never emitted as text.
    mergeMessageDelta(this.fields, delta);
    for (const raw of (delta.tool_calls ?? []) as RawToolCallDelta[]) {
      const event = this.pushToolCall(raw);
      if (event) events.push(event);
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      this.sawFinish = true;
      this.finish = toFinishReason(choice.finish_reason);
    }
    return events;
  }

  private pushToolCall(raw: RawToolCallDelta): ModelStreamEvent | undefined {
    if (raw.type !== undefined && raw.type !== null && raw.type !== 'function') return undefined;
    const slot = this.slotFor(raw);
    const fn = raw.function ?? {};
    if (typeof raw.id === 'string' && raw.id !== '') slot.id ??= raw.id;
    if (typeof fn.name === 'string' && fn.name !== '') slot.name ??= fn.name;
    const argumentsDelta = argumentsText(fn.arguments);
    slot.arguments += argumentsDelta;
    mergeToolCallDelta(slot.fields, raw);
    return {
      type: 'tool-call-delta',
      index: slot.index,
      ...(slot.id !== undefined ? { id: slot.id } : {}),
      ...(slot.name !== undefined ? { name: slot.name } : {}),
      argumentsDelta,
    };
  }

  /**
   * The slot a delta belongs to: by `index` (the API always sends it); for servers that omit it,
   * by `id`, else a new call when an id or name starts one, else the last call.
   */
  private slotFor(raw: RawToolCallDelta): CallSlot {
    let index: number | undefined;
    if (typeof raw.index === 'number' && Number.isInteger(raw.index)) {
      index = raw.index;
    } else {
      const byId =
        typeof raw.id === 'string'
          ? [...this.calls.values()].find((slot) => slot.id === raw.id)
          : undefined;
      const starts = typeof raw.id === 'string' || typeof raw.function?.name === 'string';
      const last = Math.max(-1, ...this.calls.keys());
      index = byId ? byId.index : starts || last < 0 ? last + 1 : last;
    }
    let slot = this.calls.get(index);
    if (!slot) {
      slot = { index, id: undefined, name: undefined, arguments: '', fields: {} };
      this.calls.set(index, slot);
    }
    return slot;
  }

  /** The whole reply: text, refusal, tool calls in index order, finish reason and usage. */
  toResponse(): ModelResponse {
    const toolCalls: ModelToolCall[] = [...this.calls.values()]
      .sort((a, b) => a.index - b.index)
      .map((call) => ({
        ...call.fields,
        id: call.id ?? syntheticToolCallId(),
        type: 'function',
        function: { name: call.name ?? '', arguments: call.arguments },
      }));
    const response: ModelResponse = {
      message: {
        ...this.fields,
        role: 'assistant',
        content: this.text === '' ? null : this.text,
        ...(this.refusal !== undefined ? { refusal: this.refusal } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finishReason: this.finish,
    };
    return withMeta(response, this.usage, this.id, this.model);
  }
}
