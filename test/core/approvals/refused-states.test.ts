import { Agent, RunState, RunStateError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { approvalAgent } from './approval-agent.js';

async function pausedRun() {
  const setup = approvalAgent([
    { toolCalls: [{ id: 'call_r1', name: 'refund', arguments: { order: 1 } }] },
    'done',
  ]);
  const paused = await setup.agent.run('Refund');
  return { ...setup, paused };
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<RunStateError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(RunStateError.isInstance(error)).toBe(true);
    return error as RunStateError;
  }
  throw new Error('expected a RunStateError');
}

describe('a state that cannot be continued is refused with a RunStateError', () => {
  it('truncated text: invalid_run_state, saying it was cut off', async () => {
    const { paused } = await pausedRun();
    const text = paused.state.toString();
    const error = await refusal(() => RunState.parse(text.slice(0, text.length / 2)));
    expect(error.code).toBe('invalid_run_state');
    expect(error.message).toMatch(/not valid JSON.*cut off/);
  });

  it('a newer version: unsupported_run_state_version', async () => {
    const { paused } = await pausedRun();
    const json = { ...paused.state.toJSON(), version: 2 };
    const error = await refusal(() => RunState.parse(JSON.stringify(json)));
    expect(error.code).toBe('unsupported_run_state_version');
    expect(error.message).toMatch(/2/);
  });

  it('a tampered field is named', async () => {
    const { paused } = await pausedRun();
    const json = paused.state.toJSON() as unknown as { turn: unknown };
    json.turn = 'three';
    const error = await refusal(() => RunState.parse(JSON.stringify(json)));
    expect(error.code).toBe('invalid_run_state');
    expect(error.field).toBe('turn');
  });

  it('another agent: run_state_agent_mismatch, nothing run', async () => {
    const { paused } = await pausedRun();
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const model = new ScriptedModel(['x']);
    const other = new Agent({ name: 'billing', model });
    const error = await refusal(other.run(paused.state));
    expect(error.code).toBe('run_state_agent_mismatch');
    expect(error.message).toMatch(/belongs to agent "support", not to agent "billing"/);
    expect(model.callCount).toBe(0);
    // agent.stream refuses at once, before anything is iterated.
    expect(() => other.stream(paused.state)).toThrow(RunStateError);
  });

  it('an agent of the same name without the tool a pending call needs: run_state_agent_mismatch naming it', async () => {
    const { paused } = await pausedRun();
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const lookalike = new Agent({
      name: 'support',
      model: new ScriptedModel(['x']),
      tools: [
        tool({
          name: 'lookup',
          description: 'd',
          parameters: z.object({}),
          execute: () => 'x',
        }),
      ],
    });
    const error = await refusal(lookalike.run(paused.state));
    expect(error.code).toBe('run_state_agent_mismatch');
    expect(error.field).toBe('pending.0.name');
    expect(error.message).toMatch(/tool "refund".*has no tool of that name/);
  });

  it('an approval for an interruption that does not exist, or one already decided: unknown_interruption', async () => {
    const { paused } = await pausedRun();
    const state = paused.state;
    const missing = await refusal(() => state.approve('approve_nope'));
    expect(missing.code).toBe('unknown_interruption');
    expect(missing.message).toMatch(
      /no undecided interruption "approve_nope".*waits for "approve_call_r1"/,
    );
    state.approve(paused.interruptions[0]?.id ?? '');
    const twice = await refusal(() => state.reject(paused.interruptions[0]?.id ?? ''));
    expect(twice.code).toBe('unknown_interruption');
  });

  it('resuming a completed run: run_completed', async () => {
    const { agent, paused, model } = await pausedRun();
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const done = await agent.run(paused.state);
    expect(done.state.status).toBe('completed');
    const error = await refusal(agent.run(RunState.parse(done.state.toString())));
    expect(error.code).toBe('run_completed');
    expect(model.callCount).toBe(2);
  });

  it('resuming the same run twice at once: the second is refused, the tool runs once', async () => {
    const { agent, paused, ran } = await pausedRun();
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    const text = paused.state.toString();
    const [first, second] = await Promise.allSettled([
      agent.run(RunState.parse(text)),
      agent.run(RunState.parse(text)),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toMatchObject({ code: 'run_in_progress' });
    expect(ran).toEqual(['refund:1']);
  });

  it('the same state continued twice in a row starts from the same point each time', async () => {
    const { agent, paused, ran, model } = await pausedRun();
    paused.state.approve(paused.interruptions[0]?.id ?? '');
    await agent.run(paused.state);
    // The state object itself is not advanced by the run that continued it.
    expect(paused.state.status).toBe('interrupted');
    expect(ran).toEqual(['refund:1']);
    expect(model.callCount).toBe(2);
  });

  it('state.reject refuses an empty message', async () => {
    const { paused } = await pausedRun();
    const error = await refusal(() =>
      paused.state.reject(paused.interruptions[0]?.id ?? '', { message: ' ' }),
    );
    expect(error.code).toBe('invalid_run_state');
    expect(error.message).toMatch(/"message" must be a non-empty string/);
  });

  it('agent.resume without a run store says what to configure', async () => {
    const { agent } = await pausedRun();
    await expect(agent.resume('run_x')).rejects.toThrow(/needs a run store.*runStore/);
  });
});
