import { type Model, openai } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { offlineResponder } from './offline-responder.js';

/** The model the service runs on, and one line saying which. */
export interface SelectedModel {
  model: Model;
  /** True when no endpoint is configured and `model` is the scripted stand-in. */
  offline: boolean;
  /** One line for the log. */
  notice: string;
}

const isSet = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== '';

/**
 * Picks the model like the other examples: with `OPENAI_API_KEY` or `OPENAI_BASE_URL` set (any
 * OpenAI-compatible server), `openai(AGENTLOOP_MODEL ?? 'gpt-4o-mini')`; otherwise a
 * `ScriptedModel` answering with {@link offlineResponder}, so the service runs with no key and no
 * network.
 *
 * @param env - where the configuration is read. @default process.env
 * @returns the model, whether it is offline, and a one-line notice.
 */
export function selectModel(env: NodeJS.ProcessEnv = process.env): SelectedModel {
  const name = isSet(env.AGENTLOOP_MODEL) ? env.AGENTLOOP_MODEL.trim() : 'gpt-4o-mini';
  if (isSet(env.OPENAI_API_KEY) || isSet(env.OPENAI_BASE_URL)) {
    const where = isSet(env.OPENAI_BASE_URL) ? env.OPENAI_BASE_URL : 'the OpenAI API';
    return {
      model: openai(name),
      offline: false,
      notice: `model: ${name} at ${where} (set AGENTLOOP_MODEL to change it)`,
    };
  }
  return {
    model: new ScriptedModel(offlineResponder, { name }),
    offline: true,
    notice:
      'offline: no OPENAI_API_KEY or OPENAI_BASE_URL set, so a scripted model answers (the get_time tool still runs for real)',
  };
}
