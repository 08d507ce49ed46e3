/**
 * Handoffs through the real `openai` client against the strict test server, which refuses what
 * the API refuses: the handoff tools' strict schemas, every call answered (the losers of parallel
 * handoff calls too), the conversation each agent is handed, streamed and not.
 */
import { Agent, handoff, openai, removeToolCalls } from '@agentloop/core';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/index.js';
import { expectOneTerminal, recordEvents } from './handoff-support.js';

const API_KEY = 'sk-test-handoffs';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ apiKey: API_KEY });
});
afterEach(() => server.close());

function desk() {
  const ran: string[] = [];
  const model = openai('gpt-4o-mini', { apiKey: API_KEY, baseURL: server.url });
  const forecast = tool({
    name: 'forecast',
    description: 'The forecast for a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      ran.push(`forecast:${city}`);
      return `${city}: rain`;
    },
  });
  const weather = new Agent({
    name: 'weather',
    instructions: 'Weather only.',
    model,
    tools: [forecast],
  });
  const search = new Agent({ name: 'search', instructions: 'Search only.', model });
  const triage = new Agent({
    name: 'triage',
    instructions: 'Route.',
    model,
    tools: [forecast],
    handoffs: [handoff(weather, { inputFilter: removeToolCalls }), search],
  });
  return { triage, ran };
}

describe('handoffs on the wire', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`${mode}: a tool and parallel handoffs in one turn, then the winner's tool: every request accepted`, async () => {
      const { triage, ran } = desk();
      server.reply(
        {
          toolCalls: [
            { id: 'c1', name: 'forecast', arguments: { city: 'Oslo' } },
            { id: 'c2', name: 'transfer_to_weather', arguments: {} },
            { id: 'c3', name: 'transfer_to_search', arguments: {} },
          ],
        },
        { toolCalls: [{ id: 'c4', name: 'forecast', arguments: { city: 'Bergen' } }] },
        { content: 'Rain in Oslo and Bergen.' },
      );
      const events = recordEvents(triage);
      let result: Awaited<ReturnType<typeof triage.run>>;
      if (mode === 'run') {
        result = await triage.run('Weather in Oslo and Bergen?');
      } else {
        const stream = triage.stream('Weather in Oslo and Bergen?');
        for await (const _ of stream);
        result = await stream.result;
      }

      expect(result).toMatchObject({ agent: 'weather', text: 'Rain in Oslo and Bergen.' });
      expect(ran).toEqual(['forecast:Oslo', 'forecast:Bergen']);
      expect(server.requests.map((r) => r.rejected)).toEqual([undefined, undefined, undefined]);
      const [first, second] = server.requests.map((r) => r.body);
      expect(first?.tools?.map((t) => (t.type === 'function' ? t.function.name : ''))).toEqual([
        'forecast',
        'transfer_to_weather',
        'transfer_to_search',
      ]);
      // The weather agent got the conversation without the triage turn's tool calls.
      expect(second?.messages).toEqual([
        { role: 'system', content: 'Weather only.' },
        { role: 'user', content: 'Weather in Oslo and Bergen?' },
      ]);
      expect(second?.tools?.map((t) => (t.type === 'function' ? t.function.name : ''))).toEqual([
        'forecast',
      ]);
      expect(events.filter((e) => e.type === 'agent:handoff')).toEqual([
        expect.objectContaining({ from: 'triage', to: 'weather', toolCallId: 'c2' }),
      ]);
      expectOneTerminal(events, 'run:end');
    });
  }
});
