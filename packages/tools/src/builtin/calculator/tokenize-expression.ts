import { BuiltinToolError } from '../shared/builtin-tool-error.js';

/** An operator or punctuation token of an expression. */
export type OperatorSymbol = '+' | '-' | '*' | '/' | '%' | '^' | '(' | ')' | ',';

/** One token of an expression; `pos` is its 1-based position. */
export type ExpressionToken =
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'name'; name: string; text: string; pos: number }
  | { kind: 'op'; op: OperatorSymbol; text: string; pos: number }
  | { kind: 'end'; text: ''; pos: number };

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Characters read as operators, including the typographic ones models sometimes write. */
const OPERATORS: Readonly<Record<string, OperatorSymbol>> = {
  '+': '+',
  '-': '-',
  '\u2212': '-',
  '*': '*',
  '\u00d7': '*',
  '/': '/',
  '\u00f7': '/',
  '%': '%',
  '^': '^',
  '(': '(',
  ')': ')',
  ',': ',',
};

/**
 * Describes a position of an expression for a message: `position 7 (near "+ )")`.
 *
 * @param expression - The whole expression.
 * @param pos - A 1-based position.
 */
export function describePosition(expression: string, pos: number): string {
  if (pos > expression.length) return `position ${pos} (the end of the expression)`;
  const start = Math.max(0, pos - 1 - 8);
  const near = expression.slice(start, pos - 1 + 8);
  return `position ${pos} (near "${start > 0 ? '…' : ''}${near}${pos - 1 + 8 < expression.length ? '…' : ''}")`;
}

/** Throws `invalid_expression` at a position. */
export function syntaxError(expression: string, pos: number, problem: string, fix: string): never {
  throw new BuiltinToolError(
    `Invalid expression: ${problem} at ${describePosition(expression, pos)}. ${fix}`,
    { code: 'invalid_expression', position: pos },
  );
}

/**
 * Splits an expression into numbers, names and operators. `**` is read as `^`, `×` `÷` `−` as
 * `*` `/` `-`, and `π` as `pi`.
 *
 * @throws BuiltinToolError `invalid_expression` at the first character that starts no token.
 */
export function tokenizeExpression(expression: string): ExpressionToken[] {
  const tokens: ExpressionToken[] = [];
  let i = 0;
  while (i < expression.length) {
    const char = expression[i] as string;
    const pos = i + 1;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(expression);
    if (number) {
      const text = number[0];
      const next = expression[i + text.length];
      if (next === '.' || (next !== undefined && /\d/.test(next))) {
        syntaxError(
          expression,
          pos,
          `malformed number "${text}${next}"`,
          'Write numbers like 12, 3.5, .5 or 1e-3, without thousands separators.',
        );
      }
      tokens.push({ kind: 'number', value: Number(text), text, pos });
      i += text.length;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(expression);
    if (name) {
      tokens.push({ kind: 'name', name: name[0].toLowerCase(), text: name[0], pos });
      i += name[0].length;
      continue;
    }
    if (char === '\u03c0') {
      tokens.push({ kind: 'name', name: 'pi', text: char, pos });
      i += 1;
      continue;
    }
    if (char === '*' && expression[i + 1] === '*') {
      tokens.push({ kind: 'op', op: '^', text: '**', pos });
      i += 2;
      continue;
    }
    const op = OPERATORS[char];
    if (op === undefined) {
      syntaxError(
        expression,
        pos,
        `unexpected character "${char}"`,
        'Use numbers, the operators + - * / ^ % and parentheses, and the functions and constants listed in the tool description.',
      );
    }
    tokens.push({ kind: 'op', op, text: char, pos });
    i += 1;
  }
  tokens.push({ kind: 'end', text: '', pos: expression.length + 1 });
  return tokens;
}
