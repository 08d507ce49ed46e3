/**
 * What `ctx.interrupt(reason)` throws: it unwinds the `wrapToolCall` middleware outside the one
 * that interrupted, and the loop turns it into an interruption of the call (not a failure).
 * Internal: middleware recognise it by its `name` if they must, and let it through.
 */
export class ToolCallInterrupt extends Error {
  override readonly name = 'ToolCallInterrupt';
  /** The interrupted call's id. */
  readonly toolCallId: string;
  /** The reason given to `ctx.interrupt`, for the person who decides. */
  readonly reason: string | undefined;
  /** The validated arguments the interrupting middleware saw. */
  readonly args: unknown;

  constructor(toolCallId: string, reason: string | undefined, args: unknown) {
    super(
      `Tool call "${toolCallId}" was interrupted for a decision${reason === undefined ? '' : ` (${reason})`}; let this error through: the run pauses with status 'interrupted'.`,
    );
    this.toolCallId = toolCallId;
    this.reason = reason;
    this.args = args;
  }
}
