import {
  TokenCounter,
  toolImagesCallIds,
  toolImagesMessage,
  trimMessages,
} from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { imageDataUrl } from '../support/image-bytes.js';
import { validateChatRequest } from '../support/validate-request.js';

const counter = new TokenCounter({ model: 'gpt-4o' });
const chart = imageDataUrl({ format: 'png', width: 1024, height: 1024, filler: 5_000 });

/** A turn: a question, a call to `chart`, its text result, its image, and the answer. */
function imageTurn(n: number): ChatCompletionMessageParam[] {
  const id = `call_${n}`;
  const images = toolImagesMessage([
    { toolCallId: id, name: 'chart', images: [{ type: 'image_url', image_url: { url: chart } }] },
  ]);
  return [
    { role: 'user', content: `Chart ${n}?` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id, type: 'function', function: { name: 'chart', arguments: '{}' } }],
    },
    { role: 'tool', tool_call_id: id, content: `chart ${n} rendered` },
    images as ChatCompletionMessageParam,
    { role: 'assistant', content: `Chart ${n} shows growth.` },
  ];
}

describe('the user message carrying tool images', () => {
  it('labels each call and is recognised by those labels only', () => {
    const message = toolImagesMessage([
      { toolCallId: 'call_a', name: 'chart', images: [] },
      {
        toolCallId: 'call_b',
        name: 'photo',
        images: [
          { type: 'image_url', image_url: { url: chart } },
          { type: 'image_url', image_url: { url: chart, detail: 'low' } },
        ],
      },
    ]);
    expect(message?.role).toBe('user');
    expect(((message?.content ?? []) as { type: string }[]).map((p) => p.type)).toEqual([
      'text',
      'image_url',
      'image_url',
    ]);
    expect(toolImagesCallIds(message as ChatCompletionMessageParam)).toEqual(['call_b']);
    expect(toolImagesMessage([{ toolCallId: 'call_a', name: 'chart', images: [] }])).toBe(
      undefined,
    );
    expect(toolImagesCallIds({ role: 'user', content: 'Images returned by tool call x' })).toBe(
      undefined,
    );
    // It is priced as text plus 765 for the 1024x1024 PNG, not as 7 KB of base64.
    const text = counter.countText('[Images returned by tool call call_b (photo)]');
    expect(counter.countMessage(message as ChatCompletionMessageParam)).toBe(
      3 + counter.countText('user') + text + 765 + 85,
    );
  });

  it('trimming keeps an image with its tool call and result: an older turn goes whole', () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You read charts.' },
      ...imageTurn(1),
      { role: 'user', content: 'Thanks. Anything else?' },
      { role: 'assistant', content: 'No.' },
    ];
    const [system, , , , images, answer, question, last] = messages as ChatCompletionMessageParam[];
    // Room for the newest turn plus the image message and the answer of the one before, but
    // not for that turn's question, call and result: the image must not stay behind alone.
    const tail = counter.countMessages([
      system as ChatCompletionMessageParam,
      images as ChatCompletionMessageParam,
      answer as ChatCompletionMessageParam,
      question as ChatCompletionMessageParam,
      last as ChatCompletionMessageParam,
    ]);
    const result = trimMessages({ messages, maxTokens: tail + 5, counter });
    expect(result.messages).toEqual([system, question, last]);
    expect(validateChatRequest({ model: 'gpt-4o', messages: result.messages })).toEqual({
      ok: true,
    });
    // With room for all of it, the turn is kept whole, image included.
    const whole = trimMessages({ messages, maxTokens: counter.countMessages(messages), counter });
    expect(whole.messages).toEqual(messages);
  });

  it('a long conversation of image turns trimmed to many budgets: always valid, within budget, images with their calls', () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You read charts.' },
      ...Array.from({ length: 8 }, (_, i) => imageTurn(i + 1)).flat(),
    ];
    const newestTurn = counter.countMessages([messages[0], ...imageTurn(8)] as never);
    for (let budget = newestTurn; budget <= counter.countMessages(messages); budget += 97) {
      const { messages: sent, tokens } = trimMessages({ messages, maxTokens: budget, counter });
      expect(tokens).toBeLessThanOrEqual(budget);
      expect(counter.countMessages(sent)).toBe(tokens);
      expect(validateChatRequest({ model: 'gpt-4o', messages: sent })).toEqual({ ok: true });
      sent.forEach((message, i) => {
        const ids = toolImagesCallIds(message);
        if (!ids) return;
        const before = sent[i - 1];
        expect(before?.role === 'tool' && ids.includes(before.tool_call_id)).toBe(true);
      });
    }
  });
});
