/**
 * Helpers for the tracing tests: a tracer whose spans land in the OpenTelemetry SDK's in-memory
 * exporter, the AsyncLocalStorage context manager a Node service registers, and the spans as a
 * tree of names.
 */

import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect } from 'vitest';

/** The order spans started in, by span id: timestamps of spans started together can tie. */
const startOrder = new Map<string, number>();
let started = 0;

/** A processor that numbers spans as they start. */
const numbering: SpanProcessor = {
  onStart: (span) => {
    startOrder.set(span.spanContext().spanId, started++);
  },
  onEnd: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** A fresh tracer provider (a fresh process, as far as tracing goes) and what it exported. */
export function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [numbering, new SimpleSpanProcessor(exporter)],
  });
  return {
    exporter,
    provider,
    tracer: provider.getTracer('test'),
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
  };
}

/** Registers the AsyncLocalStorage context manager for the tests of the calling file. */
export function useContextManager(): void {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });
}

/** The span's parent id, if it has a parent. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The spans named `name`. */
export function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

/** The one span named `name`. */
export function one(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = named(spans, name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0] as ReadableSpan;
}

/**
 * The spans as an indented tree of names, children in the order they started, so that a test
 * can compare the whole shape at once.
 */
export function tree(spans: readonly ReadableSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parent = parentId(span);
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => order(a) - order(b));
    for (const span of list) {
      lines.push(`${'  '.repeat(depth)}${span.name}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

function order(span: ReadableSpan): number {
  return startOrder.get(span.spanContext().spanId) ?? Number.POSITIVE_INFINITY;
}

/**
 * Every span has its parent among the spans (or among `outer`, spans the test made itself), all
 * in one trace, and every span ended: nothing dangles.
 */
export function expectNoOrphans(spans: readonly ReadableSpan[], outer: readonly string[] = []) {
  const ids = new Set([...spans.map((s) => s.spanContext().spanId), ...outer]);
  const roots = spans.filter((s) => parentId(s) === undefined || !ids.has(parentId(s) as string));
  expect(
    roots.filter((s) => parentId(s) !== undefined).map((s) => s.name),
    'spans whose parent is missing',
  ).toEqual([]);
  expect(spans.every((s) => s.ended)).toBe(true);
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
}

/** The attributes of a span whose names start with `prefix`. */
export function attributesOf(span: ReadableSpan, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(Object.entries(span.attributes).filter(([k]) => k.startsWith(prefix)));
}
