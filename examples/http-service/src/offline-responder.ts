import type { ScriptedResponder } from '@agentloop/core/testing';
import {
  currentToolResults,
  jsonOutput,
  lastUserText,
  messageText,
  offersTool,
} from '@agentloop-examples/shared';
import type { TimeReading } from './get-time-tool.js';

const ZONE = /\b(?:UTC|[A-Z][A-Za-z_]+\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/g;

/**
 * Answers like a model when no endpoint is configured, driven by the request: a question about
 * the time calls `get_time` once per time zone it names (in parallel), the tool results are turned
 * into the answer, the `poet` agent gets a JSON poem, and anything else is echoed with what the
 * session remembers, so sessions can be seen working offline.
 *
 * @param request - the model request the agent built (history included).
 * @returns the scripted reply.
 */
export const offlineResponder: ScriptedResponder = (request) => {
  const said = lastUserText(request);
  const results = currentToolResults(request);
  if (results.length > 0) {
    return results
      .map((result) => {
        const reading = jsonOutput<TimeReading>(result);
        return reading
          ? `It is ${reading.local} in ${reading.timeZone}.`
          : `The time could not be read: ${result.content}`;
      })
      .join('\n');
  }
  if (request.response_format?.type === 'json_schema') {
    const topic = said.length > 40 ? `${said.slice(0, 40)}…` : said;
    return JSON.stringify({
      title: `On ${topic}`,
      lines: [
        `No model is configured, so this is a scripted poem about ${topic}.`,
        'Set OPENAI_API_KEY for a real one.',
      ],
    });
  }
  if (/\b(time|date|clock)\b/i.test(said) && offersTool(request, 'get_time')) {
    const zones = [...new Set(said.match(ZONE) ?? ['UTC'])];
    return { toolCalls: zones.map((timeZone) => ({ name: 'get_time', arguments: { timeZone } })) };
  }
  const earlier = request.messages.filter((m) => m.role === 'user').slice(0, -1);
  const last = earlier.at(-1);
  const memory = last
    ? `This session remembers ${earlier.length} earlier message(s); the last was "${messageText(last)}".`
    : 'This is the first message of this session.';
  return `(offline) You said "${said}". ${memory}`;
};
