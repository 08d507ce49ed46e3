/**
 * One list of scenarios, run over both wire adapters (Chat Completions and Responses) against
 * the strict test server: each API must accept every request, and both must show the same
 * events, run the same tools and give the same results. Replies on /v1/responses carry
 * reasoning items (before the first item in odd scenarios, before every item in even ones), so
 * every scenario also proves they go back where the API wants them.
 */
import { describe, expect, it } from 'vitest';
import { APIS, type Observation, observe } from './harness.js';
import { SCENARIOS } from './scenarios.js';

/** What must be the same over both APIs. */
const comparable = ({ events, ran, outcome }: Observation) => ({ events, ran, outcome });

describe('conformance: the same behaviour over Chat Completions and Responses', () => {
  it('has at least 40 scenarios, each named once', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
  });

  SCENARIOS.forEach((scenario, index) => {
    it(scenario.name, async () => {
      const reasoning = index % 2 === 0 ? true : 'interleaved';
      const observed: Observation[] = [];
      for (const api of APIS) {
        const { observation, ctx } = await observe(scenario, api, reasoning);
        expect(observation.refused, `${api}: requests the strict server refused`).toEqual([]);
        try {
          scenario.check?.(observation, ctx);
        } catch (error) {
          if (error instanceof Error) error.message = `[${api}] ${error.message}`;
          throw error;
        }
        observed.push(observation);
      }
      const [chat, responses] = observed as [Observation, Observation];
      expect(comparable(responses)).toEqual(comparable(chat));
    });
  });
});
