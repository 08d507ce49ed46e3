import type { ModelRequest } from '@agentloop/core';
import type { ScriptedReplyObject } from '@agentloop/core/testing';
import { currentToolResults, lastUserText } from '@agentloop-examples/shared';
import { placesIn } from '@agentloop-examples/weather-bot';

const WEATHER_WORDS = /\b(weather|temperature|forecast|rain|raining|sunny|cold|warm|hot|wind)\b/i;
const SUMMARY_ASK = /^\s*(summari[sz]e|tl;?dr)\b[^:]*:\s*/i;

/**
 * The triage agent offline: a summary request calls `summarise` (and passes its answer on), a
 * weather question about a named place hands over to the weather agent, anything else to the
 * search agent.
 *
 * @param request - the request the triage agent sends.
 * @returns the scripted reply.
 */
export function triageResponder(request: ModelRequest): string | ScriptedReplyObject {
  const summary = currentToolResults(request).find((r) => r.name === 'summarise');
  if (summary) return `Here is the summary: ${summary.content}`;
  const question = lastUserText(request);
  const ask = SUMMARY_ASK.exec(question);
  if (ask) {
    return {
      toolCalls: [{ name: 'summarise', arguments: { input: question.slice(ask[0].length) } }],
    };
  }
  const weather = WEATHER_WORDS.test(question) && placesIn(question).length > 0;
  return {
    toolCalls: [
      { name: weather ? 'transfer_to_weather_bot' : 'transfer_to_search_bot', arguments: {} },
    ],
  };
}

/**
 * The summariser offline: the first two sentences of the text it is given.
 *
 * @param request - the request the summariser sends.
 * @returns the summary.
 */
export function summariserResponder(request: ModelRequest): string {
  const text = lastUserText(request).replace(/\s+/g, ' ').trim();
  const sentences = text.match(/[^.!?]+[.!?]+/g) ?? [text];
  return sentences.slice(0, 2).join('').trim();
}
