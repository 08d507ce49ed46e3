/**
 * The scripted run every kill of the crash harness interrupts: 3 turns of 3 parallel tool calls
 * (idempotent and not), then an answer. Plain data, shared by the child (which builds the agent
 * from it) and the parent (which checks the outcome against it), so the parent imports no
 * package and runs without a build.
 *
 * @module
 */

/** One scripted tool call. */
export interface ScriptedCall {
  /** The call id the model gives it (fixed, so transcripts of different runs compare exactly). */
  id: string;
  name: ToolName;
  args: { order: number; step: string };
}

/** The tools of the scenario, and whether each may be re-run after a crash. */
export const TOOLS = {
  /** Reads the order: safe to run again. */
  lookup: { idempotent: true },
  /** Charges the card: an effect that must happen at most once. */
  charge: { idempotent: false },
  /** Emails the customer: an effect that must happen at most once. */
  notify: { idempotent: false },
} as const;

/** A tool of the scenario. */
export type ToolName = keyof typeof TOOLS;

const call = (turn: number, name: ToolName, step: string): ScriptedCall => ({
  id: `t${turn}_${step}`,
  name,
  args: { order: 42, step },
});

/** The tool calls of each turn, in the order the model makes them. */
export const SCRIPT: readonly (readonly ScriptedCall[])[] = [
  [call(1, 'lookup', 'order'), call(1, 'charge', 'deposit'), call(1, 'notify', 'received')],
  [call(2, 'charge', 'balance'), call(2, 'lookup', 'stock'), call(2, 'lookup', 'address')],
  [call(3, 'notify', 'shipped'), call(3, 'charge', 'shipping'), call(3, 'lookup', 'tracking')],
];

/** Every call of the run, in order. */
export const CALLS: readonly ScriptedCall[] = SCRIPT.flat();

/** Model turns in a run: one per turn of calls, then the answer. */
export const TURNS = SCRIPT.length + 1;

/** The final answer. */
export const ANSWER = 'Order 42 is paid, shipped and the customer knows.';

/** The user's message. */
export const INPUT = 'Take order 42 through payment and shipping.';

/** The agent's instructions (never stored in the session). */
export const INSTRUCTIONS = 'You process orders with the tools you have.';

/** The session every run of the harness appends to (one session folder per kill). */
export const SESSION_ID = 'crash-session';

/** The agent's name. */
export const AGENT_NAME = 'orders';

/** What a tool answers for a call: depends on the call alone, so re-runs answer the same. */
export function toolOutput(name: ToolName, args: ScriptedCall['args']): string {
  return `${name} ${args.step} for order ${args.order}: ok`;
}

/** The message the model sees for a call rejected after an `unknown_outcome` interruption. */
export function rejectionMessage(name: string, toolCallId: string): string {
  return `Not run again: ${name} (${toolCallId}) was cut off by a crash and a person rejected re-running it.`;
}

/** One line of the tools' execution log, written (and flushed) before a tool returns. */
export interface ExecutionLine {
  tool: ToolName;
  toolCallId: string;
  idempotencyKey: string;
  runId: string;
  pid: number;
}
