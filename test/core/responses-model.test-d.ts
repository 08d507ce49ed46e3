import {
  type Model,
  type OpenAIModelOptions,
  type OpenAIResponsesModelOptions,
  openaiResponses,
} from '@agentloop/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('openaiResponses() types', () => {
  it('is a Model made from the options of openai() and its own', () => {
    expectTypeOf(openaiResponses).returns.toEqualTypeOf<Model>();
    expectTypeOf<OpenAIResponsesModelOptions>().toExtend<OpenAIModelOptions>();
    openaiResponses('gpt-5-mini', {
      apiKey: 'k',
      baseURL: 'http://127.0.0.1:1/v1',
      timeoutMs: 1000,
      store: true,
      encryptedReasoning: false,
      reasoning: { effort: 'low', summary: 'auto' },
    });
    // @ts-expect-error store is a boolean
    openaiResponses('gpt-5-mini', { store: 'yes' });
    // @ts-expect-error reasoning effort is one of the API's levels
    openaiResponses('gpt-5-mini', { reasoning: { effort: 'extreme' } });
  });
});
