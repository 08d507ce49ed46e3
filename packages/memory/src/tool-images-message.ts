/**
 * Images a tool returned, as the user message that carries them to the model. Chat Completions
 * accepts only text in a `tool` message, so the images of a turn's tool results follow its tool
 * messages in one `user` message, each group labelled with the call it answers. Trimming keeps
 * that message with the tool calls and results it belongs to (see `conversation-turns.ts`).
 *
 * @module
 */

import type {
  ChatCompletionContentPartImage,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
  ChatCompletionUserMessageParam,
} from 'openai/resources/chat/completions';

/** The images one tool call returned. */
export interface ToolCallImages {
  /** The id of the call the images answer. */
  toolCallId: string;
  /** The tool's name, for the label the model reads. */
  name: string;
  /** The images, as `image_url` parts. */
  images: readonly ChatCompletionContentPartImage[];
}

const LABEL = 'Images returned by tool call';
const LABEL_PATTERN = /^\[Images returned by tool call (\S+) \(/;

/**
 * The user message carrying the images of a turn's tool results, in the order of the calls:
 * per call a text part `[Images returned by tool call <id> (<tool>)]`, then its images.
 *
 * @param results - The calls of the turn with their images, in call order.
 * @returns The message, or `undefined` when no call returned an image.
 * @example
 * ```ts
 * toolImagesMessage([{ toolCallId: 'call_1', name: 'chart', images: [{ type: 'image_url', image_url: { url } }] }]);
 * // { role: 'user', content: [{ type: 'text', text: '[Images returned by tool call call_1 (chart)]' }, { type: 'image_url', ... }] }
 * ```
 */
export function toolImagesMessage(
  results: readonly ToolCallImages[],
): ChatCompletionUserMessageParam | undefined {
  const content: Array<ChatCompletionContentPartText | ChatCompletionContentPartImage> = [];
  for (const { toolCallId, name, images } of results) {
    if (images.length === 0) continue;
    content.push({ type: 'text', text: `[${LABEL} ${toolCallId} (${name})]` });
    for (const image of images) content.push(image);
  }
  return content.length === 0 ? undefined : { role: 'user', content };
}

/**
 * The call ids a message carries images for, when it is a message made by
 * {@link toolImagesMessage}: a user message whose first part is such a label.
 *
 * @param message - Any message.
 * @returns The ids named by its labels, or `undefined` for any other message.
 */
export function toolImagesCallIds(message: ChatCompletionMessageParam): string[] | undefined {
  if (message.role !== 'user' || !Array.isArray(message.content)) return undefined;
  const ids: string[] = [];
  for (const part of message.content) {
    if (part.type !== 'text') continue;
    const match = LABEL_PATTERN.exec(part.text);
    if (match?.[1] !== undefined) ids.push(match[1]);
  }
  const first = message.content[0];
  return first?.type === 'text' && LABEL_PATTERN.test(first.text) ? ids : undefined;
}
