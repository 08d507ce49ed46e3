import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { type AngleUnit, MATH_CONSTANTS, MATH_FUNCTIONS } from './math-functions.js';
import type { ExpressionNode } from './parse-expression.js';
import { describePosition } from './tokenize-expression.js';

/** Throws `math_error` at a position. */
function mathError(expression: string, pos: number, problem: string, fix: string): never {
  throw new BuiltinToolError(
    `Math error: ${problem} at ${describePosition(expression, pos)}. ${fix}`,
    { code: 'math_error', position: pos },
  );
}

/**
 * Evaluates a parsed expression. Every intermediate value must be a finite real number: division
 * or modulo by zero, overflow past ±1.8e308, and values with no real result (`sqrt(-1)`,
 * `ln(0)`, `(-8)^(1/3)`) are errors naming where they happened.
 *
 * @throws BuiltinToolError `math_error`.
 */
export function evaluateExpression(
  node: ExpressionNode,
  expression: string,
  angle: AngleUnit,
): number {
  const source = (n: ExpressionNode): string => expression.slice(n.start - 1, n.end - 1);
  /** ` (x - x is 0)` for a divisor that is not a literal 0. */
  const isZero = (n: ExpressionNode): string => (n.type === 'number' ? '' : ` (${source(n)} is 0)`);

  const checked = (value: number, n: ExpressionNode, pos: number): number => {
    if (Number.isNaN(value)) {
      mathError(expression, pos, `${source(n)} has no real value`, 'Check the operands.');
    }
    if (!Number.isFinite(value)) {
      mathError(
        expression,
        pos,
        `overflow: ${source(n)} is beyond the largest representable number (about 1.8e308)`,
        'Use smaller numbers or rewrite the expression, for example with logarithms.',
      );
    }
    return value;
  };

  const visit = (n: ExpressionNode): number => {
    switch (n.type) {
      case 'number':
        return checked(n.value, n, n.start);
      case 'constant':
        return MATH_CONSTANTS[n.name] as number;
      case 'negate':
        return -visit(n.operand);
      case 'call': {
        const fn = MATH_FUNCTIONS[n.name];
        if (fn === undefined) throw new Error(`unreachable: unknown function ${n.name}`);
        const args = n.args.map(visit);
        const value = fn.apply(args, angle);
        if (Number.isNaN(value) && fn.domain !== undefined) {
          mathError(
            expression,
            n.start,
            `${source(n)} is undefined: ${n.name}() needs ${fn.domain}`,
            'Check the argument.',
          );
        }
        if (value === Number.NEGATIVE_INFINITY && fn.domain !== undefined) {
          mathError(
            expression,
            n.start,
            `${source(n)} is minus infinity: ${n.name}() needs ${fn.domain}`,
            'Check the argument.',
          );
        }
        return checked(value, n, n.start);
      }
      case 'binary': {
        const left = visit(n.left);
        const right = visit(n.right);
        switch (n.op) {
          case '+':
            return checked(left + right, n, n.opPos);
          case '-':
            return checked(left - right, n, n.opPos);
          case '*':
            return checked(left * right, n, n.opPos);
          case '/':
            if (right === 0) {
              mathError(
                expression,
                n.opPos,
                `division by zero${isZero(n.right)}`,
                'A number cannot be divided by zero; check the divisor.',
              );
            }
            return checked(left / right, n, n.opPos);
          case '%':
            if (right === 0) {
              mathError(
                expression,
                n.opPos,
                `modulo by zero${isZero(n.right)}`,
                '"%" is the remainder of a division and needs a non-zero divisor.',
              );
            }
            return checked(left % right, n, n.opPos);
          case '^':
            if (left === 0 && right < 0) {
              mathError(
                expression,
                n.opPos,
                `division by zero (0 raised to the negative power ${source(n.right)})`,
                'Check the base and the exponent.',
              );
            }
            return checked(left ** right, n, n.opPos);
        }
      }
    }
  };

  return visit(node);
}
