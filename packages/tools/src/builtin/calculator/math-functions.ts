/** How trigonometric functions read and return angles. */
export type AngleUnit = 'radians' | 'degrees';

/** A function the calculator knows. */
export interface MathFunction {
  /** The fewest arguments it takes. */
  minArgs: number;
  /** The most arguments it takes (`Infinity` for min/max). */
  maxArgs: number;
  /** Computes the value. */
  apply: (args: readonly number[], angle: AngleUnit) => number;
  /** What the arguments must be, for a domain error (`'an argument ≥ 0'`). */
  domain?: string;
}

const toRadians = (x: number, angle: AngleUnit): number =>
  angle === 'degrees' ? (x * Math.PI) / 180 : x;
const fromRadians = (x: number, angle: AngleUnit): number =>
  angle === 'degrees' ? (x * 180) / Math.PI : x;

/**
 * A trigonometric function whose near-zero results from a non-tiny angle are snapped to 0:
 * `sin(pi)` is 1.2e-16 in floating point, noise a user never means.
 */
const trig =
  (fn: (x: number) => number) =>
  (args: readonly number[], angle: AngleUnit): number => {
    const x = args[0] as number;
    const value = fn(toRadians(x, angle));
    return Math.abs(value) < 1e-15 && Math.abs(x) > 1e-6 ? 0 : value;
  };

const one = (fn: (x: number) => number) => (args: readonly number[]) => fn(args[0] as number);

/** Rounds to `digits` decimals (0 by default), half away from zero. */
function round(args: readonly number[]): number {
  const x = args[0] as number;
  const digits = args[1] ?? 0;
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) return Number.NaN;
  const factor = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * factor)) / factor;
}

/** The functions, by lower-case name. */
export const MATH_FUNCTIONS: Readonly<Record<string, MathFunction>> = {
  sqrt: { minArgs: 1, maxArgs: 1, apply: one(Math.sqrt), domain: 'an argument ≥ 0' },
  cbrt: { minArgs: 1, maxArgs: 1, apply: one(Math.cbrt) },
  abs: { minArgs: 1, maxArgs: 1, apply: one(Math.abs) },
  sin: { minArgs: 1, maxArgs: 1, apply: trig(Math.sin) },
  cos: { minArgs: 1, maxArgs: 1, apply: trig(Math.cos) },
  tan: { minArgs: 1, maxArgs: 1, apply: trig(Math.tan) },
  asin: {
    minArgs: 1,
    maxArgs: 1,
    apply: (args, angle) => fromRadians(Math.asin(args[0] as number), angle),
    domain: 'an argument between -1 and 1',
  },
  acos: {
    minArgs: 1,
    maxArgs: 1,
    apply: (args, angle) => fromRadians(Math.acos(args[0] as number), angle),
    domain: 'an argument between -1 and 1',
  },
  atan: {
    minArgs: 1,
    maxArgs: 1,
    apply: (args, angle) => fromRadians(Math.atan(args[0] as number), angle),
  },
  exp: { minArgs: 1, maxArgs: 1, apply: one(Math.exp) },
  ln: { minArgs: 1, maxArgs: 1, apply: one(Math.log), domain: 'an argument > 0' },
  log: { minArgs: 1, maxArgs: 1, apply: one(Math.log10), domain: 'an argument > 0' },
  log2: { minArgs: 1, maxArgs: 1, apply: one(Math.log2), domain: 'an argument > 0' },
  floor: { minArgs: 1, maxArgs: 1, apply: one(Math.floor) },
  ceil: { minArgs: 1, maxArgs: 1, apply: one(Math.ceil) },
  round: {
    minArgs: 1,
    maxArgs: 2,
    apply: round,
    domain: 'a number and optionally a whole number of decimals from 0 to 15',
  },
  min: { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (args) => Math.min(...args) },
  max: { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (args) => Math.max(...args) },
};

/** The constants, by lower-case name. */
export const MATH_CONSTANTS: Readonly<Record<string, number>> = {
  pi: Math.PI,
  e: Math.E,
  tau: 2 * Math.PI,
};
