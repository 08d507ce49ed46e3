import { describe, expect, it } from 'vitest';
import {
  createAbortError,
  isAbortError,
  throwIfAborted,
} from '../../packages/core/src/errors/abort-error.js';
import {
  AgentError,
  ConfigurationError,
  MaxTurnsExceededError,
  ModelError,
  OutputValidationError,
  RunAbortedError,
} from '../../packages/core/src/errors/errors.js';

const MARKER = Symbol.for('agentloop.error');

/** An error of another copy of a package, sharing no module with this one: only the marker. */
class ForeignToolError extends Error {
  readonly code = 'tool_timeout';
  readonly [MARKER] = true;
}

function all() {
  return [
    new ConfigurationError('bad option', { option: 'maxTurns' }),
    new MaxTurnsExceededError({ maxTurns: 3, result: { turns: 3 } }),
    new OutputValidationError({ text: '{}', issues: [{ path: ['a'], message: 'Required' }] }),
    new ModelError({ message: 'rate limited', retryable: true, status: 429 }),
    new RunAbortedError({ reason: 'stop' }),
  ] as const;
}

describe('AgentError and its subclasses', () => {
  it('have stable codes and names, and are Errors', () => {
    expect(all().map((e) => [e.name, e.code])).toEqual([
      ['ConfigurationError', 'invalid_config'],
      ['MaxTurnsExceededError', 'max_turns_exceeded'],
      ['OutputValidationError', 'output_validation_failed'],
      ['ModelError', 'model_error'],
      ['RunAbortedError', 'run_aborted'],
    ]);
    for (const e of all()) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(AgentError);
      expect(AgentError.isInstance(e)).toBe(true);
    }
  });

  it("each subclass's isInstance recognises only its own code", () => {
    const guards = [
      ConfigurationError.isInstance,
      MaxTurnsExceededError.isInstance,
      OutputValidationError.isInstance,
      ModelError.isInstance,
      RunAbortedError.isInstance,
    ];
    const errors = all();
    const matrix = guards.map((guard) => errors.map((error) => guard(error)));
    expect(matrix).toEqual(guards.map((_, i) => errors.map((_, j) => i === j)));
  });

  it('recognise errors from other packages and other copies by the marker, not the class', () => {
    const foreign = new ForeignToolError('the tool timed out');
    expect(foreign instanceof AgentError).toBe(false);
    expect(AgentError.isInstance(foreign)).toBe(true);
    expect(ModelError.isInstance(foreign)).toBe(false);

    // A ModelError from a duplicate copy of @agentloop/core: same marker and code, other class.
    const copy = Object.assign(new Error('from another copy'), {
      code: 'model_error',
      retryable: true,
      [MARKER]: true,
    });
    expect(ModelError.isInstance(copy)).toBe(true);

    expect(AgentError.isInstance(new Error('plain'))).toBe(false);
    expect(AgentError.isInstance({ code: 'model_error', [MARKER]: true })).toBe(false);
    expect(AgentError.isInstance(Object.assign(new Error('no code'), { [MARKER]: true }))).toBe(
      false,
    );
    expect(AgentError.isInstance(undefined)).toBe(false);
  });

  it('keep their cause and serialise to JSON with context fields and a cause summary', () => {
    const root = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = new ModelError({
      message: 'The connection failed.',
      retryable: true,
      requestId: 'req_1',
      cause: root,
    });
    expect(error.cause).toBe(root);
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: 'ModelError',
      code: 'model_error',
      message: 'The connection failed.',
      retryable: true,
      midStream: false,
      requestId: 'req_1',
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
  });

  it('a ModelError that failed mid-stream is never retryable and carries what had arrived', () => {
    const error = new ModelError({
      message: 'cut off',
      retryable: true,
      midStream: true,
      partialText: 'Hello wor',
    });
    expect(error.retryable).toBe(false);
    expect(error.partialText).toBe('Hello wor');
    expect(error.toJSON()).toMatchObject({ midStream: true, partialText: 'Hello wor' });
  });

  it('MaxTurnsExceededError carries the partial result and says what to do', () => {
    const result = { messages: ['...'], usage: { totalTokens: 9 } };
    const error = new MaxTurnsExceededError({ maxTurns: 4, result });
    expect(error.result).toBe(result);
    expect(error.maxTurns).toBe(4);
    expect(error.message).toContain('maxTurns (4)');
    expect(error.message).toContain("onMaxTurns: 'final-answer'");
    // The conversation stays out of logs.
    expect(JSON.stringify(error)).not.toContain('usage');
  });

  it('OutputValidationError carries the raw text and the issues, named in its message', () => {
    const error = new OutputValidationError({
      text: '{"temp":"warm"}',
      issues: [
        { path: ['temp'], message: 'Expected number' },
        { path: [], message: 'Missing city' },
      ],
      attempts: 3,
    });
    expect(error.text).toBe('{"temp":"warm"}');
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain('temp: Expected number');
    expect(error.message).toContain('(root): Missing city');
    expect(error.message).toContain('3 attempt');
  });

  it('RunAbortedError carries the reason and the partial result', () => {
    const reason = new Error('user pressed stop');
    const error = new RunAbortedError({ reason, result: { turns: 1 } });
    expect(error.reason).toBe(reason);
    expect(error.result).toEqual({ turns: 1 });
    expect(error.cause).toBe(reason);
    expect(error.message).toContain('user pressed stop');
    expect(new RunAbortedError().message).toMatch(/^The run was aborted/);
  });

  it('ConfigurationError names the option at fault', () => {
    const error = new ConfigurationError('maxTurns must be >= 1, got 0.', { option: 'maxTurns' });
    expect(error.option).toBe('maxTurns');
    expect(error.toJSON()).toMatchObject({ option: 'maxTurns', code: 'invalid_config' });
  });

  it('the base class takes any code (for errors the loop defines itself)', () => {
    const error = new AgentError({ code: 'unknown_error', message: 'odd', cause: 42 });
    expect(error.code).toBe('unknown_error');
    expect(error.toJSON()).toMatchObject({ code: 'unknown_error', cause: 42 });
  });
});

describe('abort errors', () => {
  it('isAbortError recognises DOMException aborts and createAbortError, and nothing else', () => {
    const controller = new AbortController();
    controller.abort();
    expect(isAbortError(controller.signal.reason)).toBe(true);
    expect(isAbortError(createAbortError(controller.signal))).toBe(true);
    expect(isAbortError(new Error('aborted?'))).toBe(false);
    expect(isAbortError(new RunAbortedError())).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
  });

  it('createAbortError keeps a reason the caller gave', () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    controller.abort(reason);
    const error = createAbortError(controller.signal);
    expect(error.cause).toBe(reason);
    expect(error.message).toContain('shutting down');
    expect(() => throwIfAborted(controller.signal)).toThrow(/shutting down/);
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });
});
