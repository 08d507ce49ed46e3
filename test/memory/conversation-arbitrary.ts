/**
 * fast-check generators of realistic conversations: several system messages, user turns,
 * assistant text, assistant messages with 1-5 parallel tool calls and their results (some long),
 * unicode everywhere.
 */

import fc from 'fast-check';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

const words = fc.constantFrom(
  'weather',
  'Paris',
  'Oslo',
  'température',
  '東京',
  'ok',
  'the',
  'forecast',
  '🌧️',
  'naïve',
  'données',
  'ümlaut',
  'résumé',
  '42',
  'km/h',
  'Привет',
  'مرحبا',
  'see',
  'tool',
  'result',
);
const text = (max: number) =>
  fc.array(words, { minLength: 1, maxLength: max }).map((parts) => parts.join(' '));
const longText = fc
  .tuple(text(12), fc.integer({ min: 10, max: 60 }))
  .map(([chunk, times]) => Array.from({ length: times }, () => chunk).join('\n'));

interface StepSpec {
  kind: 'text' | 'calls';
  reply: string;
  outputs: { content: string }[];
}

const step: fc.Arbitrary<StepSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    reply: text(30),
    outputs: fc.constant<{ content: string }[]>([]),
  }),
  fc.record({
    kind: fc.constant('calls' as const),
    reply: fc.oneof(fc.constant(''), text(10)),
    outputs: fc.array(
      fc.record({
        content: fc.oneof({ weight: 3, arbitrary: text(40) }, { weight: 1, arbitrary: longText }),
      }),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
  }),
);

const turn = fc.record({
  user: text(40),
  steps: fc.array(step, { maxLength: 3 }),
  systemAfter: fc.option(text(10), { freq: 8 }),
});

/** A conversation that is a valid request, with its parts, for property tests. */
export const conversation: fc.Arbitrary<ChatCompletionMessageParam[]> = fc
  .record({
    systems: fc.array(text(25), { minLength: 1, maxLength: 3 }),
    developer: fc.boolean(),
    turns: fc.array(turn, { minLength: 1, maxLength: 8 }),
    endsWithUser: fc.boolean(),
  })
  .map(({ systems, developer, turns, endsWithUser }) => {
    const messages: ChatCompletionMessageParam[] = systems.map((content) => ({
      role: 'system',
      content,
    }));
    if (developer) messages.push({ role: 'developer', content: 'Answer briefly.' });
    let callNumber = 0;
    for (const t of turns) {
      messages.push({ role: 'user', content: t.user });
      for (const s of t.steps) {
        if (s.kind === 'text') {
          messages.push({ role: 'assistant', content: s.reply });
          continue;
        }
        const ids = s.outputs.map(() => `call_${++callNumber}`);
        messages.push({
          role: 'assistant',
          content: s.reply.length > 0 ? s.reply : null,
          tool_calls: ids.map((id, i) => ({
            id,
            type: 'function' as const,
            function: {
              name: i % 2 === 0 ? 'get_weather' : 'web_search',
              arguments: JSON.stringify({ q: s.reply.slice(0, 20) }),
            },
          })),
        });
        // Results come back in any order, as parallel calls do.
        const order = ids.map((id, i) => ({ id, content: s.outputs[i]?.content ?? '' }));
        if (callNumber % 3 === 0) order.reverse();
        for (const { id, content } of order)
          messages.push({ role: 'tool', tool_call_id: id, content });
      }
      if (t.systemAfter !== null) messages.push({ role: 'system', content: t.systemAfter });
    }
    if (endsWithUser) messages.push({ role: 'user', content: 'And tomorrow?' });
    return messages;
  });
