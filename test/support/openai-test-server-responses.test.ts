/**
 * The strict /v1/responses endpoint: it answers like the API (JSON and typed SSE) and refuses
 * what the API refuses, above all a reasoning item sent without the item it preceded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './index.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const errorOf = (json: Record<string, unknown>) =>
  json.error as { message: string; param: string | null; code: string | null };
const user = (text: string) => ({ role: 'user', content: text });
const base = { model: 'gpt-5-mini', store: false, include: ['reasoning.encrypted_content'] };

/** Asks for a reply with reasoning and returns its output items. */
async function issue(step: Parameters<TestServer['reply']>[0]): Promise<Record<string, unknown>[]> {
  server.reply(step);
  const { status, json } = await post({ ...base, input: [user('go')] });
  expect(status).toBe(200);
  return json.output as Record<string, unknown>[];
}

describe('/v1/responses answers', () => {
  it('a reply as a response object with reasoning, message and function call items', async () => {
    const output = await issue({
      reasoningItems: true,
      reasoningContent: 'Think.',
      content: 'Hi.',
      toolCalls: [{ id: 'call_1', name: 'f', arguments: { a: 1 } }],
      usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 2, reasoningTokens: 3 },
    });
    expect(output.map((i) => i.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(output[0]).toMatchObject({
      id: expect.stringMatching(/^rs_/),
      summary: [{ type: 'summary_text', text: 'Think.' }],
      encrypted_content: expect.any(String),
    });
    expect(output[2]).toMatchObject({
      id: expect.stringMatching(/^fc_/),
      call_id: 'call_1',
      arguments: '{"a":1}',
    });
    expect(server.requests[0]).toMatchObject({ api: 'responses', path: '/v1/responses' });
  });

  it('streams typed events with event: lines, sequence numbers, and no [DONE]', async () => {
    server.reply({ content: 'Hello there', finishReason: 'length' });
    const response = await fetch(`${server.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', input: 'hi', stream: true }),
    });
    const text = await response.text();
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types.at(-1)).toBe('response.incomplete');
    expect(text).not.toContain('[DONE]');
    const sequence = [...text.matchAll(/"sequence_number":(\d+)/g)].map((m) => Number(m[1]));
    expect(sequence).toEqual(sequence.map((_, i) => i));
  });
});

describe('/v1/responses refuses', () => {
  it('a reasoning item without its following item, in the words of the API', async () => {
    const [reasoning, call] = await issue({
      reasoningItems: true,
      toolCalls: [{ id: 'call_1', name: 'f', arguments: {} }],
    });
    const output = { type: 'function_call_output', call_id: 'call_1', output: 'ok' };
    const cases = [
      [user('go'), reasoning], // last item
      [user('go'), reasoning, user('next')], // a user message after it
      [user('go'), reasoning, { ...call, id: undefined }, output], // its call without the id that pairs them
    ];
    for (const input of cases) {
      server.reply({ content: 'never' });
      const { status, json } = await post({ ...base, input });
      expect(status).toBe(400);
      expect(errorOf(json)).toEqual({
        message: `Item '${String(reasoning?.id)}' of type 'reasoning' was provided without its required following item.`,
        type: 'invalid_request_error',
        param: 'input',
        code: null,
      } as never);
    }
    server.reply({ content: 'fine' });
    expect((await post({ ...base, input: [user('go'), reasoning, call, output] })).status).toBe(
      200,
    );
  });

  it('an item sent without the reasoning item that preceded it', async () => {
    const [reasoning, call] = await issue({
      reasoningItems: true,
      toolCalls: [{ id: 'call_1', name: 'f' }],
    });
    const { status, json } = await post({
      ...base,
      input: [user('go'), call, { type: 'function_call_output', call_id: 'call_1', output: 'ok' }],
    });
    expect(status).toBe(400);
    expect(errorOf(json).message).toBe(
      `Item '${String(call?.id)}' of type 'function_call' was provided without its required 'reasoning' item: '${String(reasoning?.id)}'.`,
    );
  });

  it('with store: false, a reasoning item without encrypted content (404); altered content (400)', async () => {
    const [reasoning, message] = await issue({ reasoningItems: true, content: 'Hi.' });
    const { encrypted_content: _e, ...bare } = reasoning as Record<string, unknown>;
    const missing = await post({ ...base, input: [user('go'), bare, message, user('more')] });
    expect(missing.status).toBe(404);
    expect(errorOf(missing.json).message).toMatch(
      /^Item with id 'rs_\w+' not found\. Items are not persisted when `store` is set to false\./,
    );
    const altered = await post({
      ...base,
      input: [
        user('go'),
        { ...reasoning, encrypted_content: 'gAAAAAforged' },
        message,
        user('more'),
      ],
    });
    expect(altered.status).toBe(400);
    expect(errorOf(altered.json).message).toMatch(/could not be verified/);
  });

  it('a function_call_output without its call, a call without its output, duplicates', async () => {
    const call = (callId: string, id?: string) => ({
      type: 'function_call',
      ...(id ? { id } : {}),
      call_id: callId,
      name: 'f',
      arguments: '{}',
    });
    const out = (callId: string) => ({
      type: 'function_call_output',
      call_id: callId,
      output: 'x',
    });
    const cases: [unknown[], string][] = [
      [
        [user('a'), out('call_9')],
        'No tool call found for function call output with call_id call_9.',
      ],
      [[user('a'), call('call_1')], 'No tool output found for function call call_1.'],
      [
        [user('a'), call('call_1'), call('call_1'), out('call_1')],
        "Duplicate value for 'call_id' of function_call items: 'call_1'. Each function call needs its own call_id.",
      ],
      [
        [user('a'), call('call_1'), out('call_1'), out('call_1')],
        'Duplicate function_call_output for call_id call_1. Each function call takes one output.',
      ],
      [
        [user('a'), call('call_1', 'fc_1'), out('call_1'), call('call_2', 'fc_1'), out('call_2')],
        'Duplicate item found with id fc_1. Remove duplicate items from your input and try again.',
      ],
      [
        [user('a'), call('call_1', 'call_1'), out('call_1')],
        "Invalid 'input[1].id': 'call_1'. Expected an ID that begins with 'fc'.",
      ],
    ];
    for (const [input, message] of cases) {
      const { status, json } = await post({ ...base, input });
      expect(status, message).toBe(400);
      expect(errorOf(json).message).toBe(message);
    }
    expect(server.requests.every((r) => r.rejected !== undefined)).toBe(true);
    expect(server.pendingSteps).toBe(0);
  });

  it('an unknown item type, and content parts a role does not take', async () => {
    const unknown = await post({ ...base, input: [user('a'), { type: 'thought', text: 'x' }] });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown.json)).toMatchObject({ param: 'input[1].type', code: 'invalid_value' });
    expect(errorOf(unknown.json).message).toMatch(
      /^Invalid value: 'thought'\. Supported values are: 'message', 'reasoning', 'function_call', 'function_call_output',/,
    );
    const wrongPart = await post({
      ...base,
      input: [user('a'), { role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }],
    });
    expect(errorOf(wrongPart.json).message).toBe(
      "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
    );
  });

  it('encrypted reasoning for a model that does not reason', async () => {
    const { status, json } = await post({ ...base, model: 'gpt-4o-mini', input: 'hi' });
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({
      message: 'Encrypted content is not supported with this model.',
      param: 'include',
    });
  });

  it('a function tool whose schema is not strict unless it says strict: false (strict is the default)', async () => {
    const loose = { type: 'object', properties: { a: { type: 'string' } } };
    const refused = await post({
      ...base,
      input: 'hi',
      tools: [{ type: 'function', name: 'f', parameters: loose }],
    });
    expect(refused.status).toBe(400);
    expect(errorOf(refused.json).code).toBe('invalid_function_parameters');
    server.reply({ content: 'ok' });
    const accepted = await post({
      ...base,
      input: 'hi',
      tools: [{ type: 'function', name: 'f', parameters: loose, strict: false }],
    });
    expect(accepted.status).toBe(200);
  });

  it('takes reasoning it did not issue when an item the model produced follows it', async () => {
    const foreign = {
      id: 'rs_foreign',
      type: 'reasoning',
      summary: [],
      encrypted_content: 'gAAAAAx',
    };
    server.reply({ content: 'ok' });
    const ok = await post({
      ...base,
      input: [user('a'), foreign, { type: 'message', role: 'assistant', content: 'Hi' }, user('b')],
    });
    expect(ok.status).toBe(200);
    const refused = await post({
      ...base,
      input: [user('a'), foreign, { type: 'function_call_output', call_id: 'c', output: 'x' }],
    });
    expect(errorOf(refused.json).message).toBe(
      "Item 'rs_foreign' of type 'reasoning' was provided without its required following item.",
    );
  });
});
