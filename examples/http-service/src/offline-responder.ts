import type { ModelRequest } from '@agentloop/core';
import type { ScriptedReplyObject, ScriptedResponder } from '@agentloop/core/testing';

type Message = ModelRequest['messages'][number];

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
  const messages = request.messages;
  const last = messages.at(-1);
  if (last?.role === 'tool') return answerFromTools(messages);
  const said = textOf(last);
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
  if (/\b(time|date|clock)\b/i.test(said) && request.tools?.some(isGetTime)) {
    const zones = [...new Set(said.match(ZONE) ?? ['UTC'])];
    return { toolCalls: zones.map((timeZone) => ({ name: 'get_time', arguments: { timeZone } })) };
  }
  const earlier = messages.filter((m) => m.role === 'user').slice(0, -1);
  const memory =
    earlier.length === 0
      ? 'This is the first message of this session.'
      : `This session remembers ${earlier.length} earlier message(s); the last was "${textOf(earlier.at(-1))}".`;
  return `(offline) You said "${said}". ${memory}`;
};

function answerFromTools(messages: readonly Message[]): string | ScriptedReplyObject {
  const start = messages.findLastIndex((m) => m.role !== 'tool');
  const lines = messages.slice(start + 1).map((m) => {
    const content = textOf(m);
    try {
      const reading = JSON.parse(content) as { timeZone?: string; local?: string };
      if (reading.local && reading.timeZone)
        return `It is ${reading.local} in ${reading.timeZone}.`;
    } catch {
      // Not JSON: the tool failed, and its message says why.
    }
    return `The time could not be read: ${content}`;
  });
  return lines.join('\n');
}

function isGetTime(t: NonNullable<ModelRequest['tools']>[number]): boolean {
  return t.type === 'function' && t.function.name === 'get_time';
}

function textOf(message: Message | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
