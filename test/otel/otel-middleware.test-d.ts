import { Agent, type Middleware } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { type OtelMiddlewareOptions, otelMiddleware } from '@agentloop/otel';
import { tool } from '@agentloop/tools';
import type { Tracer } from '@opentelemetry/api';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const whoAmI = tool.withContext<{ userId: string }>()({
  name: 'who_am_i',
  description: 'The user',
  parameters: z.object({}),
  execute: (_args, ctx) => ctx.context.userId,
});

describe('otelMiddleware types', () => {
  it('fits an agent of any context and tools, and its runs', () => {
    const otel = otelMiddleware();
    expectTypeOf(otel).toEqualTypeOf<Middleware>();
    const agent = new Agent({
      name: 'a',
      model: new ScriptedModel([]),
      tools: [whoAmI],
      middleware: [otel],
    });
    void agent.run('hi', { context: { userId: 'u' }, middleware: [otelMiddleware()] });
  });

  it('takes a tracer and the content switches, nothing else', () => {
    expectTypeOf<OtelMiddlewareOptions['tracer']>().toEqualTypeOf<Tracer | undefined>();
    expectTypeOf<OtelMiddlewareOptions['captureContent']>().toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error: not an option
    otelMiddleware({ captureContents: true });
  });
});
