/**
 * The attributes of an `execute_tool {tool}` span: the call when it starts, what came of it when
 * it ends (a failure the model sees is an error of the span; a denial and a pause are not).
 *
 * @module
 */
import type { ToolCallContext, WrapToolCall } from '@agentloop/core';
import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTRIBUTES, OPERATIONS } from './attributes.js';
import { boundJson, boundText, type ContentLimits, parsed } from './content.js';

/** What a tool call came to (`@agentloop/tools`' `ToolOutcome`). */
type ToolOutcome = Awaited<ReturnType<Parameters<WrapToolCall<unknown>>[1]>>;

/** The name `ctx.interrupt(reason)` throws with: the call pauses, it did not fail. */
const INTERRUPT = 'ToolCallInterrupt';

/** The attributes an `execute_tool` span starts with (its arguments, content, go on after). */
export function toolStartAttributes(ctx: ToolCallContext<unknown>): Attributes {
  const attributes: Attributes = {
    [ATTRIBUTES.operationName]: OPERATIONS.executeTool,
    [ATTRIBUTES.toolName]: ctx.name,
    [ATTRIBUTES.toolCallId]: ctx.toolCallId,
    [ATTRIBUTES.toolType]: 'function',
    [ATTRIBUTES.turn]: ctx.turn,
  };
  if (ctx.description !== '') attributes[ATTRIBUTES.toolDescription] = ctx.description;
  return attributes;
}

/** Puts what came of a tool call on its span. */
export function endToolSpan(
  span: Span,
  outcome: ToolOutcome,
  content: ContentLimits | undefined,
): void {
  if (outcome.ok) {
    if (content)
      span.setAttribute(ATTRIBUTES.toolCallResult, boundJson(parsed(outcome.output), content));
    return;
  }
  const code = outcome.error?.code ?? 'tool_error';
  if (code === 'denied') {
    span.setAttribute(ATTRIBUTES.toolDenied, true);
    return;
  }
  span.setAttribute(ATTRIBUTES.errorType, code);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: boundText(outcome.error?.message ?? outcome.output, {
      maxChars: 2048,
      secrets: content?.secrets ?? [],
    }),
  });
}

/** Whether what `next()` threw is the pause of `ctx.interrupt`, not a failure. */
export function isInterrupt(error: unknown): boolean {
  return error instanceof Error && error.name === INTERRUPT;
}
