/**
 * The conversation as Responses input items: an assistant message's output entries are replayed
 * in place, and a reasoning item only ever goes with the item it preceded.
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../packages/core/src/errors/errors.js';
import { toResponsesInput } from '../../packages/core/src/models/responses-input.js';

const rs = (id: string) => ({
  id,
  type: 'reasoning',
  summary: [],
  encrypted_content: `enc-${id}`,
});
const call = (id: string, name = 'f') => ({
  id,
  type: 'function' as const,
  function: { name, arguments: '{}' },
});
const assistant = (
  fields: Partial<ChatCompletionAssistantMessageParam> & { responses_output?: unknown[] },
): ChatCompletionMessageParam => ({ role: 'assistant', content: null, ...fields }) as never;
const fcItem = (callId: string, id?: string) => ({
  type: 'function_call',
  ...(id ? { id } : {}),
  call_id: callId,
  name: 'f',
  arguments: '{}',
});
const msgItem = (text: string, id?: string) => ({
  ...(id ? { id } : {}),
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: [] }],
});

describe('toResponsesInput', () => {
  it('a message without output entries becomes its text, then its calls, without ids', () => {
    expect(
      toResponsesInput([assistant({ content: 'Looking.', tool_calls: [call('c1'), call('c2')] })]),
    ).toEqual([msgItem('Looking.'), fcItem('c1'), fcItem('c2')]);
  });

  it('replays entries in place: reasoning directly before the item it preceded, which keeps its id', () => {
    const input = toResponsesInput([
      assistant({
        content: 'A',
        tool_calls: [call('c1')],
        responses_output: [
          rs('rs_1'),
          { type: 'message', id: 'msg_1' },
          rs('rs_2'),
          { type: 'function_call', id: 'fc_1', call_id: 'c1' },
        ],
      }),
    ]);
    expect(input).toEqual([rs('rs_1'), msgItem('A', 'msg_1'), rs('rs_2'), fcItem('c1', 'fc_1')]);
  });

  it('drops a reasoning item whose following item is gone (a final answer forced without calls)', () => {
    const input = toResponsesInput([
      assistant({
        content: null,
        responses_output: [rs('rs_1'), { type: 'function_call', id: 'fc_1', call_id: 'c1' }],
      }),
    ]);
    expect(input).toEqual([]);
  });

  it('a call whose id the loop made unique goes last without an id, and its reasoning is dropped', () => {
    const input = toResponsesInput([
      assistant({
        tool_calls: [call('c1'), call('c1x')],
        responses_output: [
          rs('rs_1'),
          { type: 'function_call', id: 'fc_1', call_id: 'c1' },
          rs('rs_2'),
          { type: 'function_call', id: 'fc_2', call_id: 'c1' },
        ],
      }),
    ]);
    expect(input).toEqual([rs('rs_1'), fcItem('c1', 'fc_1'), fcItem('c1x')]);
  });

  it('a chain of reasoning items goes whole when its last item goes', () => {
    const input = toResponsesInput([
      assistant({
        tool_calls: [call('c1')],
        responses_output: [
          rs('rs_1'),
          rs('rs_2'),
          { type: 'function_call', id: 'fc_1', call_id: 'c1' },
        ],
      }),
    ]);
    expect(input).toEqual([rs('rs_1'), rs('rs_2'), fcItem('c1', 'fc_1')]);
  });

  it('several message items keep their own texts; edited text goes into the first one', () => {
    const entries = [
      { type: 'message', id: 'msg_1', text: 'One. ' },
      rs('rs_1'),
      { type: 'message', id: 'msg_2', text: 'Two.' },
    ];
    expect(
      toResponsesInput([assistant({ content: 'One. Two.', responses_output: entries })]),
    ).toEqual([msgItem('One. '), rs('rs_1'), msgItem('Two.', 'msg_2')]);
    // An interceptor rewrote the text: the whole text goes into the first message item, and the
    // second (with the reasoning before it) goes no more.
    expect(
      toResponsesInput([assistant({ content: 'Edited.', responses_output: entries })]),
    ).toEqual([msgItem('Edited.')]);
  });

  it('an item with an id but no reasoning before it goes without the id', () => {
    const input = toResponsesInput([
      assistant({
        content: 'Hi',
        tool_calls: [call('c1')],
        responses_output: [
          { type: 'message', id: 'msg_1' },
          rs('rs_1'),
          { type: 'function_call', id: 'fc_1', call_id: 'c1' },
        ],
      }),
    ]);
    expect(input).toEqual([msgItem('Hi'), rs('rs_1'), fcItem('c1', 'fc_1')]);
  });

  it('a refusal goes as a refusal part; a hosted item as it came', () => {
    const hosted = {
      type: 'web_search_call',
      id: 'ws_1',
      status: 'completed',
      action: { type: 'search' },
    };
    const input = toResponsesInput([
      assistant({
        refusal: 'No.',
        responses_output: [rs('rs_1'), { type: 'message', id: 'msg_1' }, hosted],
      }),
    ]);
    expect(input).toEqual([
      rs('rs_1'),
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'refusal', refusal: 'No.' }],
      },
      hosted,
    ]);
  });

  it('tool messages become function_call_output; audio parts and the function role are refused', () => {
    expect(
      toResponsesInput([
        {
          role: 'tool',
          tool_call_id: 'c1',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ]),
    ).toEqual([{ type: 'function_call_output', call_id: 'c1', output: 'ab' }]);
    const audio = () =>
      toResponsesInput([
        {
          role: 'user',
          content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }],
        },
      ]);
    expect(audio).toThrow(ConfigurationError);
    expect(audio).toThrow(/input_audio/);
    expect(() => toResponsesInput([{ role: 'function', name: 'f', content: 'x' }])).toThrow(
      /role "function"/,
    );
  });
});
