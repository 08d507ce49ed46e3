/**
 * Helpers shared by the streaming end-to-end tests: the real `openai` adapter pointed at the
 * local test server, a collector that never lets a stream's error escape, and an SSE parser.
 */
import { type AgentEvent, type Model, openai } from '@agentloop/core';
import type { TestServer } from '../support/index.js';

/** The real adapter (real `openai` client) against the test server. */
export function serverModel(server: TestServer, apiKey = 'test'): Model {
  return openai('gpt-4o-mini', { apiKey, baseURL: server.url });
}

/** Iterates a stream to its end; returns the events and what the iterator threw. */
export async function collect(
  stream: AsyncIterable<AgentEvent>,
  onEvent?: (event: AgentEvent, index: number) => unknown,
): Promise<{ events: AgentEvent[]; error: unknown }> {
  const events: AgentEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      await onEvent?.(event, events.length - 1);
    }
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** Records every event the agent's `*` listeners receive. */
export function listen(agent: { on(type: '*', listener: (e: AgentEvent) => unknown): unknown }) {
  const events: AgentEvent[] = [];
  agent.on('*', (event) => {
    events.push(event);
  });
  return events;
}

/** The terminal events (`run:end` / `run:error`) among `events`. */
export function terminals(events: readonly AgentEvent[]): AgentEvent[] {
  return events.filter((e) => e.type === 'run:end' || e.type === 'run:error');
}

/** The joined `text:delta` chunks, optionally of one turn only. */
export function joinedText(events: readonly AgentEvent[], turn?: number): string {
  return events
    .filter((e) => e.type === 'text:delta' && (turn === undefined || e.turn === turn))
    .map((e) => (e.type === 'text:delta' ? e.delta : ''))
    .join('');
}

/** One parsed server-sent event. */
export interface ParsedSSE {
  event: string | undefined;
  data: unknown;
}

/** Parses a complete `text/event-stream` body; comment lines (heartbeats) are counted apart. */
export function parseSSE(body: string): { events: ParsedSSE[]; comments: string[] } {
  const events: ParsedSSE[] = [];
  const comments: string[] = [];
  for (const block of body.split('\n\n')) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line);
      else if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
      else throw new Error(`Unexpected SSE line: ${JSON.stringify(line)}`);
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) });
  }
  return { events, comments };
}
