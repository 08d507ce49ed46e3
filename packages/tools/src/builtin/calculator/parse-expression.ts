import { MATH_CONSTANTS, MATH_FUNCTIONS } from './math-functions.js';
import { type ExpressionToken, syntaxError, tokenizeExpression } from './tokenize-expression.js';

/** A binary operator of the grammar. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^';

/**
 * A node of a parsed expression. `start` is the 1-based position of its first character, `end`
 * the position just after its last, so `expression.slice(start - 1, end - 1)` is its source.
 */
export type ExpressionNode =
  | { type: 'number'; value: number; start: number; end: number }
  | { type: 'constant'; name: string; start: number; end: number }
  | { type: 'negate'; operand: ExpressionNode; start: number; end: number }
  | {
      type: 'binary';
      op: BinaryOperator;
      left: ExpressionNode;
      right: ExpressionNode;
      /** The position of the operator itself. */
      opPos: number;
      start: number;
      end: number;
    }
  | { type: 'call'; name: string; args: ExpressionNode[]; start: number; end: number };

/** Left binding powers; `^` is right-associative, the others left-associative. */
const BINDING: Readonly<Record<BinaryOperator, number>> = {
  '+': 10,
  '-': 10,
  '*': 20,
  '/': 20,
  '%': 20,
  '^': 40,
};
/** Unary minus binds tighter than `*` and looser than `^`: `-2^2` is `-(2^2)`. */
const UNARY_BINDING = 30;
/** Deeper nesting than this is refused rather than risking the call stack. */
const MAX_DEPTH = 200;

const KNOWN_NAMES = `functions ${Object.keys(MATH_FUNCTIONS).join(', ')}; constants ${Object.keys(MATH_CONSTANTS).join(', ')}`;

const isBinary = (token: ExpressionToken): token is ExpressionToken & { op: BinaryOperator } =>
  token.kind === 'op' && token.op in BINDING;

const describeToken = (token: ExpressionToken): string =>
  token.kind === 'end' ? 'end of the expression' : `"${token.text}"`;

/**
 * Parses an arithmetic expression with a Pratt parser. Never evaluates code: the grammar is
 * numbers, the constants and functions of `math-functions.ts`, `+ - * / % ^`, unary minus and
 * parentheses.
 *
 * @throws BuiltinToolError `invalid_expression`, naming the position of the fault.
 */
export function parseExpression(expression: string): ExpressionNode {
  const tokens = tokenizeExpression(expression);
  let index = 0;
  let depth = 0;
  const peek = (): ExpressionToken => tokens[index] as ExpressionToken;
  const advance = (): ExpressionToken => tokens[index++] as ExpressionToken;

  const parseBelow = (minBinding: number): ExpressionNode => {
    depth += 1;
    if (depth > MAX_DEPTH) {
      syntaxError(
        expression,
        peek().pos,
        `nesting deeper than ${MAX_DEPTH} levels`,
        'Simplify the expression.',
      );
    }
    let left = parsePrefix();
    for (let token = peek(); isBinary(token); token = peek()) {
      const binding = BINDING[token.op];
      if (binding <= minBinding) break;
      advance();
      const right = parseBelow(token.op === '^' ? binding - 1 : binding);
      left = {
        type: 'binary',
        op: token.op,
        left,
        right,
        opPos: token.pos,
        start: left.start,
        end: right.end,
      };
    }
    depth -= 1;
    return left;
  };

  const expectClosing = (open: ExpressionToken, what: string): ExpressionToken => {
    const token = advance();
    if (token.kind === 'op' && token.op === ')') return token;
    syntaxError(
      expression,
      token.pos,
      `expected ")" to close the "(" at position ${open.pos}${what}, found ${describeToken(token)}`,
      'Balance the parentheses.',
    );
  };

  const parseCall = (name: ExpressionToken & { kind: 'name' }): ExpressionNode => {
    const fn = MATH_FUNCTIONS[name.name];
    const open = advance();
    if (fn === undefined) throw new Error('unreachable: parseCall on an unknown function');
    if (open.kind !== 'op' || open.op !== '(') {
      syntaxError(
        expression,
        name.pos,
        `the function "${name.text}" is used without parentheses`,
        `Call it with its arguments in parentheses, e.g. ${name.name}(2).`,
      );
    }
    const args: ExpressionNode[] = [];
    const next = peek();
    if (!(next.kind === 'op' && next.op === ')')) {
      args.push(parseBelow(0));
      for (let sep = peek(); sep.kind === 'op' && sep.op === ','; sep = peek()) {
        advance();
        args.push(parseBelow(0));
      }
    }
    const close = expectClosing(open, ` of ${name.name}(...)`);
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const expected =
        fn.maxArgs === Number.POSITIVE_INFINITY
          ? `at least ${fn.minArgs} argument${fn.minArgs === 1 ? '' : 's'}`
          : fn.minArgs === fn.maxArgs
            ? `${fn.minArgs} argument${fn.minArgs === 1 ? '' : 's'}`
            : `${fn.minArgs} to ${fn.maxArgs} arguments`;
      syntaxError(
        expression,
        name.pos,
        `${name.name}() takes ${expected}, received ${args.length}`,
        'Fix the number of arguments, separated by commas.',
      );
    }
    return { type: 'call', name: name.name, args, start: name.pos, end: close.pos + 1 };
  };

  const parsePrefix = (): ExpressionNode => {
    const token = advance();
    if (token.kind === 'number') {
      return {
        type: 'number',
        value: token.value,
        start: token.pos,
        end: token.pos + token.text.length,
      };
    }
    if (token.kind === 'name') {
      if (Object.hasOwn(MATH_FUNCTIONS, token.name)) return parseCall(token);
      if (Object.hasOwn(MATH_CONSTANTS, token.name)) {
        const next = peek();
        if (next.kind === 'op' && next.op === '(') {
          syntaxError(
            expression,
            token.pos,
            `"${token.text}" is a constant, not a function`,
            `Write ${token.name}*(...) to multiply.`,
          );
        }
        return {
          type: 'constant',
          name: token.name,
          start: token.pos,
          end: token.pos + token.text.length,
        };
      }
      syntaxError(
        expression,
        token.pos,
        `unknown name "${token.text}"`,
        `Known names: ${KNOWN_NAMES}. Replace it with a number or one of these.`,
      );
    }
    if (token.kind === 'op' && (token.op === '-' || token.op === '+')) {
      const operand = parseBelow(UNARY_BINDING);
      return token.op === '+'
        ? operand
        : { type: 'negate', operand, start: token.pos, end: operand.end };
    }
    if (token.kind === 'op' && token.op === '(') {
      const inner = parseBelow(0);
      const close = expectClosing(token, '');
      return { ...inner, start: token.pos, end: close.pos + 1 };
    }
    syntaxError(
      expression,
      token.pos,
      `unexpected ${describeToken(token)}`,
      'Expected a number, a name, "(" or "-" here; complete or fix the expression.',
    );
  };

  const root = parseBelow(0);
  const rest = peek();
  if (rest.kind !== 'end') {
    const hint =
      rest.kind === 'op' && rest.op === ')'
        ? 'It closes a parenthesis that was never opened; remove it or add the matching "(".'
        : 'Write the operator explicitly (for example 2*pi, not 2pi or 2 pi).';
    syntaxError(
      expression,
      rest.pos,
      `expected an operator or the end, found ${describeToken(rest)}`,
      hint,
    );
  }
  return root;
}
