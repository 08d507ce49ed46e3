import { createInterface, type Interface } from 'node:readline/promises';

/**
 * Yes/no questions on the terminal, with one readline interface for the whole session (so
 * answers typed ahead are not lost between questions). Output printed through `print` while a
 * question is open is held back until it is answered, so progress lines never land in the
 * middle of a prompt. End of input (Ctrl+D) answers no.
 */
export class TerminalPrompt {
  #terminal: Interface | undefined;
  #asking = false;
  #held: string[] = [];

  /**
   * Asks a question.
   *
   * @param question - the prompt, e.g. `Approve ...? [y/N] `.
   * @returns true for an answer starting with `y`.
   */
  async ask(question: string): Promise<boolean> {
    this.#terminal ??= createInterface({ input: process.stdin, output: process.stdout });
    this.#asking = true;
    try {
      return /^y/i.test((await this.#terminal.question(question)).trim());
    } catch {
      // Input ended (Ctrl+D) or the interface was closed: nobody approved.
      return false;
    } finally {
      this.#asking = false;
      for (const text of this.#held.splice(0)) process.stdout.write(text);
    }
  }

  /**
   * Writes to stdout, or holds the text while a question is open.
   *
   * @param text - what to write.
   */
  print(text: string): void {
    if (this.#asking) this.#held.push(text);
    else process.stdout.write(text);
  }

  /** Closes the terminal interface, if one was opened. */
  close(): void {
    this.#terminal?.close();
    this.#terminal = undefined;
  }
}
