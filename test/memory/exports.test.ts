import * as memory from '@agentloop/memory';
import { describe, expect, it } from 'vitest';

describe('@agentloop/memory errors', () => {
  // The export list itself is pinned once, with the other packages', in test/exports.test.ts.
  it('marks every error for AgentError.isInstance and gives it a stable code', () => {
    const marker = Symbol.for('agentloop.error');
    const errors = [
      new memory.ContextOverflowError({
        budget: 1,
        needed: 2,
        largestMessage: undefined,
        reason: 'test',
      }),
      new memory.InvalidSessionIdError('../x', 'test'),
      new memory.InvalidOptionError('maxTokens', 'a number', 'x'),
      new memory.SessionStoreError('failed', {
        sessionId: 's',
        file: 'f',
        cause: new Error('disk'),
      }),
    ];
    expect(errors.map((e) => e.code)).toEqual([
      'context_overflow',
      'invalid_session_id',
      'invalid_config',
      'session_store_error',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(memory.MemoryError);
      expect((error as unknown as Record<symbol, unknown>)[marker]).toBe(true);
    }
    expect(errors[3]?.cause).toBeInstanceOf(Error);
  });
});
