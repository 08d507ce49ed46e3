import { ToolContent, type ToolImage } from '@agentloop/tools';
import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import { McpToolCallError } from './errors.js';

/**
 * A content part in the chat-completions shape (the `openai` package's `ChatCompletionContentPart`):
 * text, an image as a data URL, or audio. What a model can be shown of a tool's media.
 */
export type McpContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: 'wav' | 'mp3' } };

/** What the model reads of a block that is not text: its kind and size, never its bytes. */
type BlockSummary =
  | { type: 'text'; text: string }
  | { type: 'image' | 'audio'; mimeType: string; bytes: number }
  | { type: 'resource_link'; uri: string; name: string; mimeType?: string }
  | { type: 'resource'; uri: string; mimeType?: string; text?: string; bytes?: number };

/** The decoded size of base64 data. */
const bytesOf = (base64: string): number =>
  Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/** Image types the OpenAI API accepts; an MCP image of another type stays a summary. */
const MODEL_IMAGE_TYPES = /^image\/(png|jpeg|jpg|gif|webp)$/i;

/**
 * The result of an MCP tool whose content holds more than text: images, audio, resources.
 * The model reads it as JSON with each image or audio clip summarised by its type and size
 * (base64 would be read as thousands of text tokens), and is shown the images themselves: an
 * `McpToolContent` is a `ToolContent` whose `images` (the PNG, JPEG, GIF and WebP images, as
 * `image_url` data URLs) the loop sends after the tool messages, where `@agentloop/memory`
 * prices them as images. `parts` carries all text and media as content parts, in order.
 */
export class McpToolContent extends ToolContent<unknown> {
  /** The content blocks as the server sent them. */
  readonly content: readonly ContentBlock[];
  /** The structured content, when the server sent some. */
  readonly structuredContent: Record<string, unknown> | undefined;
  /** Text and media as chat-completions content parts, in order. */
  readonly parts: readonly McpContentPart[];

  constructor(result: CallToolResult) {
    const parts = result.content.flatMap(partsOf);
    const images = result.content.flatMap((block) =>
      block.type === 'image' && MODEL_IMAGE_TYPES.test(block.mimeType) ? [imageOf(block)] : [],
    );
    super(result.structuredContent ?? result.content.map(summaryOf), images);
    this.content = result.content;
    this.structuredContent = result.structuredContent;
    this.parts = parts;
  }
}

function imageOf(block: Extract<ContentBlock, { type: 'image' }>): ToolImage {
  return { type: 'image_url', image_url: { url: `data:${block.mimeType};base64,${block.data}` } };
}

function partsOf(block: ContentBlock): McpContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'image':
      return [
        { type: 'image_url', image_url: { url: `data:${block.mimeType};base64,${block.data}` } },
      ];
    case 'audio': {
      const format = /wav/.test(block.mimeType)
        ? 'wav'
        : /mpeg|mp3/.test(block.mimeType)
          ? 'mp3'
          : undefined;
      return format === undefined
        ? []
        : [{ type: 'input_audio', input_audio: { data: block.data, format } }];
    }
    case 'resource':
      return 'text' in block.resource ? [{ type: 'text', text: block.resource.text }] : [];
    default:
      return [];
  }
}

function summaryOf(block: ContentBlock): BlockSummary {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
    case 'audio':
      return { type: block.type, mimeType: block.mimeType, bytes: bytesOf(block.data) };
    case 'resource_link':
      return {
        type: 'resource_link',
        uri: block.uri,
        name: block.name,
        ...(block.mimeType !== undefined ? { mimeType: block.mimeType } : {}),
      };
    case 'resource': {
      const { resource } = block;
      return {
        type: 'resource',
        uri: resource.uri,
        ...(resource.mimeType !== undefined ? { mimeType: resource.mimeType } : {}),
        ...('text' in resource ? { text: resource.text } : { bytes: bytesOf(resource.blob) }),
      };
    }
    default:
      return { type: 'text', text: JSON.stringify(block) };
  }
}

/** The text of the text blocks, joined by blank lines. */
function textOf(content: readonly ContentBlock[]): string {
  return content
    .filter((block): block is Extract<ContentBlock, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('\n\n');
}

/**
 * What an MCP tool's `execute` returns for a call result:
 *
 * - `isError: true`: throws, so that the model sees a tool fault with the server's text;
 * - structured content (and no media): the structured object, which the model reads as JSON;
 * - text only: the text, as it is;
 * - anything with images, audio or resources: an {@link McpToolContent}.
 *
 * @param toolName - The server's name for the tool, for an error without text.
 * @throws McpToolCallError `tool_error` for an `isError` result.
 */
export function toolValueOf(result: CallToolResult, toolName: string): unknown {
  const content = Array.isArray(result.content) ? result.content : [];
  if (result.isError === true) {
    const text = textOf(content);
    throw new McpToolCallError(
      'tool_error',
      text !== '' ? text : `the MCP tool "${toolName}" reported an error without a message`,
    );
  }
  if (content.some((block) => block.type !== 'text')) {
    return new McpToolContent({ ...result, content });
  }
  if (result.structuredContent !== undefined) return result.structuredContent;
  return textOf(content);
}
