/**
 * The multi-agent example run as a user runs it, offline: the triage agent hands one question to
 * the weather agent and one to the search agent (each then drives its real tools on local data),
 * and answers the third by calling the summariser agent as a tool; one stream shows it all.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExampleRun, lineIndex, spawnExample } from './spawn-example.js';

let run: ExampleRun;
let lines: string[];

beforeAll(async () => {
  run = await spawnExample('examples/multi-agent/src/main.ts', []);
  lines = run.stdout.split('\n');
}, 60_000);

/** The lines printed for the question starting with `start`, up to the next question. */
function section(start: string): string[] {
  const from = lines.findIndex((l) => l.startsWith(`? ${start}`));
  expect(from).toBeGreaterThanOrEqual(0);
  const next = lines.findIndex((l, i) => i > from && l.startsWith('? '));
  return lines.slice(from, next === -1 ? undefined : next);
}

describe('multi-agent, offline', () => {
  it('exits 0 with an empty stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('hands the weather question to the weather agent, which calls its tool per city and answers', () => {
    const part = section('What is the weather');
    expect(part).toContain('  ⇢ triage hands the conversation to weather-bot');
    expect(part.filter((l) => /→ get_weather /.test(l))).toHaveLength(2);
    const handoffAt = part.indexOf('  ⇢ triage hands the conversation to weather-bot');
    expect(handoffAt).toBeLessThan(part.findIndex((l) => /→ get_weather /.test(l)));
    expect(part.join('\n')).toMatch(/Paris, France: 23\.4 °C/);
    expect(part.join('\n')).toMatch(/answered by weather-bot · 3 model calls/);
  });

  it('hands the documentation question to the search agent, which searches and cites', () => {
    const part = section('How does agentloop retry');
    expect(part).toContain('  ⇢ triage hands the conversation to search-bot');
    expect(part.some((l) => /→ search_documents /.test(l))).toBe(true);
    expect(part.join('\n')).toMatch(/answered by search-bot/);
    expect(part.some((l) => /weather/.test(l))).toBe(false);
  });

  it('calls the summariser as a tool: its run is a child of the triage run, and the triage answers', () => {
    const part = section('Summarise:');
    expect(part.some((l) => l.includes('⇢'))).toBe(false);
    const started = lineIndex(part, /↳ triage › summariser starts/);
    const answered = lineIndex(
      part,
      /↳ triage › summariser answered: Oslo is the capital of Norway\. It has about 700,000 people\.$/,
    );
    expect(started).toBeLessThan(answered);
    expect(part.join('\n')).toMatch(
      /Here is the summary: Oslo is the capital of Norway\. It has about 700,000 people\./,
    );
    expect(part.join('\n')).toMatch(/answered by triage · 2 model calls/);
  });
});
