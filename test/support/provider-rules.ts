/**
 * Opt-in rules of OpenAI-compatible providers that are stricter than OpenAI about what a request
 * echoes back in its history, each refusing the way the provider does (status, body, wording):
 *
 * - DeepSeek in thinking mode wants every assistant message with `tool_calls` back with its
 *   `reasoning_content`;
 * - Gemini 3 wants the thought signature it put on the first tool call of each step
 *   (`extra_content.google.thought_signature`) back on that call, for the steps of the current turn;
 * - vLLM, DashScope and LiteLLM relays parse the `arguments` of tool calls in the history as JSON.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { type ApiErrorObject, apiErrorBody } from './api-error.js';
import { type ReplyStep, type Step, stepKind } from './script.js';
import { isJsonObject } from './validation-result.js';

/** Which provider rules the test server applies on top of OpenAI's. All are off by default. */
export interface ProviderRules {
  /**
   * DeepSeek thinking mode: an assistant message with `tool_calls` in the history without a
   * string `reasoning_content` is refused with DeepSeek's 400.
   */
  deepseekThinking?: boolean;
  /**
   * Gemini 3: replies put a fresh thought signature on their first tool call (unless the step
   * scripts its own `extraContent`); in the current turn (after the last user message), the first
   * call of every assistant message with `tool_calls` must carry one this server issued, else
   * Gemini's 400 (missing, or "Corrupted thought signature.").
   */
  geminiThoughtSignatures?: boolean;
  /**
   * vLLM, DashScope, LiteLLM relays: the `arguments` of every tool call in the history must parse
   * as JSON, else DashScope's 400.
   */
  parseHistoryArguments?: boolean;
}

/** A request a provider rule refuses: what to answer, and what to record as the reason. */
export interface RuleRefusal {
  /** HTTP status. */
  status: number;
  /** The provider's body (Gemini answers a JSON array). */
  body: object;
  /** The refusal as `RecordedRequest.rejected` holds it. */
  rejected: ApiErrorObject;
}

/** The rules of one server: a request check and a reply rewrite, sharing issued signatures. */
export interface ProviderRuleSet {
  /** The refusal for a request one of the rules rejects, else `null`. */
  check(body: unknown): RuleRefusal | null;
  /** The step as the emulated provider would answer it (Gemini: signatures on tool calls). */
  prepare(step: Step): Step;
}

interface HistoryCall {
  /** Index of the assistant message in `messages`. */
  message: number;
  /** Index of the call in its message's `tool_calls`. */
  position: number;
  call: Record<string, unknown>;
}

function assistantCalls(messages: unknown[]): HistoryCall[] {
  const calls: HistoryCall[] = [];
  for (const [message, entry] of messages.entries()) {
    if (!isJsonObject(entry) || entry.role !== 'assistant' || !Array.isArray(entry.tool_calls)) {
      continue;
    }
    for (const [position, call] of entry.tool_calls.entries()) {
      if (isJsonObject(call)) calls.push({ message, position, call });
    }
  }
  return calls;
}

function deepseekRefusal(): RuleRefusal {
  // Body as api.deepseek.com answers it.
  const error = {
    message: 'The reasoning_content in the thinking mode must be passed back to the API.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_request_error',
  };
  return { status: 400, body: { error }, rejected: error };
}

function geminiRefusal(message: string): RuleRefusal {
  // Gemini's OpenAI-compatible endpoint answers a JSON array holding one Google error.
  return {
    status: 400,
    body: [{ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }],
    rejected: { message, type: 'INVALID_ARGUMENT', param: null, code: null },
  };
}

function dashscopeRefusal(): RuleRefusal {
  const body = apiErrorBody({
    message:
      '<400> InternalError.Algo.InvalidParameter: The "function.arguments" parameter of the code model must be in JSON format.',
    code: 'invalid_parameter_error',
  });
  return { status: 400, body, rejected: body.error };
}

function signatureOf(call: Record<string, unknown>): unknown {
  const extra = call.extra_content;
  if (!isJsonObject(extra) || !isJsonObject(extra.google)) return undefined;
  return extra.google.thought_signature;
}

function functionName(call: Record<string, unknown>): string {
  return isJsonObject(call.function) && typeof call.function.name === 'string'
    ? call.function.name
    : '';
}

/**
 * Builds the rule set of one test server.
 *
 * @param rules - The rules to apply.
 * @returns `check` for requests and `prepare` for replies.
 */
export function providerRuleSet(rules: ProviderRules): ProviderRuleSet {
  const issued = new Set<string>();

  function checkGemini(messages: unknown[]): RuleRefusal | null {
    let lastUser = -1;
    for (const [i, message] of messages.entries()) {
      if (isJsonObject(message) && message.role === 'user') lastUser = i;
    }
    // Gemini counts its contents from 1 without the system instruction.
    const systemBefore = (index: number) =>
      messages
        .slice(0, index)
        .filter((m) => isJsonObject(m) && (m.role === 'system' || m.role === 'developer')).length;
    for (const { message, position, call } of assistantCalls(messages)) {
      // Gemini checks the first call of each step, and only in the current turn.
      if (message <= lastUser || position !== 0) continue;
      const signature = signatureOf(call);
      if (typeof signature !== 'string') {
        return geminiRefusal(
          `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${functionName(call)}\` , position ${message + 1 - systemBefore(message)}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
        );
      }
      if (!issued.has(signature)) return geminiRefusal('Corrupted thought signature.');
    }
    return null;
  }

  return {
    check(body) {
      if (!isJsonObject(body) || !Array.isArray(body.messages)) return null;
      const messages = body.messages as unknown[];
      if (rules.deepseekThinking) {
        for (const message of messages) {
          if (
            isJsonObject(message) &&
            message.role === 'assistant' &&
            Array.isArray(message.tool_calls) &&
            message.tool_calls.length > 0 &&
            typeof message.reasoning_content !== 'string'
          ) {
            return deepseekRefusal();
          }
        }
      }
      if (rules.geminiThoughtSignatures) {
        const refusal = checkGemini(messages);
        if (refusal) return refusal;
      }
      if (rules.parseHistoryArguments) {
        for (const { call } of assistantCalls(messages)) {
          const args = isJsonObject(call.function) ? call.function.arguments : undefined;
          try {
            JSON.parse(typeof args === 'string' ? args : '');
          } catch {
            return dashscopeRefusal();
          }
        }
      }
      return null;
    },
    prepare(step) {
      if (!rules.geminiThoughtSignatures || stepKind(step) !== 'reply') return step;
      const reply = step as ReplyStep;
      const [first, ...rest] = reply.toolCalls ?? [];
      if (!first) return step;
      if (first.extraContent !== undefined) {
        // A scripted signature counts as issued by this server.
        const scripted = signatureOf({ extra_content: first.extraContent });
        if (typeof scripted === 'string') issued.add(scripted);
        return step;
      }
      const signature = randomBytes(48).toString('base64');
      issued.add(signature);
      return {
        ...reply,
        toolCalls: [
          { ...first, extraContent: { google: { thought_signature: signature } } },
          ...rest,
        ],
      };
    },
  };
}
