/**
 * A span whose step failed: `error.type`, an error status with the message, and the exception as
 * a span event, as the conventions' "Recording errors" asks.
 *
 * @module
 */
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTRIBUTES } from './attributes.js';
import { boundText, type ContentLimits } from './content.js';
import { abortType, errorMessage, errorType } from './error-type.js';

/** How error messages are cleaned before they reach a span (keys scrubbed, cut). */
export const ERROR_TEXT_LIMITS: ContentLimits = { maxChars: 2048, secrets: [] };

/**
 * Marks `span` failed with what a step threw; when the run's `signal` was aborted, the failure is
 * the abort (`run_aborted`, `deadline_exceeded`), whatever the step threw.
 */
export function failSpan(
  span: Span,
  error: unknown,
  signal: AbortSignal,
  limits: ContentLimits = ERROR_TEXT_LIMITS,
): void {
  const message = boundText(errorMessage(error), limits);
  span.setAttribute(ATTRIBUTES.errorType, signal.aborted ? abortType(signal) : errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.recordException({
    name: error instanceof Error ? error.name : 'Error',
    message,
    ...(error instanceof Error && error.stack ? { stack: boundText(error.stack, limits) } : {}),
  });
}
