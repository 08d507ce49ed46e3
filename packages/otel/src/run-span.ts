/**
 * The `invoke_agent {agent}` span of one run, or of one continuation of it: started with links
 * to the earlier parts of a resumed run, ended with the run's status, finish reason and the
 * tokens of this part.
 *
 * @module
 */
import type { RunMiddlewareContext, RunResult } from '@agentloop/core';
import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ATTRIBUTES, OPERATIONS } from './attributes.js';
import { setTokens } from './chat-span.js';
import { type ContentLimits, inputMessages, messagesJson, replyJson } from './content.js';
import type { RunTrace } from './run-traces.js';
import { keepSpan, resumeLinks } from './span-links.js';

/** Starts a run's span under `parent` and keeps its id in the run's metadata. */
export function startRunSpan(
  tracer: Tracer,
  ctx: RunMiddlewareContext<unknown>,
  parent: Context,
  providerName: string,
): RunTrace {
  const attributes: Attributes = {
    [ATTRIBUTES.operationName]: OPERATIONS.invokeAgent,
    [ATTRIBUTES.providerName]: providerName,
    [ATTRIBUTES.agentName]: ctx.agent,
    [ATTRIBUTES.runId]: ctx.runId,
    [ATTRIBUTES.runResumed]: ctx.resumed,
  };
  if (ctx.sessionId !== undefined) attributes[ATTRIBUTES.conversationId] = ctx.sessionId;
  const links = ctx.resumed ? resumeLinks(ctx.metadata) : [];
  const span = tracer.startSpan(
    `${OPERATIONS.invokeAgent} ${ctx.agent}`,
    { kind: SpanKind.INTERNAL, attributes, links },
    parent,
  );
  keepSpan(ctx.metadata, span.spanContext());
  return {
    span,
    context: trace.setSpan(parent, span),
    sessionId: ctx.sessionId,
    chats: [],
    modelKnown: false,
    usage: { input: 0, output: 0, cached: 0, reasoning: 0, cost: 0 },
  };
}

/** Puts what a run was given on its span (Opt-In content: the first part of a run only). */
export function setRunInput(
  span: Span,
  ctx: RunMiddlewareContext<unknown>,
  content: ContentLimits,
): void {
  span.setAttribute(ATTRIBUTES.inputMessages, messagesJson(inputMessages(ctx.input), content));
}

/** Puts what a run resolved to on its span: status, turns, finish reason, this part's tokens. */
export function endRunSpan(
  run: RunTrace,
  result: RunResult<unknown>,
  content: ContentLimits | undefined,
): void {
  const { span } = run;
  span.setAttribute(ATTRIBUTES.runStatus, result.status);
  span.setAttribute(ATTRIBUTES.runTurns, result.turns);
  if (result.finishReason !== null) {
    span.setAttribute(ATTRIBUTES.responseFinishReasons, [result.finishReason]);
  }
  setTokens(span, run.usage);
  if (content && result.status === 'completed') {
    span.setAttribute(
      ATTRIBUTES.outputMessages,
      replyJson({ content: result.text }, result.finishReason ?? 'stop', content),
    );
  }
}
