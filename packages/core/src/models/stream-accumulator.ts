import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { PartialToolCall } from '../errors/model-error.js';
import { contentText } from './content-text.js';
import type {
  FinishReason,
  ModelResponse,
  ModelStreamEvent,
  ModelToolCall,
  ProviderFields,
} from './model.js';
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

type ChunkChoice = ChatCompletionChunk['choices'][number];

/**
 * The chunk's choice 0. With `n > 1` the API streams each choice in chunks of its own, so a chunk
 * without choice 0 carries nothing of the answer; a choice without an `index` (some servers omit
 * it) counts as choice 0.
 */
function firstChoice(choices: unknown): ChunkChoice | undefined {
  if (!Array.isArray(choices)) return undefined;
  return (choices as (ChunkChoice | null | undefined)[]).find(
    (c) => typeof c === 'object' && c !== null && (c.index === 0 || c.index == null),
  ) as ChunkChoice | undefined;
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
  /** Every call of the reply, by its index in the reply. */
  private readonly calls = new Map<number, CallSlot>();
  /** The call a wire `index` currently feeds (a reused index moves on to a new call). */
  private readonly byWireIndex = new Map<number, CallSlot>();
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

    const choice = firstChoice(chunk.choices);
    if (!choice) return [];
    const events: ModelStreamEvent[] = [];
    const delta = choice.delta ?? {};
    const text = contentText(delta.content);
    if (text) {
      this.text += text;
      events.push({ type: 'text-delta', delta: text });
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
    // Set field by field rather than spread from conditional objects: one event per chunk.
    const event: ModelStreamEvent = { type: 'tool-call-delta', index: slot.index, argumentsDelta };
    if (slot.id !== undefined) event.id = slot.id;
    if (slot.name !== undefined) event.name = slot.name;
    return event;
  }

  /**
   * The slot a delta belongs to: by `index` (the API always sends it), except that a new `id` at
   * an index that holds another id starts a new call (Ollama, SGLang and some relays send every
   * parallel call at index 0); for servers that omit the index, by `id`, else a new call when an
   * id or name starts one, else the last call.
   */
  private slotFor(raw: RawToolCallDelta): CallSlot {
    const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
    const next = () => Math.max(-1, ...this.calls.keys()) + 1;
    if (typeof raw.index === 'number' && Number.isInteger(raw.index)) {
      const current = this.byWireIndex.get(raw.index);
      const reused = current?.id !== undefined && id !== undefined && current.id !== id;
      if (current && !reused) return current;
      const slot = this.newSlot(current || this.calls.has(raw.index) ? next() : raw.index);
      this.byWireIndex.set(raw.index, slot);
      return slot;
    }
    const byId = id !== undefined ? [...this.calls.values()].find((s) => s.id === id) : undefined;
    if (byId) return byId;
    const name = raw.function?.name;
    const starts = id !== undefined || (typeof name === 'string' && name !== '');
    const last = Math.max(-1, ...this.calls.keys());
    return starts || last < 0 ? this.newSlot(last + 1) : (this.calls.get(last) as CallSlot);
  }

  private newSlot(index: number): CallSlot {
    const slot: CallSlot = { index, id: undefined, name: undefined, arguments: '', fields: {} };
    this.calls.set(index, slot);
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
