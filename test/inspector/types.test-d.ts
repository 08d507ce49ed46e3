import { Agent, type AgentEvent } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { type RunLog, runLog } from '@agentloop/inspector';
import { tool } from '@agentloop/tools';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

describe('inspector types', () => {
  it('a run log is a listener for every event of any agent, typed by its tools or not', () => {
    const log = runLog({ file: 'runs.jsonl' });
    expectTypeOf(log).toEqualTypeOf<RunLog>();
    expectTypeOf(log).toBeCallableWith({ type: 'turn:start', runId: 'r', turn: 1 } as AgentEvent);
    expectTypeOf(log.flush).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(log.dropped).toEqualTypeOf<number>();
    const echo = tool({
      name: 'echo',
      description: 'Echoes',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => text,
    });
    const typed = new Agent({ name: 'typed', model: new ScriptedModel(['hi']), tools: [echo] });
    typed.on('*', log);
    new Agent({ name: 'wide', model: 'gpt-4o-mini' }).on('*', log);
  });

  it('takes a file or a folder, not a bare path', () => {
    runLog({ dir: '.agentloop' });
    // @ts-expect-error an options object, not a path
    runLog('runs.jsonl');
    // @ts-expect-error secrets are strings
    runLog({ file: 'x', secrets: [1] });
  });
});
