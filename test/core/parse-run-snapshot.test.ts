import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunStateError } from '../../packages/core/src/errors/run-state-error.js';
import { parseRunSnapshot } from '../../packages/core/src/run/parse-run-snapshot.js';

// A snapshot in the version-1 format as this version writes it. It stays as it is: every later
// version of agentloop must still read it.
const fixture = readFileSync(new URL('./fixtures/run-snapshot-v1.json', import.meta.url), 'utf8');

// The snapshot as parsed JSON, edited field by field to damage it.
// biome-ignore lint/suspicious/noExplicitAny: a test edits arbitrary JSON paths.
type Editable = any;

function edited(edit: (snapshot: Editable) => void): string {
  const snapshot = JSON.parse(fixture);
  edit(snapshot);
  return JSON.stringify(snapshot);
}

function refusal(text: string): RunStateError {
  try {
    parseRunSnapshot(text);
  } catch (error) {
    expect(RunStateError.isInstance(error)).toBe(true);
    return error as RunStateError;
  }
  throw new Error('the state was accepted');
}

describe('parseRunSnapshot', () => {
  it('reads the stored version-1 fixture whole', () => {
    const snapshot = parseRunSnapshot(fixture);
    expect(snapshot.version).toBe(1);
    expect(snapshot.status).toBe('interrupted');
    expect(snapshot.pending?.map((p) => p.status)).toEqual(['interrupted', 'done']);
    expect(snapshot.interruptions[0]?.args).toEqual({ order: 42 });
    // Provider fields on messages survive (they are echoed to the model on the next call).
    expect(snapshot.messages[6]).toMatchObject({ reasoning_content: expect.any(String) });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(JSON.parse(fixture));
  });

  it('keeps fields it does not know', () => {
    const snapshot = parseRunSnapshot(edited((s) => (s.later = { x: 1 })));
    expect((snapshot as unknown as { later: unknown }).later).toEqual({ x: 1 });
  });

  it('refuses truncated JSON, saying it was cut off', () => {
    const error = refusal(fixture.slice(0, fixture.length / 2));
    expect(error.code).toBe('invalid_run_state');
    expect(error.message).toMatch(/not valid JSON.*cut off/);
  });

  it('refuses what is not text', () => {
    expect(refusal(undefined as unknown as string).message).toMatch(
      /state\.toString\(\); got missing/,
    );
  });

  it('refuses a newer version, saying so', () => {
    const error = refusal(edited((s) => (s.version = 2)));
    expect(error.code).toBe('unsupported_run_state_version');
    expect(error.message).toMatch(/version 2, written by a newer agentloop/);
    expect(error.runId).toBe('run_7f0c6a55-3f58-4c54-9d38-1d0d3c2c1e11');
  });

  it.each([[undefined], [0], ['1'], [1.5]])('refuses version %j', (version) => {
    const error = refusal(edited((s) => (s.version = version)));
    expect(error.code).toBe('unsupported_run_state_version');
  });

  it.each([
    ['runId', (s: Editable) => delete s.runId, /"runId" should be a string but is missing/],
    ['agent', (s: Editable) => (s.agent = ''), /"agent" is empty/],
    [
      'status',
      (s: Editable) => (s.status = 'paused'),
      /"status" is the string "paused", not one of/,
    ],
    ['turn', (s: Editable) => (s.turn = -1), /"turn" should be a whole number/],
    ['messages', (s: Editable) => (s.messages = {}), /"messages" should be an array/],
    [
      'messages.1.role',
      (s: Editable) => (s.messages[1].role = 'robot'),
      /"messages.1.role" is "robot"/,
    ],
    ['messages.5.tool_call_id', (s: Editable) => delete s.messages[5].tool_call_id, /missing/],
    [
      'messages.6.tool_calls.1.function.arguments',
      (s: Editable) => (s.messages[6].tool_calls[1].function.arguments = { city: 'Oslo' }),
      /should be a string but is an object/,
    ],
    ['firstNew', (s: Editable) => (s.firstNew = 99), /past the 7 messages/],
    ['saved', (s: Editable) => (s.saved = 8), /past the 7 messages/],
    ['usage.promptTokens', (s: Editable) => (s.usage.promptTokens = '310'), /whole number/],
    ['usage.cost', (s: Editable) => (s.usage.cost = null), /should be a number but is null/],
    [
      'toolCalls.0.outcome.ok',
      (s: Editable) => (s.toolCalls[0].outcome.ok = 'yes'),
      /true or false/,
    ],
    ['repairs', (s: Editable) => delete s.repairs, /missing/],
    ['summary.covered', (s: Editable) => (s.summary.covered = 'two'), /whole number/],
    [
      'pending.0.toolCallId',
      (s: Editable) => (s.pending[0].toolCallId = 'call_other'),
      /which the last assistant message in "messages" does not call/,
    ],
    ['pending.1.toolCallId', (s: Editable) => (s.pending[1].toolCallId = 'call_refund'), /repeats/],
    ['pending.1.status', (s: Editable) => (s.pending[1].status = 'finished'), /not one of/],
    [
      'pending.1.outcome',
      (s: Editable) => delete s.pending[1].outcome,
      /should be an object but is missing/,
    ],
    ['pending.0.rejection', (s: Editable) => (s.pending[0].status = 'rejected'), /missing/],
    ['interruptions.0.kind', (s: Editable) => (s.interruptions[0].kind = 'question'), /not one of/],
    [
      'interruptions.0.toolCallId',
      (s: Editable) => (s.interruptions[0].toolCallId = 'call_weather_2'),
      /which no pending tool call has/,
    ],
    [
      'interruptions',
      (s: Editable) => (s.interruptions = []),
      /is empty, but the status is "interrupted"/,
    ],
    ['savedAt', (s: Editable) => (s.savedAt = 'yesterday'), /not an ISO date/],
  ])('names the damaged field %s', (field, edit, message) => {
    const error = refusal(edited(edit));
    expect(error.code).toBe('invalid_run_state');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/exactly as state\.toString\(\) gave it/);
  });
});
