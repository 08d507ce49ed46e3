import type { AgentEvent, AgentEventType } from '@agentloop/core';

/**
 * Records the types of a run's events and prints them as one compact timeline, repeats folded:
 * `run:start → turn:start → model:start → tool:args ×6 → model:end → tool:start ×3 → ...`.
 */
export class EventTimeline {
  readonly #types: AgentEventType[] = [];

  /**
   * Records an event.
   *
   * @param event - any lifecycle event.
   */
  record(event: AgentEvent): void {
    this.#types.push(event.type);
  }

  /** How many events were recorded. */
  get size(): number {
    return this.#types.length;
  }

  /**
   * The timeline, wrapped into lines.
   *
   * @param width - the longest line, in characters. @default 96
   * @returns the lines.
   */
  lines(width = 96): string[] {
    const folded: string[] = [];
    let i = 0;
    while (i < this.#types.length) {
      let j = i;
      while (this.#types[j + 1] === this.#types[i]) j++;
      const count = j - i + 1;
      folded.push(count > 1 ? `${this.#types[i]} ×${count}` : `${this.#types[i]}`);
      i = j + 1;
    }
    const lines: string[] = [];
    let line = '';
    for (const [k, item] of folded.entries()) {
      const piece = k === 0 ? item : ` → ${item}`;
      if (line !== '' && line.length + piece.length > width) {
        lines.push(line);
        line = `→ ${item}`;
      } else {
        line += piece;
      }
    }
    if (line !== '') lines.push(line);
    return lines;
  }
}
