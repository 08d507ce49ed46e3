import { Agent, openai, RunState } from '@agentloop/core';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type Step,
  startTestServer,
  type TestServer,
} from '../support/index.js';
import {
  expectNoDuplicates,
  expectTreeOrder,
  type Ledger,
  listen,
  workTool,
} from './tree-harness.js';

const API_KEY = 'sk-test-tree';
let server: TestServer;

/**
 * Every agent answers by what it is offered: an agent offered `next` calls it until it has its
 * result, then answers. The server checks each request as the API would.
 */
function respond(request: RecordedRequest): Step {
  const messages = request.body.messages as ChatCompletionMessageParam[];
  const tools = (request.body.tools as { function: { name: string } }[] | undefined) ?? [];
  const name = tools[0]?.function.name ?? 'none';
  if (messages.at(-1)?.role === 'user') {
    return {
      toolCalls: [
        { id: `to_${name}`, name, arguments: name === 'work' ? { n: 1 } : { input: `go ${name}` } },
      ],
    };
  }
  return { content: `done after ${name}` };
}

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY, responder: respond });
});
afterEach(() => server.close());

function tree(ledger: Ledger) {
  const model = openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url });
  const leaf = new Agent({
    name: 'leaf',
    model,
    tools: [workTool(ledger, 'work', { needsApproval: true })],
  });
  const mid = new Agent({
    name: 'mid',
    model,
    tools: [leaf.asTool({ name: 'ask_leaf', description: 'leaf' })],
  });
  const root = new Agent({
    name: 'root',
    model,
    tools: [mid.asTool({ name: 'ask_mid', description: 'mid' })],
  });
  return root;
}

it.each([false, true])(
  'a depth-2 tree over the real client (streamed: %s): pause, resume, every request accepted',
  async (streamed) => {
    const ledger: Ledger = [];
    const root = tree(ledger);
    const events = listen(root);
    let paused: Awaited<ReturnType<typeof root.run>>;
    if (streamed) {
      const stream = root.stream('start');
      for await (const _ of stream) {
        // drained
      }
      paused = await stream.result;
    } else {
      paused = await root.run('start');
    }
    expect(paused.status).toBe('interrupted');
    expect(paused.interruptions[0]?.path).toEqual(['root', 'mid', 'leaf']);
    const state = RunState.parse(paused.state.toString());
    state.approve(state.interruptions[0] as never);
    const again = tree(ledger);
    const more = listen(again);
    const done = await again.run(state);

    expect(done.status).toBe('completed');
    expect(done.text).toBe('done after ask_mid');
    expect(ledger).toEqual(['work:1']);
    expectNoDuplicates(ledger);
    expect(server.requests).toHaveLength(6);
    expect(server.requests.filter((r) => r.rejected !== undefined)).toEqual([]);
    expect(server.requests.every((r) => r.status === 200)).toBe(true);
    expectTreeOrder(events);
    expectTreeOrder(more);
    expect(Object.keys(done.usageByAgent).sort()).toEqual(['leaf', 'mid', 'root']);
  },
);
