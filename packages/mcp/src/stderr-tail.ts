import type { Stream } from 'node:stream';

/** How much of a child's stderr is kept for error messages, in characters. */
const KEPT = 2000;

/**
 * Keeps the end of a stdio server's stderr, so that a server that dies can be quoted ("its
 * stderr ended with: Error: ENOENT ..."), and copies it on to this process's stderr when asked.
 */
export class StderrTail {
  #text = '';
  readonly #mode: 'inherit' | 'ignore';

  constructor(mode: 'inherit' | 'ignore') {
    this.#mode = mode;
  }

  /** Reads a stderr stream until it ends. */
  follow(stream: Stream): void {
    stream.on('data', (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      this.#text = (this.#text + text).slice(-KEPT);
      if (this.#mode === 'inherit') process.stderr.write(text);
    });
  }

  /** The last lines written, trimmed; empty when nothing was. */
  text(): string {
    return this.#text.trim();
  }
}
