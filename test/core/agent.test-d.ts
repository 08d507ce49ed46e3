import {
  Agent,
  type DeadlineExceededError,
  type ModelError,
  type ModelTimeoutKind,
  type RunResult,
} from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';

const model = new ScriptedModel([]);

test('the output of a run is typed from the output schema (zod 4 and zod 3)', async () => {
  const typed = new Agent({
    name: 't',
    model,
    output: z.object({ city: z.string(), n: z.number() }),
  });
  const result = await typed.run('x');
  expectTypeOf(result.output).toEqualTypeOf<{ city: string; n: number }>();
  // @ts-expect-error: no such field on the output
  result.output.country;

  const typed3 = new Agent({ name: 't', model, output: z3.object({ ok: z3.boolean() }) });
  expectTypeOf((await typed3.run('x')).output).toEqualTypeOf<{ ok: boolean }>();
});

test('without an output schema the output is the text', async () => {
  const plain = new Agent({ name: 'p', model });
  expectTypeOf(plain.run('x')).resolves.toEqualTypeOf<RunResult<string>>();
});

test('the run context is typed', () => {
  const agent = new Agent<{ user: string }>({
    name: 'c',
    model,
    instructions: ({ context }) => `Hello ${context.user}`,
  });
  agent.run('x', { context: { user: 'a' } });
  // @ts-expect-error: wrong context shape
  agent.run('x', { context: { nobody: 1 } });
});

test('listeners receive the event type they subscribe to', () => {
  const agent = new Agent({ name: 'e', model });
  agent.on('tool:end', (event) => {
    expectTypeOf(event.outcome.ok).toEqualTypeOf<boolean>();
  });
});

test('timeouts on the agent and per run, deadlineMs per run, and the timeout kind on ModelError', () => {
  const agent = new Agent({ name: 't', model, timeouts: { firstByteMs: 60_000, idleMs: 30_000 } });
  agent.run('x', { timeouts: { idleMs: 10_000 }, deadlineMs: 120_000 });
  agent.stream('x', { deadlineMs: 1000 });
  // @ts-expect-error: the whole-run bound is a run option, not a per-call bound
  new Agent({ name: 't', model, timeouts: { deadlineMs: 1 } });
  // @ts-expect-error: milliseconds are numbers
  agent.run('x', { deadlineMs: '1000' });
  expectTypeOf<ModelError['timeout']>().toEqualTypeOf<ModelTimeoutKind | undefined>();
  expectTypeOf<ModelTimeoutKind>().toEqualTypeOf<'first_byte' | 'idle'>();
  expectTypeOf<DeadlineExceededError['deadlineMs']>().toEqualTypeOf<number>();
});
