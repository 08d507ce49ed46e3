import { type Model, openai } from '@agentloop/core';
import { ScriptedModel, type ScriptedResponder } from '@agentloop/core/testing';

/** Options of {@link selectModel}. */
export interface SelectModelOptions {
  /**
   * Answers every call when no endpoint is configured. It should read the request (the user's
   * question, the tool results) so that the offline run is driven by what the tools return.
   */
  offline: ScriptedResponder;
  /** Where the configuration is read. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
}

/** The model an example runs on, and one line telling the user which it is. */
export interface SelectedModel {
  /** The model to give the agent. */
  model: Model;
  /** True when no endpoint is configured and `model` is the scripted stand-in. */
  offline: boolean;
  /** One line saying which model runs, and how to change it. */
  notice: string;
}

/** The model used when `AGENTLOOP_MODEL` is not set. */
export const DEFAULT_MODEL = 'gpt-4o-mini';

const isSet = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== '';

/**
 * Picks the model every example runs on. With `OPENAI_API_KEY` or `OPENAI_BASE_URL` set (any
 * OpenAI-compatible server: OpenAI, Ollama, vLLM, LM Studio, ...) it is
 * `openai(AGENTLOOP_MODEL ?? 'gpt-4o-mini')`; without, a `ScriptedModel` answering with
 * `offline`, so the examples run with no key and no network.
 *
 * @param options - `offline`, the responder for the scripted model; `env`.
 * @returns The model, whether it is offline, and a one-line notice to print.
 * @example
 * ```ts
 * const { model, notice } = selectModel({ offline: weatherResponder });
 * console.log(notice);
 * ```
 */
export function selectModel({ offline, env = process.env }: SelectModelOptions): SelectedModel {
  const name = isSet(env.AGENTLOOP_MODEL) ? env.AGENTLOOP_MODEL.trim() : DEFAULT_MODEL;
  if (isSet(env.OPENAI_API_KEY) || isSet(env.OPENAI_BASE_URL)) {
    const where = isSet(env.OPENAI_BASE_URL) ? env.OPENAI_BASE_URL : 'the OpenAI API';
    return {
      model: openai(name),
      offline: false,
      notice: `model: ${name} at ${where} (set AGENTLOOP_MODEL to change it)`,
    };
  }
  return {
    model: new ScriptedModel(offline, { name: DEFAULT_MODEL }),
    offline: true,
    notice:
      'offline: no OPENAI_API_KEY or OPENAI_BASE_URL set, so a scripted model drives the real tools on local data',
  };
}
