/**
 * Issue 11, point 19: the partial result on `RunAbortedError` and `MaxTurnsExceededError` is
 * typed, so `err.result?.text` compiles after `isInstance` (it used to be `unknown`).
 */
import {
  type AgentError,
  MaxTurnsExceededError,
  type PartialRunResult,
  RunAbortedError,
  type RunResult,
  type ToolCallRecordOf,
} from '@agentloop/core';
import { expectTypeOf, test } from 'vitest';

declare const caught: unknown;

test('RunAbortedError.result is a partial RunResult after isInstance', () => {
  if (RunAbortedError.isInstance(caught)) {
    expectTypeOf(caught.result).toEqualTypeOf<PartialRunResult | undefined>();
    expectTypeOf(caught.result?.text).toEqualTypeOf<string | undefined>();
    expectTypeOf(caught.result?.toolCalls).toEqualTypeOf<ToolCallRecordOf[] | undefined>();
    expectTypeOf(caught).toMatchTypeOf<AgentError>();
  }
  const built = new RunAbortedError({ reason: 'stop' });
  expectTypeOf(built.result).toEqualTypeOf<PartialRunResult | undefined>();
});

test('MaxTurnsExceededError.result is a partial RunResult, always present', () => {
  if (MaxTurnsExceededError.isInstance(caught)) {
    expectTypeOf(caught.result).toEqualTypeOf<PartialRunResult>();
    expectTypeOf(caught.result.text).toBeString();
    expectTypeOf(caught.result.usage.totalTokens).toBeNumber();
  }
});

test('a partial result is a RunResult, without a status or state, whose output is the text so far', () => {
  expectTypeOf<PartialRunResult>().toEqualTypeOf<
    Omit<RunResult<string>, 'status' | 'interruptions' | 'state'>
  >();
  expectTypeOf<PartialRunResult['output']>().toBeString();
});
