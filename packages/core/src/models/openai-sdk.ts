/**
 * The `openai` package, imported on a model's first call rather than with core: about 150
 * modules that a program whose agents run another model (`ScriptedModel`, a model of its own)
 * never needs, and that a program calling OpenAI loads only once it calls.
 *
 * @module
 * @internal
 */

import { ConfigurationError } from '../errors/errors.js';

type OpenAISdk = typeof import('openai');

let loading: Promise<OpenAISdk> | undefined;
let loaded: OpenAISdk | undefined;

/**
 * Imports `openai` once per process (concurrent first calls share the import).
 *
 * @returns The package's module.
 * @throws ConfigurationError when it is not installed, saying what to install; the next call
 *   tries again.
 */
export function importOpenAI(): Promise<OpenAISdk> {
  loading ??= import('openai').then(
    (sdk) => {
      loaded = sdk;
      return sdk;
    },
    (error: unknown) => {
      loading = undefined;
      if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
      throw new ConfigurationError(
        'openai() and openaiResponses() call the model through the openai package, a peer dependency of @agentloop/core that could not be loaded. Install it next to @agentloop/core (npm install openai).',
        { cause: error },
      );
    },
  );
  return loading;
}

/**
 * The `openai` module once {@link importOpenAI} has resolved: for code that runs only after a
 * model's call began (reading its reply), which has awaited the import.
 *
 * @throws Error when the import has not finished, which would be a bug in the caller.
 */
export function loadedOpenAI(): OpenAISdk {
  if (loaded === undefined) {
    throw new Error('agentloop: the openai package is read before a model call imported it.');
  }
  return loaded;
}
