/**
 * Review: with `output`, a model may refuse (strict structured outputs answer a refusal in
 * `message.refusal`, with no content). The loop read the empty content as invalid JSON and asked
 * for repairs, spending more calls on a refusal that asking again does not change, then reported
 * "not valid JSON (Unexpected end of JSON input)", hiding the refusal. It must end at once with an
 * `OutputValidationError` that quotes the refusal.
 */
import { Agent, type Model, type ModelRequest, OutputValidationError } from '@agentloop/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function refusingModel() {
  const requests: ModelRequest[] = [];
  const model: Model = {
    name: 'gpt-4o-mini',
    generate: async (request) => {
      requests.push(request);
      return {
        message: { role: 'assistant', content: null, refusal: "I can't help with that request." },
        finishReason: 'stop',
      };
    },
    async *stream(request) {
      requests.push(request);
      yield {
        type: 'response',
        response: {
          message: { role: 'assistant', content: null, refusal: "I can't help with that request." },
          finishReason: 'stop',
        },
      };
    },
  };
  return { model, requests };
}

describe('a refusal of a structured answer', () => {
  it('ends the run at once with an OutputValidationError quoting the refusal', async () => {
    const { model, requests } = refusingModel();
    const agent = new Agent({ name: 'refused', model, output: z.object({ answer: z.string() }) });
    const error = await agent.run('do something bad').catch((e: unknown) => e);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("I can't help with that request.");
    expect(requests).toHaveLength(1);
  });
});
