/**
 * Issue 12, point 6: `stopWhen` ends a run before the model answers: `stopAtTool(name)` with
 * that tool's result as the answer, or a predicate over the run after each turn, beside
 * `maxTurns`. A stopped run ends with `run:end` and `finishReason: 'stop_when'`.
 */
import {
  Agent,
  type AgentEvent,
  ConfigurationError,
  MaxTurnsExceededError,
  OutputValidationError,
  type StopView,
  stopAtTool,
} from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function researchTools() {
  const ran: string[] = [];
  const search = tool({
    name: 'search',
    description: 'Searches',
    parameters: z.object({ query: z.string() }),
    execute: async ({ query }) => {
      ran.push(`search ${query}`);
      return `results for ${query}`;
    },
  });
  const answer = tool({
    name: 'answer',
    description: 'Gives the final answer',
    parameters: z.object({ summary: z.string(), confidence: z.number().min(0).max(1) }),
    execute: async (args) => {
      ran.push(`answer ${args.summary}`);
      return args;
    },
  });
  return { search, answer, ran };
}

function researcher(
  replies: ScriptedReply[],
  options: Partial<ConstructorParameters<typeof Agent>[0]> = {},
) {
  const { search, answer, ran } = researchTools();
  const model = new ScriptedModel(replies);
  const agent = new Agent({ name: 'researcher', model, tools: [search, answer], ...options });
  const events: AgentEvent[] = [];
  agent.on('*', (e) => {
    events.push(e);
  });
  return { agent, model, events, ran };
}

const terminal = (events: readonly AgentEvent[]) =>
  events.filter((e) => e.type === 'run:end' || e.type === 'run:error').map((e) => e.type);

async function drive(agent: Agent, stream: boolean, options: Parameters<Agent['run']>[1] = {}) {
  if (!stream) return agent.run('research it', options);
  const s = agent.stream('research it', options);
  for await (const _ of s) {
    // drain
  }
  return s.result;
}

describe.each([false, true])('stopAtTool (streamed: %s)', (stream) => {
  it('ends the run with the tool output once the turn calls it, the other calls of the turn still run', async () => {
    const { agent, model, events, ran } = researcher(
      [
        {
          toolCalls: [
            { id: 's1', name: 'search', arguments: { query: 'a' } },
            { id: 'ans', name: 'answer', arguments: { summary: 'it is a', confidence: 0.9 } },
            { id: 's2', name: 'search', arguments: { query: 'b' } },
          ],
        },
        'never asked',
      ],
      { stopWhen: stopAtTool('answer') },
    );
    const result = await drive(agent as never, stream);
    expect(model.callCount).toBe(1);
    expect(ran.sort()).toEqual(['answer it is a', 'search a', 'search b']);
    expect(result.finishReason).toBe('stop_when');
    expect(result.text).toBe('{"summary":"it is a","confidence":0.9}');
    expect(result.output).toBe(result.text);
    expect(result.turns).toBe(1);
    // The tool's own value stays on its record.
    const record = result.toolCalls.find((c) => c.id === 'ans');
    expect(record?.outcome.ok && record.outcome.value).toEqual({
      summary: 'it is a',
      confidence: 0.9,
    });
    // Every call has its result: the conversation is valid to continue.
    expect(result.newMessages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'tool',
      'tool',
    ]);
    expect(terminal(events)).toEqual(['run:end']);
    expect(events.filter((e) => e.type === 'tool:end')).toHaveLength(3);
    const turnEnd = events.findIndex((e) => e.type === 'turn:end');
    expect(turnEnd).toBeGreaterThan(-1);
    expect(turnEnd).toBeLessThan(events.findIndex((e) => e.type === 'run:end'));
    const end = events.find((e) => e.type === 'run:end');
    expect(end?.type === 'run:end' && end.result.finishReason).toBe('stop_when');
  });

  it('a failed call to the tool does not stop the run: the model sees the failure and goes on', async () => {
    const { agent, model, ran } = researcher(
      [
        { toolCalls: [{ id: 'bad', name: 'answer', arguments: { summary: 'x', confidence: 7 } }] },
        { toolCalls: [{ id: 'good', name: 'answer', arguments: { summary: 'y', confidence: 1 } }] },
      ],
      { stopWhen: stopAtTool('answer') },
    );
    const result = await drive(agent as never, stream);
    expect(model.callCount).toBe(2);
    expect(ran).toEqual(['answer y']);
    expect(result.text).toBe('{"summary":"y","confidence":1}');
    expect(result.turns).toBe(2);
  });
});

describe('stopAtTool', () => {
  it('the first successful call in call order is the answer when the tool is called twice', async () => {
    const { agent } = researcher(
      [
        {
          toolCalls: [
            { id: 'invalid', name: 'answer', arguments: { summary: 'x' } },
            { id: 'first', name: 'answer', arguments: { summary: 'one', confidence: 0.5 } },
            { id: 'second', name: 'answer', arguments: { summary: 'two', confidence: 0.5 } },
          ],
        },
      ],
      { stopWhen: stopAtTool('answer') },
    );
    const result = await agent.run('go');
    expect(result.text).toBe('{"summary":"one","confidence":0.5}');
  });

  it('a call made by middleware short-circuit counts: its outcome is the answer', async () => {
    const { agent, ran } = researcher(
      [{ toolCalls: [{ id: 'a', name: 'answer', arguments: { summary: 's', confidence: 1 } }] }],
      {
        stopWhen: stopAtTool('answer'),
        middleware: [
          {
            wrapToolCall: async () => ({
              toolCallId: '',
              name: '',
              ok: true,
              output: 'from middleware',
              value: 'from middleware',
              args: { summary: 's', confidence: 1 },
              durationMs: 0,
            }),
          },
        ],
      },
    );
    const result = await agent.run('go');
    expect(ran).toEqual([]);
    expect(result.text).toBe('from middleware');
  });

  it('with an output schema, result.output is the tool value validated by the schema', async () => {
    const output = z.object({ summary: z.string(), confidence: z.number() });
    const { search, answer } = researchTools();
    const agent = new Agent({
      name: 'typed',
      model: new ScriptedModel([
        { toolCalls: [{ name: 'answer', arguments: { summary: 'ok', confidence: 0.5 } }] },
      ]),
      tools: [search, answer],
      output,
      stopWhen: stopAtTool('answer'),
    });
    const result = await agent.run('go');
    expect(result.output).toEqual({ summary: 'ok', confidence: 0.5 });
    expect(result.finishReason).toBe('stop_when');
  });

  it('with an output schema, a tool value that does not fit fails with OutputValidationError', async () => {
    const { search, answer } = researchTools();
    const agent = new Agent({
      name: 'typed',
      model: new ScriptedModel([
        { toolCalls: [{ name: 'answer', arguments: { summary: 'ok', confidence: 0.5 } }] },
      ]),
      tools: [search, answer],
      output: z.object({ verdict: z.boolean() }),
      stopWhen: stopAtTool('answer'),
    });
    const events: AgentEvent[] = [];
    agent.on('*', (e) => {
      events.push(e);
    });
    const error = await agent.run('go').catch((e: unknown) => e);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('"answer" ended the run');
    expect((error as Error).message).toContain('verdict');
    expect(terminal(events)).toEqual(['run:error']);
  });

  it('a name that is no tool of the agent is refused when the run starts', async () => {
    const { agent, model } = researcher(['x']);
    await expect(agent.run('go', { stopWhen: stopAtTool('anwser') })).rejects.toThrow(
      /stopAtTool\('anwser'\) names no tool of the agent; its tools are search, answer/,
    );
    const agentLevel = researcher(['x'], { stopWhen: stopAtTool('nope') });
    await expect(agentLevel.agent.run('go')).rejects.toThrow(ConfigurationError);
    expect(model.callCount).toBe(0);
    expect(() => stopAtTool('' as string)).toThrow(ConfigurationError);
    expect(() => new Agent({ name: 'a', model, stopWhen: ['search' as never] })).toThrow(
      /"stopWhen\[0\]" must be stopAtTool\(name\) or a predicate/,
    );
  });
});

describe('a stop predicate', () => {
  it('is asked after each turn that did not end the run, with the run so far; true stops it', async () => {
    const views: StopView[] = [];
    const { agent, model, events } = researcher(
      [
        { content: 'Looking.', toolCalls: [{ name: 'search', arguments: { query: 'a' } }] },
        { content: 'Still looking.', toolCalls: [{ name: 'search', arguments: { query: 'b' } }] },
        'never asked',
      ],
      {
        stopWhen: (run) => {
          views.push({ ...run, messages: [...run.messages], toolCalls: [...run.toolCalls] });
          return run.toolCalls.length >= 2;
        },
      },
    );
    const result = await agent.run('research it');
    expect(model.callCount).toBe(2);
    expect(views.map((v) => [v.turn, v.text, v.toolCalls.length])).toEqual([
      [1, 'Looking.', 1],
      [2, 'Still looking.', 2],
    ]);
    expect(views[1]?.usage.totalTokens).toBe(result.usage.totalTokens);
    expect(views[1]?.messages.at(-1)).toMatchObject({ role: 'tool' });
    expect(views[0]?.runId).toBe(result.runId);
    expect(result.finishReason).toBe('stop_when');
    expect(result.text).toBe('Still looking.');
    expect(result.output).toBe('Still looking.');
    expect(terminal(events)).toEqual(['run:end']);
  });

  it('is not asked after the turn that answers', async () => {
    let asked = 0;
    const { agent } = researcher(['The answer.'], {
      stopWhen: () => {
        asked += 1;
        return true;
      },
    });
    const result = await agent.run('hi');
    expect(asked).toBe(0);
    expect(result.finishReason).toBe('stop');
  });

  it('a list stops when any holds; the run adds its own conditions to the agent', async () => {
    const asked: string[] = [];
    const replies = (): ScriptedReply[] => [
      { toolCalls: [{ name: 'search', arguments: { query: 'a' } }] },
      { toolCalls: [{ name: 'search', arguments: { query: 'b' } }] },
      { toolCalls: [{ name: 'search', arguments: { query: 'c' } }] },
    ];
    const { agent, model } = researcher(replies(), {
      stopWhen: [
        () => {
          asked.push('agent never');
          return false;
        },
        stopAtTool('answer'),
      ],
    });
    const result = await agent.run('go', {
      stopWhen: (run) => {
        asked.push(`run ${run.turn}`);
        return run.turn === 2;
      },
    });
    expect(model.callCount).toBe(2);
    expect(result.finishReason).toBe('stop_when');
    expect(asked).toEqual(['agent never', 'run 1', 'agent never', 'run 2']);
  });

  it('a predicate that throws fails the run in one run:error', async () => {
    const boom = new Error('predicate bug');
    const { agent, events } = researcher(
      [{ toolCalls: [{ name: 'search', arguments: { query: 'a' } }] }],
      {
        stopWhen: () => {
          throw boom;
        },
      },
    );
    expect(await agent.run('go').catch((e: unknown) => e)).toBe(boom);
    expect(terminal(events)).toEqual(['run:error']);
  });

  it('with an output schema, a stop whose text does not fit fails with OutputValidationError', async () => {
    const { search, answer } = researchTools();
    const agent = new Agent({
      name: 'typed',
      model: new ScriptedModel([{ toolCalls: [{ name: 'search', arguments: { query: 'a' } }] }]),
      tools: [search, answer],
      output: z.object({ verdict: z.boolean() }),
      stopWhen: () => true,
    });
    const error = await agent.run('go').catch((e: unknown) => e);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('stopWhen condition ended the run after turn 1');
  });
});

describe('stopWhen beside maxTurns', () => {
  it('a condition that holds after the last allowed turn ends the run normally', async () => {
    const { agent } = researcher(
      [{ toolCalls: [{ name: 'answer', arguments: { summary: 'done', confidence: 1 } }] }],
      { maxTurns: 1, stopWhen: stopAtTool('answer') },
    );
    const result = await agent.run('go');
    expect(result.finishReason).toBe('stop_when');
    expect(result.turns).toBe(1);
  });

  it('without a condition holding, maxTurns still ends the run with MaxTurnsExceededError', async () => {
    const { agent, events } = researcher(
      [
        { toolCalls: [{ name: 'search', arguments: { query: 'a' } }] },
        { toolCalls: [{ name: 'search', arguments: { query: 'b' } }] },
      ],
      { maxTurns: 2, stopWhen: [stopAtTool('answer'), (run) => run.toolCalls.length > 5] },
    );
    const error = await agent.run('go').catch((e: unknown) => e);
    expect(MaxTurnsExceededError.isInstance(error)).toBe(true);
    expect(terminal(events)).toEqual(['run:error']);
  });

  it("onMaxTurns 'final-answer' still gets its answer when no condition holds", async () => {
    const { agent } = researcher(
      [{ toolCalls: [{ name: 'search', arguments: { query: 'a' } }] }, 'Final.'],
      { maxTurns: 1, onMaxTurns: 'final-answer', stopWhen: stopAtTool('answer') },
    );
    const result = await agent.run('go');
    expect(result.text).toBe('Final.');
    expect(result.finishReason).toBe('stop');
  });
});

describe('stopWhen across an approval', () => {
  it('a stopAtTool call that needed approval ends the continued run with its output', async () => {
    const ran: string[] = [];
    const finish = tool({
      name: 'finish',
      description: 'Ends the task',
      parameters: z.object({ summary: z.string() }),
      needsApproval: true,
      execute: ({ summary }) => {
        ran.push(summary);
        return `finished: ${summary}`;
      },
    });
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'finish', arguments: { summary: 'all done' } }] },
      'never asked',
    ]);
    const agent = new Agent({ name: 'a', model, tools: [finish], stopWhen: stopAtTool('finish') });
    const paused = await agent.run('go');
    expect(paused.status).toBe('interrupted');
    expect(paused.finishReason).not.toBe('stop_when');
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const done = await agent.run(paused.state);
    expect(done.status).toBe('completed');
    expect(done.finishReason).toBe('stop_when');
    expect(done.text).toBe('finished: all done');
    expect(ran).toEqual(['all done']);
    expect(model.callCount).toBe(1);
  });
});
