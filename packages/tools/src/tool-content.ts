import { ToolDefinitionError } from './errors.js';

/** An image a tool returns: an `image_url` content part (a data URL or an http(s) URL). */
export interface ToolImage {
  type: 'image_url';
  image_url: {
    /** `data:image/png;base64,...` (PNG, JPEG, GIF or WebP), or an `https://` URL. */
    url: string;
    /** How closely the model looks; priced by `@agentloop/memory`. @default 'auto' */
    detail?: 'low' | 'high' | 'auto';
  };
}

/** What {@link withImages} takes for one image: a URL, `{ url, detail }`, or a whole part. */
export type ToolImageInput = string | ToolImage['image_url'] | ToolImage;

/** Marks a {@link ToolContent} in every copy of the package. */
const TOOL_CONTENT: unique symbol = Symbol.for('agentloop.tool_content');

const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/i;
const REMOTE = /^https?:\/\/\S+$/i;
const DETAILS = ['low', 'high', 'auto'];

function toImage(input: ToolImageInput, index: number): ToolImage {
  const given =
    typeof input === 'string'
      ? { url: input }
      : 'image_url' in input && typeof input.image_url === 'object'
        ? input.image_url
        : (input as ToolImage['image_url']);
  const url: unknown = given?.url;
  const problem =
    typeof url !== 'string'
      ? `its url is ${url === null ? 'null' : typeof url}`
      : !(DATA_IMAGE.test(url) || REMOTE.test(url))
        ? `its url starts ${JSON.stringify(url.slice(0, 40))}`
        : given.detail !== undefined && !DETAILS.includes(given.detail)
          ? `its detail is ${JSON.stringify(given.detail)}`
          : undefined;
  if (problem !== undefined) {
    throw new ToolDefinitionError(
      `Image ${index} of a tool result is not an image the model can be sent: ${problem}. Give a data URL (data:image/png|jpeg|gif|webp;base64,...) or an http(s) URL, and detail 'low', 'high' or 'auto' if any.`,
      { code: 'invalid_config', option: 'images' },
    );
  }
  const image: ToolImage['image_url'] = { url: url as string };
  if (given.detail !== undefined) image.detail = given.detail;
  return { type: 'image_url', image_url: image };
}

/**
 * A tool result with images. The model reads `value` as the tool's output (serialised like any
 * return value); the images follow the turn's tool messages in a user message (Chat Completions
 * accepts only text in a tool message), where `@agentloop/memory` prices them as images.
 *
 * Return it with {@link withImages}; `ToolOutcome.images` carries the images.
 *
 * @typeParam TValue - What the model reads.
 */
export class ToolContent<TValue = unknown> {
  /** Marks the class across copies of the package. */
  readonly [TOOL_CONTENT] = true as const;
  /** What the model reads as the tool's output. */
  readonly value: TValue;
  /** The images, as `image_url` parts. */
  readonly images: readonly ToolImage[];

  /**
   * @param value - What the model reads; when `undefined`, a line saying how many images follow.
   * @param images - The images.
   * @throws ToolDefinitionError `invalid_config` (option `images`) for an image that is neither a
   *   PNG, JPEG, GIF or WebP data URL nor an http(s) URL; inside `execute` that makes the call
   *   a `tool_error` the model sees.
   */
  constructor(value: TValue, images: readonly ToolImageInput[]) {
    if (!Array.isArray(images)) {
      throw new ToolDefinitionError(
        `A tool result's images must be an array of image URLs or image_url parts, got ${typeof images}.`,
        { code: 'invalid_config', option: 'images' },
      );
    }
    this.images = Object.freeze(images.map(toImage));
    const count = this.images.length;
    this.value = (
      value === undefined ? `[${count} image${count === 1 ? '' : 's'}, shown next]` : value
    ) as TValue;
  }

  /** What JSON (and so the model) reads: the value. */
  toJSON(): unknown {
    return this.value;
  }

  /**
   * True for a {@link ToolContent} from any copy of the package.
   *
   * @param value - Any value.
   */
  static isInstance(value: unknown): value is ToolContent {
    return typeof value === 'object' && value !== null && TOOL_CONTENT in value;
  }
}

/**
 * A tool's return value with images: what the model reads, and the images it is shown.
 *
 * @param value - What the model reads (text or any JSON value); `undefined` for images alone.
 * @param images - Data URLs (PNG, JPEG, GIF, WebP) or http(s) URLs, as strings,
 *   `{ url, detail }` or `image_url` parts.
 * @returns The value to return from `execute`.
 * @example
 * ```ts
 * execute: async ({ city }) => withImages(`Radar map of ${city}`, [{ url: pngDataUrl, detail: 'low' }]),
 * ```
 */
export function withImages<TValue>(
  value: TValue,
  images: readonly ToolImageInput[],
): ToolContent<TValue> {
  return new ToolContent(value, images);
}
