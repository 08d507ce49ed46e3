import { clip } from '@agentloop-examples/shared';

/** Writes one line to stdout: the demo's only output channel. */
export const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * A section heading: `── 1 · Weather bot · parallel tool calls, streamed answer`.
 *
 * @param n - the section number.
 * @param title - what the section shows.
 */
export const heading = (n: number, title: string): void => {
  print();
  print(`── ${n} · ${title}`);
};

/**
 * The first line of a text, clipped.
 *
 * @param text - any text.
 * @param maxChars - the longest result. @default 100
 * @returns the line.
 */
export const firstLine = (text: string, maxChars = 100): string =>
  clip(text.trim().split('\n')[0] ?? '', maxChars);
