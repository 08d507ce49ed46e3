/**
 * A streamed Responses reply: its typed server-sent events as {@link ModelStreamEvent}s, and
 * the whole reply once it completed.
 *
 * @module
 */

import type { PartialToolCall } from '../errors/model-error.js';
import type { ModelResponse, ModelStreamEvent } from './model.js';
import { fromResponse, providerFailure } from './responses-reply.js';
import { argumentsText } from './tool-call-arguments.js';

interface CallSlot {
  /** The call's position among the reply's function calls (the `index` of its events). */
  index: number;
  callId: string | undefined;
  name: string | undefined;
  arguments: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Reads the events of a streamed Responses reply. Text deltas become `text-delta` events and a
 * function call's argument deltas become `tool-call-delta` events carrying the call's
 * `call_id` and name from its first event on, numbered by the call's position among the
 * reply's calls: the same events a Chat Completions stream gives, so `text:delta` and
 * `tool:args` behave the same. The whole reply comes from `response.completed` (or
 * `response.incomplete`); `response.failed` and `error` events throw the provider's error.
 */
export class ResponsesStreamAccumulator {
  /** How many events have arrived. */
  chunks = 0;
  #text = '';
  /** Function calls by the output index of their item. */
  readonly #calls = new Map<number, CallSlot>();
  /** Items reported done, by output index: the reply when the final event lacks its output. */
  readonly #done = new Map<number, unknown>();
  #final: Record<string, unknown> | undefined;
  #id: string | undefined;
  #model: string | undefined;

  /** True once `response.completed` or `response.incomplete` arrived. */
  get finished(): boolean {
    return this.#final !== undefined;
  }

  /** The text received so far. */
  get partialText(): string {
    return this.#text;
  }

  /** The function calls received so far, in order. */
  get partialToolCalls(): PartialToolCall[] {
    return [...this.#calls.values()]
      .sort((a, b) => a.index - b.index)
      .map((slot) => ({
        index: slot.index,
        id: slot.callId,
        name: slot.name,
        arguments: slot.arguments,
      }));
  }

  /**
   * Takes one event and returns the model stream events it produces (possibly none).
   *
   * @param event - An event as the `openai` client yields it.
   * @throws the provider's error (an `APIError`) for `response.failed` and `error` events.
   */
  push(event: unknown): ModelStreamEvent[] {
    this.chunks++;
    if (!isRecord(event)) return [];
    const response = isRecord(event.response) ? event.response : undefined;
    if (response) {
      if (typeof response.id === 'string' && response.id !== '') this.#id ??= response.id;
      if (typeof response.model === 'string' && response.model !== '') {
        this.#model ??= response.model;
      }
    }
    switch (event.type) {
      case 'response.output_text.delta': {
        const delta = text(event.delta);
        if (delta === '') return [];
        this.#text += delta;
        return [{ type: 'text-delta', delta }];
      }
      case 'response.output_item.added':
        return this.#added(event);
      case 'response.function_call_arguments.delta':
        return this.#argumentsDelta(event);
      case 'response.function_call_arguments.done': {
        const slot = this.#slot(event);
        if (slot && typeof event.arguments === 'string') slot.arguments = event.arguments;
        return [];
      }
      case 'response.output_item.done':
        if (typeof event.output_index === 'number') this.#done.set(event.output_index, event.item);
        return [];
      case 'response.completed':
      case 'response.incomplete':
        this.#final = response ?? {};
        return [];
      case 'response.failed':
        throw providerFailure(response?.error, 'The response failed while it streamed.');
      case 'error':
        throw providerFailure(event, 'The provider sent an error event.');
      default:
        return [];
    }
  }

  #added(event: Record<string, unknown>): ModelStreamEvent[] {
    const item = event.item;
    if (!isRecord(item) || item.type !== 'function_call') return [];
    const outputIndex =
      typeof event.output_index === 'number' ? event.output_index : this.#calls.size;
    const slot: CallSlot = {
      index: this.#calls.size,
      callId: text(item.call_id) || undefined,
      name: text(item.name) || undefined,
      arguments: argumentsText(item.arguments),
    };
    this.#calls.set(outputIndex, slot);
    return [this.#delta(slot, slot.arguments)];
  }

  #argumentsDelta(event: Record<string, unknown>): ModelStreamEvent[] {
    const slot = this.#slot(event);
    if (!slot) return [];
    const delta = text(event.delta);
    slot.arguments += delta;
    return [this.#delta(slot, delta)];
  }

  #slot(event: Record<string, unknown>): CallSlot | undefined {
    return typeof event.output_index === 'number' ? this.#calls.get(event.output_index) : undefined;
  }

  #delta(slot: CallSlot, argumentsDelta: string): ModelStreamEvent {
    return {
      type: 'tool-call-delta',
      index: slot.index,
      ...(slot.callId !== undefined ? { id: slot.callId } : {}),
      ...(slot.name !== undefined ? { name: slot.name } : {}),
      argumentsDelta,
    };
  }

  /** The output items the deltas describe, for a server that reported none whole. */
  #streamedOutput(): unknown[] {
    const output: unknown[] = [];
    if (this.#text !== '') {
      output.push({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: this.#text }],
      });
    }
    for (const slot of [...this.#calls.values()].sort((a, b) => a.index - b.index)) {
      output.push({
        type: 'function_call',
        call_id: slot.callId,
        name: slot.name,
        arguments: slot.arguments,
      });
    }
    return output;
  }

  /**
   * The whole reply: the final event's response, with the items reported done as its output
   * when the final event carries none (some servers leave it out of the stream).
   *
   * @param model - The model name, for messages.
   * @param secrets - Strings that must not appear in an error.
   */
  toResponse(model: string, secrets: readonly string[]): ModelResponse {
    const final = this.#final ?? {};
    let output: unknown[] =
      Array.isArray(final.output) && final.output.length > 0
        ? final.output
        : [...this.#done.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
    if (output.length === 0) output = this.#streamedOutput();
    return fromResponse(
      {
        ...final,
        output,
        ...(final.id === undefined && this.#id !== undefined ? { id: this.#id } : {}),
        ...(final.model === undefined && this.#model !== undefined ? { model: this.#model } : {}),
      },
      model,
      secrets,
    );
  }
}
