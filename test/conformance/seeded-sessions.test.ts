/**
 * The short form of the seeded runs (the long form, 1,000 runs, is `bench/responses-seeded.ts`):
 * multi-turn sessions with reasoning items under tight memory budgets, and not one request the
 * strict /v1/responses endpoint refuses.
 */
import { describe, expect, it } from 'vitest';
import { runSeededSessions } from './seeded-sessions.js';

describe('seeded multi-turn runs over the Responses API', () => {
  it('120 runs with reasoning items and tight budgets: 0 refused requests', {
    timeout: 120_000,
  }, async () => {
    const report = await runSeededSessions({ seed: 18, runs: 120, concurrency: 4 });
    expect(report.refusals).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(report.refused).toBe(0);
    expect(report.runs).toBe(120);
    // The runs must have exercised what they are for.
    expect(report.reasoningReplayed).toBeGreaterThan(report.requests);
    expect(report.trims).toBeGreaterThan(report.requests / 10);
    expect(report.resumed).toBeGreaterThan(5);
    expect(report.overflowed).toBeLessThan(report.runs / 20);
  });
});
