/**
 * What a run keeps of its spans so that the run continued from its state (maybe in another
 * process) can link to them: the W3C `traceparent` form of its `invoke_agent` span, in the run's
 * metadata.
 *
 * @module
 */
import { isSpanContextValid, type Link, type SpanContext, TraceFlags } from '@opentelemetry/api';
import { ATTRIBUTES, LINK_KINDS } from './attributes.js';

/** The metadata key of the latest part's `invoke_agent` span. */
export const PREVIOUS_KEY = 'otel.span';
/** The metadata key of the first part's `invoke_agent` span. */
export const FIRST_KEY = 'otel.first_span';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A span context as a W3C `traceparent` value. */
export function toTraceparent(context: SpanContext): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/** A `traceparent` value back as a (remote) span context, or `undefined` when it is not one. */
export function fromTraceparent(value: string | undefined): SpanContext | undefined {
  const match = value === undefined ? null : TRACEPARENT.exec(value);
  if (!match) return undefined;
  const context: SpanContext = {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: Number.parseInt(match[3] as string, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(context) ? context : undefined;
}

/**
 * The links of a run continued from its state: to the part that paused right before, and to the
 * first part when that is another one. None for a run that kept no span (traced without an SDK,
 * or not traced at all).
 */
export function resumeLinks(metadata: Readonly<Record<string, string>>): Link[] {
  const links: Link[] = [];
  const previous = fromTraceparent(metadata[PREVIOUS_KEY]);
  if (previous) {
    links.push({ context: previous, attributes: { [ATTRIBUTES.linkKind]: LINK_KINDS.previous } });
  }
  const first = fromTraceparent(metadata[FIRST_KEY]);
  if (first && first.spanId !== previous?.spanId) {
    links.push({ context: first, attributes: { [ATTRIBUTES.linkKind]: LINK_KINDS.first } });
  }
  return links;
}

/**
 * Keeps this part's span in the run's metadata (and as the first part's, when there was none), so
 * that the next part links to it. A span no SDK records (an invalid context) is not kept.
 */
export function keepSpan(metadata: Record<string, string>, context: SpanContext): void {
  if (!isSpanContextValid(context)) return;
  const value = toTraceparent(context);
  metadata[PREVIOUS_KEY] = value;
  metadata[FIRST_KEY] ??= value;
}
