import type { AgentEvent } from '@agentloop/core';
import type { ToolOutcome } from '@agentloop/tools';
import { clip, formatArgs, formatCount, formatMs } from './format.js';

/** Options of {@link ToolProgress}. */
export interface ToolProgressOptions {
  /** Where the text goes. @default process.stdout.write */
  write?: ((text: string) => void) | undefined;
  /** Put before every line. @default '  ' */
  indent?: string | undefined;
  /** A short text shown after a finished call's duration (e.g. `Paris 18 °C`). @default none */
  describe?: ((outcome: ToolOutcome) => string | undefined) | undefined;
  /** The clock, in milliseconds. @default performance.now */
  now?: (() => number) | undefined;
}

/** What {@link ToolProgress} sees of a turn's tool calls, to say whether they ran in parallel. */
interface ParallelTurn {
  /** Tool calls in the turn. */
  calls: number;
  /** The most calls running at the same time. */
  maxInFlight: number;
  /** From the first call's start to the last call's end. */
  wallMs: number;
  /** The calls' durations added up: the time they would take one after another. */
  summedMs: number;
}

/**
 * Prints a run's progress from its lifecycle events: each tool call as it starts (`→`) and ends
 * (`✓` / `✗` with its duration), a call `beforeTool` denied (`⊘`, it never started), a call that
 * never started because it could not run (`✗` without a duration: an unknown tool, invalid
 * arguments, a reply cut off by the token limit), how many
 * calls ran at once, context trims, and the streamed answer text. Feed it every event, from `agent.stream()` or `hooks: { onEvent }`.
 *
 * @example
 * ```ts
 * const progress = new ToolProgress();
 * for await (const event of agent.stream(question)) progress.handle(event);
 * progress.endText();
 * ```
 */
export class ToolProgress {
  readonly #write: (text: string) => void;
  readonly #indent: string;
  readonly #describe: ((outcome: ToolOutcome) => string | undefined) | undefined;
  readonly #now: () => number;
  #inText = false;
  #inFlight = 0;
  /** The calls that started and have not ended: only these are in flight. */
  readonly #started = new Set<string>();
  #turn: ParallelTurn & { startedAt: number } = ToolProgress.#emptyTurn(0);

  /** @param options - `write`, `indent`, `describe`, `now`. */
  constructor({ write, indent = '  ', describe, now }: ToolProgressOptions = {}) {
    this.#write = write ?? ((text) => process.stdout.write(text));
    this.#indent = indent;
    this.#describe = describe;
    this.#now = now ?? (() => performance.now());
  }

  static #emptyTurn(startedAt: number): ParallelTurn & { startedAt: number } {
    return { calls: 0, maxInFlight: 0, wallMs: 0, summedMs: 0, startedAt };
  }

  /**
   * Prints what an event says, if anything.
   *
   * @param event - any lifecycle event.
   */
  handle(event: AgentEvent): void {
    switch (event.type) {
      case 'text:delta':
        if (!this.#inText) this.#write(this.#indent);
        this.#inText = true;
        this.#write(event.delta.replaceAll('\n', `\n${this.#indent}`));
        break;
      case 'memory:trim':
        this.#line(
          `✂ memory:trim dropped ${event.dropped} old messages, sent ${event.kept} (${formatCount(event.tokens)} of ${formatCount(event.maxTokens)} tokens)`,
        );
        break;
      case 'turn:start':
        this.#turn = ToolProgress.#emptyTurn(this.#now());
        break;
      case 'tool:start':
        if (this.#turn.calls === 0) this.#turn.startedAt = this.#now();
        this.#turn.calls += 1;
        this.#inFlight += 1;
        this.#started.add(event.toolCallId);
        this.#turn.maxInFlight = Math.max(this.#turn.maxInFlight, this.#inFlight);
        this.#line(`→ ${event.name} ${formatArgs(event.args)}`);
        break;
      case 'tool:end': {
        const { outcome } = event;
        if (event.denied) {
          // A denied call never started (no tool:start): it was never in flight.
          this.#line(`⊘ ${event.name} denied: ${clip(denialReason(outcome.error?.message), 90)}`);
          break;
        }
        if (!this.#started.delete(event.toolCallId)) {
          // It never started (no tool:start): the model's call could not run, nothing was in flight.
          const error = outcome.error;
          this.#line(
            `✗ ${event.name} ${error ? `${error.code}: ${clip(error.message, 90)}` : 'not run'}`,
          );
          break;
        }
        this.#inFlight -= 1;
        this.#turn.summedMs += outcome.durationMs;
        this.#turn.wallMs = this.#now() - this.#turn.startedAt;
        const detail = outcome.ok
          ? this.#describe?.(outcome)
          : `${outcome.error.code}: ${clip(outcome.error.message.replace(/^[A-Z]\w*Error: /, ''), 90)}`;
        const mark = outcome.ok ? '✓' : '✗';
        this.#line(
          `${mark} ${event.name} ${formatMs(outcome.durationMs)}${detail ? `  ${detail}` : ''}`,
        );
        break;
      }
      case 'turn:end':
        if (this.#turn.calls > 1) {
          const turn = this.#turn;
          const together =
            turn.maxInFlight === turn.calls
              ? `${turn.calls} tool calls ran in parallel`
              : turn.maxInFlight > 1
                ? `${turn.calls} tool calls ran in parallel, at most ${turn.maxInFlight} at once`
                : `${turn.calls} tool calls ran one at a time`;
          // Timings of calls that take no time say nothing about parallelism.
          const timing =
            turn.summedMs >= 20
              ? `: ${formatMs(turn.wallMs)} in all, ${formatMs(turn.summedMs)} one after another`
              : '';
          this.#line(`⇉ ${together}${timing}`);
        }
        break;
      default:
        break;
    }
  }

  /** Ends the line of streamed text, if one is open. Call it when the run is over. */
  endText(): void {
    if (this.#inText) this.#write('\n');
    this.#inText = false;
  }

  #line(text: string): void {
    this.endText();
    this.#write(`${this.#indent}${text}\n`);
  }
}

/** The reason of a denial, out of core's message `the call to "x" was denied: <reason>. ...`. */
function denialReason(message: string | undefined): string {
  return (message ?? '')
    .replace(/^the call to "[^"]*" was denied:\s*/, '')
    .replace(/\.?\s*Do not retry it unchanged\.$/, '');
}
