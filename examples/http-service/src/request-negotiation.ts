import type { IncomingMessage } from 'node:http';

/** Whether the client asked for server-sent events (`accept: text/event-stream`). */
export function acceptsEventStream(req: IncomingMessage): boolean {
  return /\btext\/event-stream\b/i.test(req.headers.accept ?? '');
}

/** A path segment decoded; one that is not valid percent-encoding is kept as sent (it names no run). */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
