/**
 * The rule for the size of one chat message, in tokens (see the package README).
 *
 * @module
 * @internal
 */

import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartImage,
  ChatCompletionContentPartRefusal,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import { countResponsesOutputTokens } from './responses-output-tokens.js';

/** Framing of every message (`<|start|>{role}\n{content}<|end|>`), from the OpenAI cookbook. */
export const TOKENS_PER_MESSAGE = 3;
/** Extra token for a `name` field, from the OpenAI cookbook. */
export const TOKENS_PER_NAME = 1;
/** Every reply is primed with `<|start|>assistant<|message|>`, from the OpenAI cookbook. */
export const REPLY_PRIMING_TOKENS = 3;
/** Framing of each tool call of an assistant message (an estimate: the API does not document it). */
export const TOKENS_PER_TOOL_CALL = 3;
/** Audio and file data are estimated at one token per this many base64 characters. */
export const BASE64_CHARS_PER_TOKEN = 100;

type Part = ChatCompletionContentPart | ChatCompletionContentPartRefusal;

/** Counts the tokens of an image part's `image_url` (see `image-tokens.ts`). */
export type CountImage = (image: ChatCompletionContentPartImage.ImageURL) => number;

function countPart(part: Part, countText: (text: string) => number, countImage: CountImage) {
  switch (part.type) {
    case 'text':
      return countText(part.text);
    case 'refusal':
      return countText(part.refusal);
    case 'image_url':
      // Priced by the model's image rule, never as the text of its (base64) URL.
      return countImage(part.image_url);
    case 'input_audio':
      return Math.ceil(part.input_audio.data.length / BASE64_CHARS_PER_TOKEN);
    case 'file': {
      const { file } = part;
      return (
        countText(file.filename ?? '') +
        countText(file.file_id ?? '') +
        Math.ceil((file.file_data ?? '').length / BASE64_CHARS_PER_TOKEN)
      );
    }
    default:
      // A part type newer than this package: count what it says as JSON, never nothing.
      return countText(JSON.stringify(part));
  }
}

function countToolCall(call: ChatCompletionMessageToolCall, countText: (text: string) => number) {
  const body =
    call.type === 'custom'
      ? countText(call.custom.name) + countText(call.custom.input)
      : countText(call.function.name) + countText(call.function.arguments);
  return TOKENS_PER_TOOL_CALL + countText(call.id) + body;
}

/**
 * The tokens of one message: {@link TOKENS_PER_MESSAGE}, plus every string field encoded (`role`,
 * `content`, `name`, `refusal`, `tool_call_id`), plus {@link TOKENS_PER_NAME} with a `name`, plus
 * the content parts (text exactly; images by OpenAI's image rule for the model; audio and files
 * estimated), plus each tool call
 * ({@link TOKENS_PER_TOOL_CALL} + its id, name and arguments), a legacy `function_call`, and the
 * reasoning an assistant message carries back (`reasoning_content`, `reasoning`, and the reasoning
 * items of a Responses reply in `responses_output`).
 *
 * @param message - The message.
 * @param countText - Counts the tokens of a text.
 * @param countImage - Counts the tokens of an image part (by the model's image rule).
 * @returns Its size in tokens, without the reply priming.
 */
export function countMessageTokens(
  message: ChatCompletionMessageParam,
  countText: (text: string) => number,
  countImage: CountImage,
): number {
  let tokens = TOKENS_PER_MESSAGE + countText(message.role);
  const { content } = message;
  if (typeof content === 'string') tokens += countText(content);
  else if (Array.isArray(content)) {
    for (const part of content as Part[]) tokens += countPart(part, countText, countImage);
  }
  if ('name' in message && typeof message.name === 'string') {
    tokens += countText(message.name) + TOKENS_PER_NAME;
  }
  if (message.role === 'tool') tokens += countText(message.tool_call_id);
  if (message.role === 'assistant') {
    if (typeof message.refusal === 'string') tokens += countText(message.refusal);
    if (message.audio?.id) tokens += countText(message.audio.id);
    if (message.function_call) {
      tokens +=
        TOKENS_PER_TOOL_CALL +
        countText(message.function_call.name) +
        countText(message.function_call.arguments);
    }
    for (const call of message.tool_calls ?? []) tokens += countToolCall(call, countText);
    // Reasoning a provider wants back (DeepSeek's `reasoning_content`, Ollama's `reasoning`) is
    // sent with the message, so it counts like its text.
    const { reasoning_content: reasoningContent, reasoning } = message as {
      reasoning_content?: unknown;
      reasoning?: unknown;
    };
    if (typeof reasoningContent === 'string') tokens += countText(reasoningContent);
    if (typeof reasoning === 'string') tokens += countText(reasoning);
    // Reasoning items of a Responses reply go back too.
    tokens += countResponsesOutputTokens(message, countText);
  }
  return tokens;
}
