import { Agent, RunState } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool, withImages } from '@agentloop/tools';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { imageDataUrl } from '../support/image-bytes.js';

const photo = imageDataUrl({ format: 'gif', width: 640, height: 480 });

it("a tool's images survive a pause: the snapshot keeps them and the resumed turn sends them", async () => {
  const ran: string[] = [];
  const snap = tool({
    name: 'snap',
    description: 'Takes a photo',
    parameters: z.object({}),
    execute: async () => {
      ran.push('snap');
      return withImages(undefined, [{ url: photo, detail: 'low' }]);
    },
  });
  const publish = tool({
    name: 'publish',
    description: 'Publishes the photo',
    parameters: z.object({}),
    needsApproval: true,
    execute: async () => 'published',
  });
  const model = new ScriptedModel([
    {
      toolCalls: [
        { id: 'call_snap', name: 'snap', arguments: {} },
        { id: 'call_pub', name: 'publish', arguments: {} },
      ],
    },
    'Done.',
  ]);
  const agent = new Agent({ name: 'camera', model, tools: [snap, publish] });
  const paused = await agent.run('Take and publish a photo');
  expect(paused.status).toBe('interrupted');

  const state = RunState.parse(paused.state.toString());
  for (const interruption of state.interruptions) state.approve(interruption);
  const done = await agent.run(state);
  expect(done.text).toBe('Done.');
  expect(ran).toEqual(['snap']);
  const sent = model.requests[1]?.messages ?? [];
  expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'user']);
  expect(sent[2]).toMatchObject({ tool_call_id: 'call_snap', content: '[1 image, shown next]' });
  expect(sent[4]).toEqual({
    role: 'user',
    content: [
      { type: 'text', text: '[Images returned by tool call call_snap (snap)]' },
      { type: 'image_url', image_url: { url: photo, detail: 'low' } },
    ],
  });
});
