import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolRegistry } from '@agentloop/tools';
import { BuiltinToolError, calculate, calculatorTool } from '@agentloop/tools/builtin';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Runs `calculate` and returns the error it throws. */
function failure(expression: string, options?: Parameters<typeof calculate>[1]): BuiltinToolError {
  try {
    calculate(expression, options);
  } catch (error) {
    if (error instanceof BuiltinToolError) return error;
    throw error;
  }
  throw new Error(`expected "${expression}" to fail`);
}

describe('calculate: grammar and values', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['8 / 2 / 2', 2],
    ['1 - 2 - 3', -4],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 3', 8],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['--3', 3],
    ['+4 - -4', 8],
    ['10 % 4', 2],
    ['-7 % 3', -1],
    ['2 * 3 % 4', 2],
    ['1e3 + .5', 1000.5],
    ['sqrt(16) + abs(-3)', 7],
    ['min(3, 1, 2) + max(4, 9, 2)', 10],
    ['round(2.567, 2)', 2.57],
    ['round(-2.5)', -3],
    ['log(1000)', 3],
    ['ln(e)', 1],
    ['sin(pi / 2)', 1],
    ['cos(0)', 1],
    ['tan(pi / 4)', 1],
    ['sin(pi)', 0],
    ['2 * PI', 6.28318530717959],
    ['0.1 + 0.2', 0.3],
    ['floor(-1.5) + ceil(1.2)', 0],
    ['exp(0) + log2(8) + cbrt(27)', 7],
    ['−4 × 2 ÷ 8', -1],
    ['  ( ( 7 ) )  ', 7],
  ])('%s = %s', (expression, expected) => {
    expect(calculate(expression)).toBe(expected);
  });

  it('reads angles in degrees when asked', () => {
    expect(calculate('sin(30)', { angle: 'degrees' })).toBe(0.5);
    expect(calculate('cos(90)', { angle: 'degrees' })).toBe(0);
    expect(calculate('acos(0)', { angle: 'degrees' })).toBe(90);
    expect(calculate('sin(30)')).not.toBe(0.5);
  });

  it('agrees with direct arithmetic on random integer expressions', () => {
    type Tree = { n: number } | { op: '+' | '-' | '*'; l: Tree; r: Tree } | { neg: Tree };
    const tree = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ n: fc.integer({ min: 0, max: 99 }) }),
        fc.record({ op: fc.constantFrom('+', '-', '*'), l: tie('node'), r: tie('node') }),
        fc.record({ neg: tie('node') }),
      ),
    })).node;
    const print = (t: Tree): string =>
      'n' in t
        ? String(t.n)
        : 'neg' in t
          ? `-(${print(t.neg)})`
          : `(${print(t.l)} ${t.op} ${print(t.r)})`;
    const value = (t: Tree): number => {
      if ('n' in t) return t.n;
      if ('neg' in t) return -value(t.neg);
      const l = value(t.l);
      const r = value(t.r);
      return t.op === '+' ? l + r : t.op === '-' ? l - r : l * r;
    };
    fc.assert(
      fc.property(tree, (t) => {
        const expected = value(t);
        fc.pre(Math.abs(expected) < 1e14);
        expect(calculate(print(t))).toBe(expected + 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('calculate: clear errors that name the position', () => {
  it.each([
    ['2 +', 'invalid_expression', 4, /unexpected end of the expression/],
    ['2 $ 3', 'invalid_expression', 3, /unexpected character "\$"/],
    ['1.2.3', 'invalid_expression', 1, /malformed number/],
    ['foo + 1', 'invalid_expression', 1, /unknown name "foo".*Known names: functions sqrt/],
    ['process.exit(1)', 'invalid_expression', 8, /unexpected character "\."/],
    ['process + 1', 'invalid_expression', 1, /unknown name "process"/],
    ['toString(1)', 'invalid_expression', 1, /unknown name "toString"/],
    ['constructor', 'invalid_expression', 1, /unknown name "constructor"/],
    ['(1 + 2', 'invalid_expression', 7, /expected "\)" to close the "\(" at position 1/],
    ['1 + 2)', 'invalid_expression', 6, /never opened/],
    ['2pi', 'invalid_expression', 2, /2\*pi/],
    ['sqrt 4', 'invalid_expression', 1, /without parentheses/],
    ['sqrt(1, 2)', 'invalid_expression', 1, /sqrt\(\) takes 1 argument, received 2/],
    ['pi(2)', 'invalid_expression', 1, /constant, not a function/],
    ['', 'invalid_expression', 1, /empty/],
    ['1 / 0', 'math_error', 3, /division by zero at position 3/],
    ['4 / (2 - 2)', 'math_error', 3, /division by zero \(\(2 - 2\) is 0\)/],
    ['5 % 0', 'math_error', 3, /modulo by zero/],
    ['0 ^ -1', 'math_error', 3, /division by zero/],
    ['10 ^ 400', 'math_error', 4, /overflow: 10 \^ 400 is beyond the largest/],
    ['1e400', 'math_error', 1, /overflow/],
    ['2 * 1e308 * 10', 'math_error', 3, /overflow/],
    ['sqrt(-4)', 'math_error', 1, /sqrt\(-4\) is undefined: sqrt\(\) needs an argument ≥ 0/],
    ['ln(0)', 'math_error', 1, /minus infinity: ln\(\) needs an argument > 0/],
    ['(-8) ^ (1/3)', 'math_error', 6, /has no real value/],
    ['asin(2)', 'math_error', 1, /between -1 and 1/],
  ])('%j → %s at %i', (expression, code, position, message) => {
    const error = failure(expression);
    expect(error.code).toBe(code);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`position ${position}`);
  });

  it('refuses too-long input before parsing it', () => {
    const error = failure(`1${'+1'.repeat(600)}`);
    expect(error.code).toBe('invalid_expression');
    expect(error.message).toMatch(/1201 characters long, the limit is 1000/);
    expect(error.position).toBe(1001);
    expect(calculate('1+1+1', { maxLength: 5 })).toBe(3);
    expect(failure('1+1+1+1', { maxLength: 5 }).code).toBe('invalid_expression');
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(failure(`${'('.repeat(300)}1${')'.repeat(300)}`).message).toMatch(
      /nesting deeper than 200/,
    );
  });

  it('errors are agentloop errors', () => {
    expect(
      (failure('1/0') as unknown as Record<symbol, unknown>)[Symbol.for('agentloop.error')],
    ).toBe(true);
  });

  it('the calculator source never evaluates code', () => {
    const dir = join(import.meta.dirname, '../../../packages/tools/src/builtin/calculator');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/\beval\s*\(|\bFunction\s*\(|new\s+Function\b|import\s*\(/);
    }
  });
});

describe('calculatorTool', () => {
  const registry = new ToolRegistry([calculatorTool()]);

  it('answers through a registry, strict schema, null angle accepted', async () => {
    const [sent] = registry.toOpenAITools();
    expect(sent?.function.name).toBe('calculator');
    expect(sent?.function.strict).toBe(true);
    const outcome = await registry.execute({
      id: 'c1',
      name: 'calculator',
      arguments: '{"expression":"2*(3+4)","angle":null}',
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.output).toBe('{"expression":"2*(3+4)","result":14}');
  });

  it('turns a bad expression into a tool error the model reads', async () => {
    const outcome = await registry.execute({
      id: 'c2',
      name: 'calculator',
      arguments: '{"expression":"10 / (5 - 5)"}',
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('tool_error');
    expect(outcome.output).toMatch(/division by zero .* at position 4/);
    expect(outcome.error?.cause).toBeInstanceOf(BuiltinToolError);
  });

  it('uses the angle unit the model picks, or the configured default', async () => {
    const degrees = calculatorTool({ angle: 'degrees' });
    const ctx = {
      signal: new AbortController().signal,
      toolCallId: 'c',
      runId: undefined,
      idempotencyKey: 'c',
      context: undefined,
    };
    expect(await degrees.execute({ expression: 'sin(90)' }, ctx)).toEqual({
      expression: 'sin(90)',
      result: 1,
    });
    expect((await degrees.execute({ expression: 'sin(pi/2)', angle: 'radians' }, ctx)).result).toBe(
      1,
    );
  });

  it('rejects bad options at creation', () => {
    expect(() => calculatorTool({ maxLength: 0 })).toThrow(BuiltinToolError);
    expect(() => calculatorTool({ maxLength: 1.5 })).toThrow(/maxLength to be a positive integer/);
  });
});
