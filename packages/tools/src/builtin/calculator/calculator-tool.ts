import { z } from 'zod/v4';
import { tool } from '../../tool.js';
import type { Tool } from '../../types.js';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { type BuiltinToolOptions, positiveInt } from '../shared/factory-options.js';
import { evaluateExpression } from './evaluate-expression.js';
import { type AngleUnit, MATH_CONSTANTS, MATH_FUNCTIONS } from './math-functions.js';
import { parseExpression } from './parse-expression.js';

/** The default longest expression, in characters. */
const DEFAULT_MAX_LENGTH = 1000;

/** Options of {@link calculate}. */
export interface CalculateOptions {
  /** How trigonometric functions read and return angles. @default 'radians' */
  angle?: AngleUnit | undefined;
  /** The longest expression accepted, in characters. @default 1000 */
  maxLength?: number | undefined;
}

/**
 * Evaluates an arithmetic expression safely: a parser, never `eval` or `Function`. The result
 * is rounded to 15 significant digits, so float noise (`0.1 + 0.2`) does not show.
 *
 * Grammar: numbers (`12`, `3.5`, `.5`, `1e-3`), `+ - * / ^ %` (`%` is the remainder, `^` and
 * `**` the power, right-associative), unary minus (`-2^2` is `-4`), parentheses, the constants
 * `pi`, `e`, `tau`, and the functions `sqrt cbrt abs sin cos tan asin acos atan exp ln log
 * (base 10) log2 floor ceil round(x, digits?) min(...) max(...)`.
 *
 * @param expression - The expression.
 * @param options - `angle` and `maxLength`.
 * @returns The value.
 * @throws BuiltinToolError `invalid_expression` (syntax, unknown names, too long) or
 *   `math_error` (division by zero, overflow, no real value), naming the position.
 * @example
 * ```ts
 * calculate('sqrt(2)^2 + 10 % 4'); // 4
 * ```
 */
export function calculate(
  expression: string,
  { angle = 'radians', maxLength = DEFAULT_MAX_LENGTH }: CalculateOptions = {},
): number {
  if (expression.length > maxLength) {
    throw new BuiltinToolError(
      `Invalid expression: it is ${expression.length} characters long, the limit is ${maxLength} (position ${maxLength + 1} is past it). Split the calculation into smaller steps.`,
      { code: 'invalid_expression', position: maxLength + 1 },
    );
  }
  if (expression.trim() === '') {
    throw new BuiltinToolError(
      'Invalid expression: it is empty at position 1. Send an arithmetic expression such as "2 * (3 + 4)".',
      { code: 'invalid_expression', position: 1 },
    );
  }
  const value = evaluateExpression(parseExpression(expression), expression, angle);
  // Rounding to 15 significant digits hides binary float noise; `+ 0` turns -0 into 0.
  return Number(value.toPrecision(15)) + 0;
}

/** Options of {@link calculatorTool}. */
export interface CalculatorToolOptions extends BuiltinToolOptions {
  /** The longest expression accepted, in characters. @default 1000 */
  maxLength?: number | undefined;
  /** The angle unit when the model does not choose one. @default 'radians' */
  angle?: AngleUnit | undefined;
}

/** The arguments of the calculator tool. */
export interface CalculatorArgs {
  /** The arithmetic expression. */
  expression: string;
  /** How trigonometric functions read and return angles. */
  angle?: AngleUnit | undefined;
}

/** What the calculator tool returns. */
export interface CalculatorResult {
  /** The expression as received. */
  expression: string;
  /** Its value, rounded to 15 significant digits. */
  result: number;
}

/**
 * A calculator tool: evaluates arithmetic with a real parser (never `eval`), so the model stops
 * doing sums in its head. Errors name the position of the fault, so the model can fix its input.
 *
 * @param options - `name` (default `calculator`), `description`, `maxLength`, `angle`.
 * @returns The tool.
 * @throws BuiltinToolError `invalid_config` for a bad option.
 * @example
 * ```ts
 * const agent = new Agent({ name: 'math', model, tools: [calculatorTool()] });
 * ```
 */
export function calculatorTool(
  options: CalculatorToolOptions = {},
): Tool<CalculatorArgs, CalculatorResult> {
  const maxLength = positiveInt(
    'calculatorTool',
    'maxLength',
    options.maxLength,
    DEFAULT_MAX_LENGTH,
  );
  const defaultAngle = options.angle ?? 'radians';
  const functions = Object.keys(MATH_FUNCTIONS).join(', ');
  const constants = Object.keys(MATH_CONSTANTS).join(', ');
  return tool({
    name: options.name ?? 'calculator',
    description:
      options.description ??
      `Evaluates an arithmetic expression exactly and returns its numeric value. Use it for any calculation instead of computing in your head. Supports + - * / ^ (power) % (remainder), parentheses, unary minus, the constants ${constants}, and the functions ${functions}. log is base 10, ln is natural. Trigonometry uses ${defaultAngle} unless "angle" says otherwise. Write multiplication explicitly (2*pi).`,
    parameters: z.object({
      expression: z
        .string()
        .describe('The expression, for example "(3.5 + 2) * sqrt(16) / 4" or "max(2, 3^2) % 4".'),
      angle: z
        .enum(['radians', 'degrees'])
        .optional()
        .describe(`Angle unit for sin, cos, tan and their inverses. Default: ${defaultAngle}.`),
    }),
    execute: ({ expression, angle }) => ({
      expression,
      result: calculate(expression, { angle: angle ?? defaultAngle, maxLength }),
    }),
  });
}
