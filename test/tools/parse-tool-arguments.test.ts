/**
 * Issue 11 point 5: arguments handed over as a value rather than JSON text are used as they are,
 * never replaced by `{}`; missing arguments mean `{}`.
 */
import { parseToolArguments } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';

const asText = (value: unknown) => value as string;

describe('parseToolArguments', () => {
  it('uses arguments that are already a value', () => {
    expect(parseToolArguments(asText({ city: 'Paris' }))).toEqual({
      ok: true,
      value: { city: 'Paris' },
    });
    // Not an object: used as sent, so validation can say what came (an array, a number).
    expect(parseToolArguments(asText(['Paris']))).toEqual({ ok: true, value: ['Paris'] });
    expect(parseToolArguments(asText(42))).toEqual({ ok: true, value: 42 });
  });

  it('reads no arguments at all as {}', () => {
    expect(parseToolArguments(asText(undefined))).toEqual({ ok: true, value: {} });
    expect(parseToolArguments(asText(null))).toEqual({ ok: true, value: {} });
  });

  it('still parses text, and reports malformed text with what was sent', () => {
    expect(parseToolArguments(' {"a":1} ')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseToolArguments('{"a":')).toMatchObject({ ok: false, text: '{"a":' });
  });
});
