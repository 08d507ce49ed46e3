/**
 * The weather bot run as a user runs it, offline: the scripted model calls the real weather tool
 * (on Open-Meteo-shaped fixtures) once per city, in parallel, and answers from what it returned,
 * relaying the tool's own error for a city it cannot find.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExampleRun, lineIndex, spawnExample } from './spawn-example.js';

let run: ExampleRun;
let lines: string[];

beforeAll(async () => {
  run = await spawnExample('examples/weather-bot/src/main.ts', [
    'Weather in Paris, Oslo and Atlantis, in Fahrenheit?',
  ]);
  lines = run.stdout.split('\n');
});

describe('weather-bot, offline', () => {
  it('exits 0 with an empty stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('calls get_weather once per city, all started before any ends', () => {
    const starts = lines.flatMap((l, i) => (/→ get_weather /.test(l) ? [i] : []));
    expect(starts).toHaveLength(3);
    expect(lines[starts[0] as number]).toContain('"city":"Paris","unit":"fahrenheit"');
    const firstEnd = lineIndex(lines, /[✓✗] get_weather \d+ ms/);
    expect(Math.max(...starts)).toBeLessThan(firstEnd);
    expect(run.stdout).toMatch(/⇉ 3 tool calls ran in parallel/);
  });

  it('prints each finished call with its duration', () => {
    expect(lines.filter((l) => /[✓✗] get_weather \d+ ms/.test(l))).toHaveLength(3);
  });

  it("streams an answer built from the tool's output, in the unit asked for", () => {
    // Paris is 23.4 °C in the fixture: 74.1 °F once the tool asks for Fahrenheit.
    expect(run.stdout).toMatch(/Paris, France: 74\.1 °F/);
    expect(run.stdout).toMatch(/Oslo, Norway: 57\.6 °F/);
  });

  it("relays the tool's error for an unknown city", () => {
    expect(run.stdout).toMatch(/✗ get_weather \d+ ms {2}tool_error: No place named "Atlantis"/);
    expect(run.stdout).toMatch(
      /Atlantis: I could not get the weather there\. No place named "Atlantis"/,
    );
  });

  it('ends with the usage', () => {
    expect(run.stdout).toMatch(/2 model calls · [\d,]+ tokens .* · \$\d/);
  });
});
