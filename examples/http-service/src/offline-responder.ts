import type { ScriptedResponder } from '@agentloop/core/testing';
import {
  currentToolResults,
  jsonOutput,
  lastUserText,
  messageText,
  offersTool,
} from '@agentloop-examples/shared';
import type { TimeReading } from './get-time-tool.js';
import type { Refund } from './refund-order-tool.js';

const ZONE = /\b(?:UTC|[A-Z][A-Za-z_]+\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/g;
const ORDER_NUMBER = /\b\d+\b/g;

/**
 * Answers like a model when no endpoint is configured, driven by the request: a question about
 * the time calls `get_time` once per time zone it names (in parallel), the tool results are turned
 * into the answer, the `poet` agent gets a JSON poem, a request to refund orders calls
 * `refund_order` once per order number it names (in parallel; each waits for approval), and
 * anything else is echoed with what the session remembers, so sessions can be seen working
 * offline. A rejected refund is answered with the rejection's message, as a model would.
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
        if (result.name === 'refund_order') {
          const refund = jsonOutput<Refund>(result);
          const orderId = (result.args as { orderId?: unknown } | undefined)?.orderId;
          // A rejection's message is plain text where the refund would be.
          return typeof refund?.refundId === 'string'
            ? `Order ${refund.orderId} is refunded (${refund.refundId}).`
            : `Order ${String(orderId)} was not refunded: ${result.content}`;
        }
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
  if (/\brefund/i.test(said) && offersTool(request, 'refund_order')) {
    const orders = [...new Set(said.match(ORDER_NUMBER) ?? [])];
    if (orders.length === 0) return 'Which order should I refund? Give me its number.';
    return {
      toolCalls: orders.map((orderId) => ({
        name: 'refund_order',
        arguments: { orderId, reason: said },
      })),
    };
  }
  const earlier = request.messages.filter((m) => m.role === 'user').slice(0, -1);
  const last = earlier.at(-1);
  const memory = last
    ? `This session remembers ${earlier.length} earlier message(s); the last was "${messageText(last)}".`
    : 'This is the first message of this session.';
  return `(offline) You said "${said}". ${memory}`;
};
