/**
 * The pieces the examples are made of, without spawning: question parsing of the scripted
 * responders, model selection, the weather fixtures behind the real weather tool, the approval
 * hook, progress printing and citations.
 */
import type { AgentEvent, ModelRequest, RunResult } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { ToolRegistry } from '@agentloop/tools';
import { weatherTool } from '@agentloop/tools/builtin';
import { describe, expect, it } from 'vitest';
import { createApproval } from '../../examples/custom-agent/src/approval.js';
import { Inventory } from '../../examples/custom-agent/src/inventory.js';
import { requestedItems } from '../../examples/custom-agent/src/order-responder.js';
import { EventTimeline } from '../../examples/demo/src/event-timeline.js';
import { citedSources, keywordsOf } from '../../examples/search-bot/src/index.js';
import { currentToolResults, selectModel, ToolProgress } from '../../examples/shared/src/index.js';
import { fixtureFetch, placesIn, weatherResponder } from '../../examples/weather-bot/src/index.js';
import { type Deferred, deferred, settleEventLoop } from '../support/deferred.js';

describe('question parsing of the scripted responders', () => {
  it('finds the places of a weather question, multi-word names included', () => {
    expect(placesIn("What's the weather in Paris, Oslo and New York right now?")).toEqual([
      'Paris',
      'Oslo',
      'New York',
    ]);
    expect(placesIn('And in Rio de Janeiro?')).toEqual(['Rio de Janeiro']);
    expect(placesIn('how warm is it?')).toEqual([]);
  });

  it('keeps the keywords of a search question', () => {
    expect(keywordsOf('How does agentloop retry transient model faults?')).toBe(
      'agentloop retry transient model faults',
    );
    expect(keywordsOf('what is it?')).toBe('');
  });

  it('reads the items of an order', () => {
    expect(requestedItems('Order 3 USB-C docks and 40 4K monitors for ACME.')).toEqual([
      { quantity: 3, item: 'USB-C docks' },
      { quantity: 40, item: '4K monitors' },
    ]);
    expect(requestedItems('Hello there')).toEqual([]);
  });

  it('answers from the tool messages of the current question only', () => {
    const request: ModelRequest = {
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: '{"temperature":14}' },
        { role: 'assistant', content: 'Oslo: 14 °C.' },
        { role: 'user', content: 'And Paris?' },
      ],
    };
    expect(currentToolResults(request)).toEqual([]);
    expect(weatherResponder(request)).toEqual({
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
    });
  });
});

describe('selectModel', () => {
  const offline = () => 'scripted';

  it('is a scripted model when no endpoint is configured (blank values count as unset)', () => {
    const selected = selectModel({ offline, env: { OPENAI_API_KEY: '  ' } });
    expect(selected.offline).toBe(true);
    expect(selected.model).toBeInstanceOf(ScriptedModel);
    expect(selected.notice).toMatch(/^offline: no OPENAI_API_KEY or OPENAI_BASE_URL/);
  });

  it('is openai(AGENTLOOP_MODEL) with a key or a base URL', () => {
    const keyed = selectModel({ offline, env: { OPENAI_API_KEY: 'sk-test' } });
    expect(keyed.offline).toBe(false);
    expect(keyed.model.name).toBe('gpt-4o-mini');
    expect(keyed.notice).not.toContain('sk-test');
    const local = selectModel({
      offline,
      env: { OPENAI_BASE_URL: 'http://localhost:11434/v1', AGENTLOOP_MODEL: 'llama3.1:8b' },
    });
    expect(local.offline).toBe(false);
    expect(local.model.name).toBe('llama3.1:8b');
    expect(local.notice).toContain('http://localhost:11434/v1');
  });
});

describe('the weather fixtures behind the real weather tool', () => {
  const registry = new ToolRegistry([weatherTool({ fetch: fixtureFetch({ latencyScale: 0 }) })]);
  const call = (args: object) =>
    registry.execute({ id: 'c', name: 'get_weather', arguments: JSON.stringify(args) });

  it('answers like Open-Meteo, in the unit asked for', async () => {
    const celsius = await call({ city: 'Oslo' });
    expect(celsius.ok && celsius.value).toMatchObject({
      location: { name: 'Oslo', country: 'Norway' },
      temperature: 14.2,
      units: { temperature: '°C' },
    });
    const fahrenheit = await call({ city: 'Oslo', unit: 'fahrenheit' });
    expect(fahrenheit.ok && fahrenheit.value).toMatchObject({
      temperature: 57.6,
      units: { temperature: '°F' },
    });
  });

  it('tells two places of the same name apart by country, as the real geocoder does', async () => {
    const texas = await call({ city: 'Paris', country: 'US' });
    expect(texas.ok && texas.value).toMatchObject({ location: { region: 'Texas' } });
  });

  it("leaves an unknown city to the tool's own error", async () => {
    const outcome = await call({ city: 'Atlantis' });
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/No place named "Atlantis"/);
  });
});

describe('the approval hook', () => {
  const info = (args: object) => ({
    runId: 'r',
    turn: 1,
    agent: 'a',
    context: undefined,
    toolCallId: 't',
    name: 'place_order',
    args,
  });

  it('approves up to the limit and denies above it with a reason', async () => {
    const approve = createApproval({ inventory: new Inventory(), limitUsd: 1000 });
    expect(await approve(info({ sku: 'DOCK-USBC', quantity: 6 }))).toEqual({ action: 'approve' });
    const denied = await approve(info({ sku: 'DOCK-USBC', quantity: 7 }));
    expect(denied).toMatchObject({
      action: 'deny',
      reason: expect.stringMatching(/over \$1,000\.00/),
    });
    expect(await approve({ ...info({}), name: 'find_products' })).toEqual({ action: 'approve' });
  });

  it('asks a person one question at a time, even for concurrent calls', async () => {
    let open = 0;
    let most = 0;
    const asked: string[] = [];
    // Each question waits for its answer until the test gives it.
    const answers = [deferred(), deferred()];
    const askedNth = [deferred(), deferred()];
    const approve = createApproval({
      inventory: new Inventory(),
      ask: async (question) => {
        open += 1;
        most = Math.max(most, open);
        asked.push(question);
        askedNth[asked.length - 1]?.resolve();
        await (answers[asked.length - 1] as Deferred<void>).promise;
        open -= 1;
        return question.includes('dock');
      },
    });
    const pending = Promise.all([
      approve(info({ sku: 'DOCK-USBC', quantity: 1 })),
      approve(info({ sku: 'MOUSE-WL', quantity: 1 })),
    ]);
    // The first question is open: the second, free to go, waits for its answer.
    await askedNth[0]?.promise;
    await settleEventLoop();
    expect(asked).toHaveLength(1);
    answers[0]?.resolve();
    await askedNth[1]?.promise;
    answers[1]?.resolve();
    const decisions = await pending;
    expect(most).toBe(1);
    expect(asked).toHaveLength(2);
    expect(decisions.map((d) => d?.action)).toEqual(['approve', 'deny']);
  });
});

describe('progress and event printing', () => {
  const base = { runId: 'r', turn: 1, agent: 'a', path: ['a'] };
  const outcome = (id: string) => ({
    toolCallId: id,
    name: 'x',
    ok: true as const,
    output: '',
    args: {},
    value: null,
    durationMs: 30,
  });
  const feed = (events: AgentEvent[]): string => {
    let text = '';
    let clock = 0;
    const progress = new ToolProgress({ write: (t) => (text += t), now: () => (clock += 10) });
    for (const event of events) progress.handle(event);
    return text;
  };
  const start = (id: string): AgentEvent => ({
    ...base,
    type: 'tool:start',
    toolCallId: id,
    name: 'x',
    args: {},
  });
  const end = (id: string): AgentEvent => ({
    ...base,
    type: 'tool:end',
    toolCallId: id,
    name: 'x',
    outcome: outcome(id),
  });
  const turnEnd: AgentEvent = {
    ...base,
    type: 'turn:end',
    finishReason: 'tool_calls',
    toolCalls: 2,
  };

  it('says calls ran in parallel only when they overlapped', () => {
    expect(feed([start('a'), start('b'), end('a'), end('b'), turnEnd])).toMatch(
      /⇉ 2 tool calls ran in parallel: \d+ ms in all, 60 ms one after another/,
    );
    expect(feed([start('a'), end('a'), start('b'), end('b'), turnEnd])).toMatch(
      /⇉ 2 tool calls ran one at a time/,
    );
  });

  it('prints a denied call (no tool:start) without counting it as in flight', () => {
    const denied: AgentEvent = {
      ...base,
      type: 'tool:end',
      toolCallId: 'd',
      name: 'pay',
      denied: true,
      outcome: {
        toolCallId: 'd',
        name: 'pay',
        ok: false,
        output: 'Error: the call to "pay" was denied: over the limit. Do not retry it unchanged.',
        value: undefined,
        error: {
          code: 'denied',
          message: 'the call to "pay" was denied: over the limit. Do not retry it unchanged.',
        },
        durationMs: 0,
      },
    };
    const turnStart: AgentEvent = { ...base, type: 'turn:start' };
    const text = feed([
      turnStart,
      start('a'),
      denied,
      end('a'),
      turnEnd,
      turnStart,
      start('b'),
      start('c'),
      end('b'),
      end('c'),
      turnEnd,
    ]);
    expect(text).toContain('⊘ pay denied: over the limit\n');
    // The next turn's overlapping calls are still seen as parallel.
    expect(text).toMatch(/⇉ 2 tool calls ran in parallel/);
    expect(text).not.toMatch(/one at a time/);
  });

  it('prints a call that never started (invalid arguments) without counting it as in flight', () => {
    const invalid: AgentEvent = {
      ...base,
      type: 'tool:end',
      toolCallId: 'i',
      name: 'get_weather',
      outcome: {
        toolCallId: 'i',
        name: 'get_weather',
        ok: false,
        output: 'Error: invalid arguments for tool "get_weather": city: expected string.',
        value: undefined,
        error: { code: 'invalid_arguments', message: 'city: expected string' },
        durationMs: 0,
      },
    };
    const turnStart: AgentEvent = { ...base, type: 'turn:start' };
    const text = feed([
      turnStart,
      start('a'),
      invalid,
      end('a'),
      turnEnd,
      turnStart,
      start('b'),
      start('c'),
      end('b'),
      end('c'),
      turnEnd,
    ]);
    expect(text).toContain('✗ get_weather invalid_arguments: city: expected string\n');
    expect(text).toMatch(/⇉ 2 tool calls ran in parallel/);
    expect(text).not.toMatch(/one at a time/);
  });

  it('folds repeated events into one timeline', () => {
    const timeline = new EventTimeline();
    for (const event of [start('a'), start('b'), end('a'), end('b'), turnEnd])
      timeline.record(event);
    expect(timeline.lines()).toEqual(['tool:start ×2 → tool:end ×2 → turn:end']);
  });
});

describe('citedSources', () => {
  it('lists the files found that the answer mentions, not the others', () => {
    const hit = (path: string) => ({
      path,
      line: 1,
      title: undefined,
      section: undefined,
      score: 1,
      snippet: '',
    });
    const result = {
      text: 'See guides/retries.md:3 and docs/README.md.',
      toolCalls: [
        {
          name: 'search_documents',
          outcome: {
            ok: true,
            value: {
              results: [
                hit('guides/retries.md'),
                hit('other.md'),
                hit('README.md'),
                hit('docs/README.md'),
              ],
            },
          },
        },
      ],
    } as unknown as RunResult<unknown>;
    // `README.md` is part of `docs/README.md` but is not cited by it.
    expect(citedSources(result)).toEqual({
      files: ['guides/retries.md', 'docs/README.md'],
      urls: [],
    });
  });
});
