/**
 * `otelMiddleware`: OpenTelemetry spans for agentloop runs, following the GenAI semantic
 * conventions (see `GEN_AI_SEMCONV_VERSION`).
 *
 * @module
 */
import type { Middleware } from '@agentloop/core';
import { type Context, context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { ATTRIBUTES, OPERATIONS, SPAN_EVENTS } from './attributes.js';
import { chatInputContent, chatStartAttributes, endChatSpan } from './chat-span.js';
import { boundJson, type ContentLimits } from './content.js';
import { failSpan } from './fail-span.js';
import { endRunSpan, setRunInput, startRunSpan } from './run-span.js';
import { addUsage, type ChatCall, RunTraces } from './run-traces.js';
import { endToolSpan, isInterrupt, toolStartAttributes } from './tool-span.js';

/** Options of {@link otelMiddleware}. */
export interface OtelMiddlewareOptions {
  /**
   * The tracer the spans are made with.
   * @default `trace.getTracer('@agentloop/otel')`, the global provider's (looked up per span,
   *   so a provider registered after the agent was made is used)
   */
  tracer?: Tracer;
  /**
   * Record content: the messages sent and received (`gen_ai.input.messages`,
   * `gen_ai.output.messages`), the tools offered (`gen_ai.tool.definitions`), tool arguments
   * and results (`gen_ai.tool.call.arguments` / `.result`). Content is often personal data:
   * leave it off unless your traces may hold it. Every string is cut to `maxContentChars` and
   * scrubbed of anything shaped like an API key (`sk-...`, `Bearer ...`) and of `secrets`.
   * @default false
   */
  captureContent?: boolean;
  /** The longest string of captured content kept whole. @default 4096 */
  maxContentChars?: number;
  /** Strings never written into captured content (replaced with `[redacted]`). @default [] */
  secrets?: readonly string[];
  /**
   * `gen_ai.provider.name`: the provider as the conventions name it (`openai`, `azure.ai.openai`,
   * `x_ai`...). agentloop speaks the OpenAI API, so the conventions' advice for OpenAI-compatible
   * clients is `openai` whatever server answers.
   * @default 'openai'
   */
  providerName?: string;
}

const TRACER_NAME = '@agentloop/otel';
const DEFAULT_MAX_CONTENT_CHARS = 4096;

/**
 * A middleware that traces every run it is in with OpenTelemetry, as the GenAI semantic
 * conventions describe agents: an `invoke_agent {agent}` span per run (per continuation of a
 * paused run, linked to the earlier parts), a `chat {model}` span per model call (retries as
 * span events, the time to the first chunk of a stream), and an `execute_tool {tool}` span per
 * tool call. Each span is the active one while its step runs, so spans made inside it (an HTTP
 * client's, a child agent's run in a tool) nest under it, and a run started inside a span of
 * yours nests under that. Depends on `@opentelemetry/api` only: register a tracer provider (the
 * Node SDK) to export the spans; without one they cost next to nothing.
 *
 * @param options - `tracer`, `captureContent` (off by default), `providerName`, content bounds.
 * @returns the middleware: put it first in `middleware` so that its spans hold the others' work.
 * @example
 * ```ts
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
 * import { otelMiddleware } from '@agentloop/otel';
 *
 * new NodeSDK({ traceExporter: new OTLPTraceExporter() }).start();
 * const agent = new Agent({ name: 'support', model, tools, middleware: [otelMiddleware()] });
 * ```
 */
export function otelMiddleware(options: OtelMiddlewareOptions = {}): Middleware {
  const {
    tracer: given,
    captureContent = false,
    maxContentChars = DEFAULT_MAX_CONTENT_CHARS,
    secrets = [],
    providerName = 'openai',
  } = options;
  const content: ContentLimits | undefined = captureContent
    ? { maxChars: maxContentChars, secrets: [...secrets] }
    : undefined;
  const tracerOf = (): Tracer => given ?? trace.getTracer(TRACER_NAME);
  const runs = new RunTraces();
  /**
   * The content bounds for a span that records: content is never built for one that does not
   * (sampled out, or no tracer provider), and no sampler needs it, so it goes on after the start.
   */
  const contentFor = (span: Span): ContentLimits | undefined =>
    content && span.isRecording() ? content : undefined;

  /** Where a step's span goes: under the active span, else under its run's. */
  const parentOf = (runId: string): Context => {
    const active = context.active();
    if (trace.getSpan(active) !== undefined) return active;
    return runs.get(runId)?.context ?? active;
  };

  return {
    async wrapRun(ctx, next) {
      const run = startRunSpan(tracerOf(), ctx, context.active(), providerName);
      const recorded = contentFor(run.span);
      if (recorded && !ctx.resumed) setRunInput(run.span, ctx, recorded);
      runs.set(ctx.runId, run);
      try {
        const result = await context.with(run.context, next);
        endRunSpan(run, result, recorded);
        return result;
      } catch (error) {
        failSpan(run.span, error, ctx.signal);
        throw error;
      } finally {
        run.span.end();
        runs.delete(ctx.runId, run);
      }
    },

    async wrapModelCall(ctx, next) {
      const run = runs.get(ctx.runId);
      const parent = parentOf(ctx.runId);
      const span = tracerOf().startSpan(
        `${OPERATIONS.chat} ${ctx.model}`,
        {
          kind: SpanKind.CLIENT,
          attributes: chatStartAttributes(ctx, providerName, run?.sessionId),
        },
        parent,
      );
      const recorded = contentFor(span);
      if (recorded) span.setAttributes(chatInputContent(ctx, recorded));
      if (run && !run.modelKnown) {
        run.modelKnown = true;
        run.span.setAttribute(ATTRIBUTES.requestModel, ctx.model);
      }
      const call: ChatCall = {
        span,
        turn: ctx.turn,
        startedAt: performance.now(),
        chunked: false,
        usage: undefined,
      };
      run?.chats.push(call);
      try {
        const response = await context.with(trace.setSpan(parent, span), next);
        const tokens = endChatSpan(span, response, call.usage, recorded);
        if (run) addUsage(run, tokens);
        return response;
      } catch (error) {
        failSpan(span, error, ctx.signal);
        throw error;
      } finally {
        span.end();
        if (run) run.chats.splice(run.chats.indexOf(call), 1);
      }
    },

    async wrapToolCall(ctx, next) {
      const parent = parentOf(ctx.runId);
      const span = tracerOf().startSpan(
        `${OPERATIONS.executeTool} ${ctx.name}`,
        { kind: SpanKind.INTERNAL, attributes: toolStartAttributes(ctx) },
        parent,
      );
      const recorded = contentFor(span);
      if (recorded) span.setAttribute(ATTRIBUTES.toolCallArguments, boundJson(ctx.args, recorded));
      try {
        const outcome = await context.with(trace.setSpan(parent, span), next);
        endToolSpan(span, outcome, recorded);
        return outcome;
      } catch (error) {
        if (isInterrupt(error)) span.setAttribute(ATTRIBUTES.toolInterrupted, true);
        else failSpan(span, error, ctx.signal);
        throw error;
      } finally {
        span.end();
      }
    },

    events: {
      'model:retry': (event) => {
        runs.chatOf(event.runId, event.turn)?.span.addEvent(SPAN_EVENTS.modelRetry, {
          [ATTRIBUTES.retryAttempt]: event.attempt,
          [ATTRIBUTES.retryDelayMs]: event.delayMs,
          [ATTRIBUTES.errorType]: event.error.code,
          ...(event.error.status !== undefined
            ? { [ATTRIBUTES.errorStatus]: event.error.status }
            : {}),
        });
      },
      'text:delta': (event) => firstChunk(runs.chatOf(event.runId, event.turn)),
      'tool:args': (event) => firstChunk(runs.chatOf(event.runId, event.turn)),
      'model:end': (event) => {
        const call = runs.chatOf(event.runId, event.turn);
        if (call) call.usage = event.usage;
      },
      'tool:interrupt': (event) => {
        runs.get(event.runId)?.span.addEvent(SPAN_EVENTS.toolInterrupt, {
          [ATTRIBUTES.toolName]: event.name,
          [ATTRIBUTES.toolCallId]: event.toolCallId,
          [ATTRIBUTES.interruptionKind]: event.interruption.kind,
        });
      },
    },
  };
}

/** Records the time to the first chunk of a streamed reply, once. */
function firstChunk(call: ChatCall | undefined): void {
  if (!call || call.chunked) return;
  call.chunked = true;
  call.span.setAttribute(
    ATTRIBUTES.responseTimeToFirstChunk,
    (performance.now() - call.startedAt) / 1000,
  );
}
