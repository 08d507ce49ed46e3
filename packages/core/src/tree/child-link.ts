import type { ToolOutcome } from '@agentloop/tools';
import type { ActiveRun } from '../run/active-run.js';
import type { PendingToolCall, RunSnapshot } from '../run/run-snapshot.js';

/**
 * What ties a child run (an agent called through `agent.asTool()`) to the call of its parent
 * that started it. Opened by the parent's tool step just before the tool runs and found by the
 * tool through its context (`runId`, `toolCallId`), so the tool package needs to know nothing
 * of runs: the child inherits the parent's signal, event bus, budget and checkpoints from here,
 * and tells the parent how it ended when that was not an answer.
 */
export interface ChildLink {
  /** The run whose tool call started the child. */
  readonly parent: ActiveRun<unknown>;
  /** The parent's record of the call: the child's progress is kept on it (`child`). */
  readonly entry: PendingToolCall;
  /** The child's snapshot when the call continues a child (after an approval or a crash). */
  readonly resumeFrom: RunSnapshot | undefined;
  /** The child's run while it goes on: the parent's snapshots take its progress from it. */
  live: ActiveRun<unknown> | undefined;
  /** Aborts the child alone (its parent failed for another reason and stops waiting). */
  abort: ((reason: unknown) => void) | undefined;
  /** Settles once the child's run has ended, whatever the outcome. */
  done: Promise<unknown> | undefined;
  /**
   * How the child ended when it was not with an answer the parent's model should see: it paused
   * for decisions (its snapshot), or it was stopped in a way that stops the parent too (aborted,
   * over the budget).
   */
  stop:
    | { kind: 'interrupted'; snapshot: RunSnapshot }
    | { kind: 'fatal'; error: unknown }
    | undefined;
}

const links = new Map<string, ChildLink>();
const agentTools = new WeakSet<object>();

function keyOf(runId: string, toolCallId: string): string {
  return `${runId}\u0000${toolCallId}`;
}

/** @internal Marks a tool made by `agent.asTool()`: its calls get a {@link ChildLink}. */
export function markAgentTool(tool: object): void {
  agentTools.add(tool);
}

/** @internal Whether the tool was made by `agent.asTool()`. */
export function isAgentTool(tool: object): boolean {
  return agentTools.has(tool);
}

/** Opens the link of one call of an agent tool; closed by {@link closeChildLink}. */
export function openChildLink(parent: ActiveRun<unknown>, entry: PendingToolCall): ChildLink {
  const link: ChildLink = {
    parent,
    entry,
    resumeFrom: entry.child,
    live: undefined,
    abort: undefined,
    done: undefined,
    stop: undefined,
  };
  links.set(keyOf(parent.runId, entry.toolCallId), link);
  parent.children.set(entry.toolCallId, link);
  return link;
}

/** The link of the call a tool runs for, when an agent tool runs inside a run. */
export function childLinkOf(ctx: {
  runId: string | undefined;
  toolCallId: string;
}): ChildLink | undefined {
  return ctx.runId === undefined ? undefined : links.get(keyOf(ctx.runId, ctx.toolCallId));
}

/** Closes the link: the parent's snapshots no longer take the child's progress from a live run. */
export function closeChildLink(link: ChildLink): void {
  const key = keyOf(link.parent.runId, link.entry.toolCallId);
  if (links.get(key) === link) links.delete(key);
  if (link.parent.children.get(link.entry.toolCallId) === link) {
    link.parent.children.delete(link.entry.toolCallId);
  }
}

/**
 * Stops the children still running under a run that is ending with an error and waits until
 * each has ended, so that every run of the tree has emitted its one terminal event before the
 * parent emits its own.
 */
export async function settleChildren(run: ActiveRun<unknown>, reason: unknown): Promise<void> {
  const running = [...run.children.values()];
  if (running.length === 0) return;
  for (const link of running) link.abort?.(reason);
  await Promise.all(running.map((link) => link.done?.catch(() => {})));
}

/**
 * @internal Thrown from the parent's tool step when the child paused for decisions: the call
 * pauses too, holding the child's snapshot.
 */
export class ChildRunInterrupted extends Error {
  override readonly name = 'ChildRunInterrupted';
  readonly snapshot: RunSnapshot;

  constructor(snapshot: RunSnapshot) {
    super(
      `The agent called as a tool paused for decisions (run "${snapshot.runId}"); let this error through: the run pauses with status 'interrupted'.`,
    );
    this.snapshot = snapshot;
  }
}

/**
 * What an agent-tool call came to, once its tool returned: the outcome when the child answered
 * or failed (a fault the parent's model sees); a throw when it paused ({@link ChildRunInterrupted})
 * or was stopped in a way that stops the parent too.
 */
export function childOutcome(link: ChildLink, outcome: ToolOutcome): ToolOutcome {
  const stop = link.stop;
  if (stop?.kind === 'fatal') throw stop.error;
  if (stop?.kind === 'interrupted') throw new ChildRunInterrupted(stop.snapshot);
  // Nothing of the child is left to continue.
  delete link.entry.child;
  return outcome;
}

/**
 * Pauses a call whose child run paused: the child's snapshot is kept on the call, and its
 * interruptions are the parent's too, their ids prefixed with the call's id
 * (`call_1/approve_call_7`), so that the root's state lists every decision the tree waits for.
 */
export function interruptWithChild(
  run: ActiveRun<unknown>,
  entry: PendingToolCall,
  child: RunSnapshot,
): void {
  entry.status = 'interrupted';
  entry.child = child;
  for (const interruption of child.interruptions) {
    run.interruptions.push({ ...interruption, id: `${entry.toolCallId}/${interruption.id}` });
  }
}
