import { describe, expect, it } from 'vitest';
import {
  TOOL_NAME_PATTERN,
  validateChatRequest,
  validateStrictSchema,
} from '../support/validate-request.js';

const user = { role: 'user', content: 'Weather in Paris and Oslo?' };
const callsMessage = (...ids: string[]) => ({
  role: 'assistant',
  content: null,
  tool_calls: ids.map((id) => ({
    id,
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
  })),
});
const toolResult = (id: string) => ({ role: 'tool', tool_call_id: id, content: '21C' });
const weatherTool = (overrides: Record<string, unknown> = {}) => ({
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
    ...overrides,
  },
});

describe('validateChatRequest: accepted requests', () => {
  it('accepts a full conversation with parallel tool calls answered in any order', () => {
    const result = validateChatRequest({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You answer weather questions.' },
        user,
        callsMessage('call_a', 'call_b'),
        toolResult('call_b'),
        toolResult('call_a'),
        { role: 'assistant', content: 'Sunny in both.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [weatherTool()],
      tool_choice: 'auto',
      parallel_tool_calls: true,
    });
    expect(result).toEqual({ ok: true });
  });

  it('accepts a strict response_format whose nested objects, arrays, anyOf and $defs follow the rules', () => {
    const item = {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    };
    const result = validateChatRequest({
      model: 'gpt-4o',
      messages: [user],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'Report',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              items: { type: 'array', items: item },
              either: { anyOf: [{ type: 'string' }, { $ref: '#/$defs/Item' }] },
            },
            required: ['items', 'either'],
            additionalProperties: false,
            $defs: { Item: item },
          },
        },
      },
    });
    expect(result).toEqual({ ok: true });
  });
});

describe('validateChatRequest: the pairing of tool calls and results', () => {
  it('rejects a tool message with no preceding tool_calls, naming the message (the API spells "preceeding")', () => {
    const result = validateChatRequest({ model: 'm', messages: [user, toolResult('call_a')] });
    expect(result).toEqual({
      ok: false,
      message:
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      param: 'messages.[1].role',
      code: null,
    });
  });

  it('rejects a tool message after the block was closed by another message', () => {
    const result = validateChatRequest({
      model: 'm',
      messages: [user, callsMessage('call_a'), toolResult('call_a'), user, toolResult('call_a')],
    });
    expect(result).toMatchObject({ ok: false, param: 'messages.[4].role' });
  });

  it('rejects a tool message whose id matches none of the calls', () => {
    const result = validateChatRequest({
      model: 'm',
      messages: [user, callsMessage('call_a'), toolResult('call_zzz')],
    });
    expect(result).toEqual({
      ok: false,
      message:
        "Invalid parameter: 'tool_call_id' of 'call_zzz' not found in 'tool_calls' of previous message.",
      param: 'messages.[2].tool_call_id',
      code: null,
    });
  });

  it('rejects calls left unanswered before the next message, listing every missing id', () => {
    const result = validateChatRequest({
      model: 'm',
      messages: [user, callsMessage('call_a', 'call_b', 'call_c'), toolResult('call_b'), user],
    });
    expect(result).toEqual({
      ok: false,
      message:
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_a, call_c",
      param: 'messages.[3].role',
      code: null,
    });
  });

  it('rejects two answers to one id (calls that repeat an id), naming both messages', () => {
    const result = validateChatRequest({
      model: 'm',
      messages: [
        user,
        callsMessage('call_a', 'call_a'),
        toolResult('call_a'),
        toolResult('call_a'),
      ],
    });
    expect(result).toEqual({
      ok: false,
      message:
        "Invalid parameter: Duplicate value for 'tool_call_id' of 'call_a', in messages[2] and messages[3].",
      param: 'messages.[3].tool_call_id',
      code: null,
    });
  });

  it('rejects a conversation that ends on unanswered calls', () => {
    const result = validateChatRequest({ model: 'm', messages: [user, callsMessage('call_a')] });
    expect(result).toMatchObject({ ok: false, param: 'messages.[1].role' });
    expect(result.ok || result.message).toContain('did not have response messages: call_a');
  });

  it('rejects invalid function names echoed back in the history', () => {
    const history = callsMessage('call_a');
    history.tool_calls[0]!.function.name = 'multi_tool_use.parallel';
    const result = validateChatRequest({
      model: 'm',
      messages: [user, history, toolResult('call_a')],
    });
    expect(result).toMatchObject({
      ok: false,
      param: 'messages[1].tool_calls[0].function.name',
      code: 'invalid_value',
    });
  });
});

describe('validateStrictSchema', () => {
  const strictObject = (
    properties: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
    ...extra,
  });

  it('accepts a compliant schema and an empty parameter list', () => {
    expect(validateStrictSchema(strictObject({ a: { type: 'string' } }))).toBeNull();
    expect(validateStrictSchema(strictObject({}))).toBeNull();
  });

  it.each([
    [
      'root without additionalProperties',
      { type: 'object', properties: {}, required: [] },
      "In context=(), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'a property missing from required',
      { ...strictObject({ city: { type: 'string' } }), required: [] },
      "In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'city'.",
    ],
    [
      'a required key that is not a property',
      { ...strictObject({ city: { type: 'string' } }), required: ['city', 'unit'] },
      "In context=(), Extra required key 'unit' supplied.",
    ],
    [
      'a nested object property',
      strictObject({
        address: { type: 'object', properties: { zip: { type: 'string' } }, required: ['zip'] },
      }),
      "In context=('properties', 'address'), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'an object inside items',
      strictObject({
        list: {
          type: 'array',
          items: {
            type: 'object',
            properties: { x: { type: 'number' } },
            additionalProperties: false,
          },
        },
      }),
      "In context=('properties', 'list', 'items'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'x'.",
    ],
    [
      'an object inside anyOf',
      strictObject({ v: { anyOf: [{ type: 'string' }, { type: 'object', properties: {} }] } }),
      "In context=('properties', 'v', 'anyOf', 1), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'an object in $defs',
      strictObject({}, { $defs: { Item: { type: 'object', properties: {} } } }),
      "In context=('$defs', 'Item'), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'an object in definitions',
      strictObject(
        {},
        { definitions: { Item: { type: 'object', properties: {}, additionalProperties: true } } },
      ),
      "In context=('definitions', 'Item'), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'a root anyOf',
      { anyOf: [strictObject({})] },
      `schema must be a JSON Schema of 'type: "object"', got 'type: "None"'.`,
    ],
    [
      'a root string',
      { type: 'string' },
      `schema must be a JSON Schema of 'type: "object"', got 'type: "string"'.`,
    ],
  ])('rejects %s', (_name, schema, message) => {
    expect(validateStrictSchema(schema)).toBe(message);
  });

  it('rejects anyOf next to type object at the root', () => {
    expect(validateStrictSchema({ ...strictObject({}), anyOf: [strictObject({})] })).toMatch(
      /'anyOf' is not permitted at the root/,
    );
  });
});

describe('TOOL_NAME_PATTERN', () => {
  it('matches the API rule: letters, digits, _ and -, 1 to 64 characters', () => {
    expect(TOOL_NAME_PATTERN.test('get_weather-2')).toBe(true);
    expect(TOOL_NAME_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(TOOL_NAME_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(TOOL_NAME_PATTERN.test('')).toBe(false);
    expect(TOOL_NAME_PATTERN.test('get weather')).toBe(false);
    expect(TOOL_NAME_PATTERN.test('ns.tool')).toBe(false);
  });
});

describe('assistant content', () => {
  it('rejects an assistant message with neither content nor tool calls, as the API does', () => {
    const result = validateChatRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null },
        { role: 'user', content: 'again' },
      ],
    });
    expect(result).toMatchObject({ ok: false, param: 'messages[1].content' });
    expect(
      validateChatRequest({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: '' },
        ],
      }).ok,
    ).toBe(true);
  });
});

describe('validateChatRequest: content parts and images', () => {
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  const image = (url: string, detail?: string) => ({
    type: 'image_url',
    image_url: { url, ...(detail ? { detail } : {}) },
  });

  it('accepts images in a user message (a data URL or an https URL)', () => {
    const result = validateChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is it?' }, image(png, 'low')] },
        { role: 'user', content: [image('https://example.com/a.jpg')] },
      ],
    });
    expect(result).toEqual({ ok: true });
  });

  it('refuses an image in a tool message, as the API does: tool messages take text only', () => {
    const result = validateChatRequest({
      model: 'm',
      messages: [
        user,
        callsMessage('call_a'),
        { role: 'tool', tool_call_id: 'call_a', content: [image(png)] },
      ],
    });
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringContaining("Image URLs are only allowed for messages with role 'user'"),
      param: 'messages[2]',
    });
  });

  it('refuses an image URL that is neither http(s) nor a base64 image data URL, and a bad detail', () => {
    const bad = validateChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: [image('data:text/plain;base64,aGk=')] }],
    });
    expect(bad).toMatchObject({ ok: false, param: 'messages[0].content[0].image_url.url' });
    const detail = validateChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: [image(png, 'medium')] }],
    });
    expect(detail).toMatchObject({ ok: false, param: 'messages[0].content[0].image_url.detail' });
  });
});
