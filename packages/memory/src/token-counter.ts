/**
 * `TokenCounter`: exact token counts of text, messages and tool definitions for a model.
 *
 * @module
 */

import type {
  ChatCompletionContentPartImage,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { CountCache } from './count-cache.js';
import { type Encoder, getEncoder } from './encoder-cache.js';
import { type Encoding, encodingForModel } from './encoding-for-model.js';
import { InvalidOptionError } from './errors.js';
import { imageDimensionsOf } from './image-dimensions.js';
import {
  type ImageDetail,
  type ImageDimensions,
  type ImageTokenRule,
  imageRuleFor,
  imageTokens,
  maxImageTokens,
} from './image-tokens.js';
import { countMessageTokens, REPLY_PRIMING_TOKENS } from './message-tokens.js';
import { splitForEncoding } from './split-text.js';
import { countOneTool, type ToolTokenConstants, toolTokenConstants } from './tool-tokens.js';

/** Options of `new TokenCounter(...)`. */
export interface TokenCounterOptions {
  /** The model whose tokens are counted; any name works (unknown names count with `o200k_base`). */
  model: string;
  /**
   * Counts with this encoding instead of the model's.
   * @default encodingForModel(model)
   */
  encoding?: Encoding | undefined;
  /**
   * The size of an image the counter cannot read itself (a remote URL, whose bytes it never
   * fetches), when the program knows it; `undefined` to let the counter assume the largest size.
   * Data URLs are read from their header first. Counts are cached per message, so answer the
   * same for the same URL.
   * @default () => undefined
   */
  imageSize?: ((url: string) => ImageDimensions | undefined) | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

const isSize = (size: ImageDimensions): boolean =>
  Number.isFinite(size.width) && Number.isFinite(size.height) && size.width > 0 && size.height > 0;

/**
 * Counts tokens the way the OpenAI API bills a chat request, for one model.
 *
 * - Text is encoded with tiktoken; `<|endoftext|>` and other special-token strings count as the
 *   plain text they are. Long text is cut into pieces first (at positions where the count is
 *   unchanged), so a 1 MB run without white space takes milliseconds, not minutes.
 * - A message costs 3 tokens, plus every string field encoded (`role`, `content`, `name`,
 *   `refusal`, `tool_call_id`), plus 1 with a `name`, plus 3 + id + name + arguments per tool call;
 *   a request adds 3 for the reply priming (`countMessages`); tool definitions follow the
 *   cookbook's `num_tokens_for_tools` (`countTools`).
 * - An `image_url` part costs what OpenAI's published rule for the model says (`countImage`),
 *   its size read from a data URL's header; its base64 is never counted as text.
 * - Counting is incremental: each message's size is cached (by object, and by content for copies),
 *   so counting a conversation that grew by one turn only encodes that turn.
 *
 * Counters are cheap: they share one tiktoken encoder per encoding per process, created on first
 * use and never freed. Create one per model and keep it (its cache is what makes counting fast).
 *
 * @example
 * ```ts
 * const counter = new TokenCounter({ model: 'gpt-4o' });
 * counter.countText('Hello world');                          // 2
 * counter.countMessages([{ role: 'user', content: 'Hi' }]); // 3 + 1 + 1 + 3 = 8
 * ```
 */
export class TokenCounter {
  /** The model this counter is for. */
  readonly model: string;
  /** The tiktoken encoding it counts with. */
  readonly encoding: Encoding;
  readonly #messages = new CountCache<ChatCompletionMessageParam>();
  readonly #tools = new CountCache<ChatCompletionTool>();
  readonly #toolConstants: ToolTokenConstants;
  readonly #imageSize: ((url: string) => ImageDimensions | undefined) | undefined;
  #imageRule: ImageTokenRule | undefined;

  /**
   * @param options - The model, and optionally an encoding that overrides the model's.
   */
  constructor({ model, encoding, imageSize }: TokenCounterOptions) {
    if (typeof model !== 'string' || model.length === 0) {
      throw new InvalidOptionError(
        'model',
        "a model name such as 'gpt-4o' (any name works; unknown names count with o200k_base)",
        model,
      );
    }
    if (encoding !== undefined && encoding !== 'o200k_base' && encoding !== 'cl100k_base') {
      throw new InvalidOptionError('encoding', "'o200k_base' or 'cl100k_base'", encoding);
    }
    if (imageSize !== undefined && typeof imageSize !== 'function') {
      throw new InvalidOptionError(
        'imageSize',
        'a function (url) => ({ width, height }) | undefined',
        imageSize,
      );
    }
    this.#imageSize = imageSize;
    this.model = model;
    this.encoding = encoding ?? encodingForModel(model);
    this.#toolConstants = toolTokenConstants(this.encoding);
  }

  // Resolved on each call (a map look-up) so that creating a counter does no work.
  get #encoder(): Encoder {
    return getEncoder(this.encoding);
  }

  /**
   * The number of tokens of a text.
   *
   * @param text - Any text; special-token strings such as `<|endoftext|>` count as plain text.
   * @returns Its token count (exact, except within 1% for runs of hundreds of characters without
   * a word boundary).
   */
  countText(text: string): number {
    if (text.length === 0) return 0;
    const encoder = this.#encoder;
    const pieces = splitForEncoding(text);
    if (pieces.length === 1) return encoder.encode_ordinary(text).length;
    // Blind cuts of a repeated character produce identical pieces: count each distinct one once.
    const seen = new Map<string, number>();
    let tokens = 0;
    for (const piece of pieces) {
      let count = seen.get(piece);
      if (count === undefined) {
        count = encoder.encode_ordinary(piece).length;
        if (piece.length <= 1024) seen.set(piece, count);
      }
      tokens += count;
    }
    return tokens;
  }

  /**
   * The tokens of one message, framing included, reply priming excluded. Cached: counting the
   * same message again (the same object, or an equal one) does not encode it again.
   *
   * @param message - A chat message.
   * @returns Its size in tokens.
   */
  countMessage(message: ChatCompletionMessageParam): number {
    return this.#messages.get(message, (m) =>
      countMessageTokens(
        m,
        (t) => this.countText(t),
        (image) => this.countImage(image),
      ),
    );
  }

  /**
   * The tokens of one image part (its `image_url`), by OpenAI's published rule for this model
   * (see `imageTokens` and the README): the size is read from a data URL's header (PNG, JPEG,
   * GIF, WebP), else asked of the `imageSize` option; an image whose size stays unknown counts as
   * the largest the rule allows, so a budget is never exceeded. Its base64 is never counted as text.
   *
   * @param image - The part's `image_url`: `url` and optional `detail` (`auto` counts as `high`).
   * @returns Its size in tokens.
   * @example
   * ```ts
   * new TokenCounter({ model: 'gpt-4o' }).countImage({ url: pngDataUrl1024x1024, detail: 'high' }); // 765
   * ```
   */
  countImage(image: ChatCompletionContentPartImage.ImageURL): number {
    this.#imageRule ??= imageRuleFor(this.model);
    const rule = this.#imageRule;
    const detail: ImageDetail =
      image.detail === 'low' || image.detail === 'high' ? image.detail : 'auto';
    // A low-detail image under the tile rule costs its base whatever its size.
    if (rule.kind === 'tiles' && detail === 'low') return rule.base;
    const url = typeof image.url === 'string' ? image.url : '';
    const size = imageDimensionsOf(url) ?? this.#imageSize?.(url);
    if (!size || !isSize(size)) return maxImageTokens(rule, detail);
    return imageTokens({ rule, width: size.width, height: size.height, detail });
  }

  /**
   * The prompt tokens of a list of messages: the sum of {@link TokenCounter.countMessage} plus 3
   * for the reply priming (`<|start|>assistant<|message|>`).
   *
   * @param messages - The messages of a request.
   * @returns Their size in tokens, as the API would report `prompt_tokens` (without tools).
   */
  countMessages(messages: readonly ChatCompletionMessageParam[]): number {
    let tokens = REPLY_PRIMING_TOKENS;
    for (const message of messages) tokens += this.countMessage(message);
    return tokens;
  }

  /**
   * The tokens that tool definitions add to a request, by the cookbook's `num_tokens_for_tools`
   * (see the README for the rule and the constants): for each function `funcInit` +
   * `name:description` (final dot dropped), then `propInit` if it has properties and, per
   * property, `propKey` + `key:type:description` (+ `enumInit` and `enumItem` + the item per enum
   * value); `funcEnd` once. Parts of a schema the cookbook does not cover (nested objects, arrays,
   * `anyOf`) add their JSON text; a custom tool adds `name:description` and its format as JSON.
   * Each definition's size is cached like a message's.
   *
   * @param tools - The `tools` of the request.
   * @returns Their size in tokens; 0 for none.
   */
  countTools(tools: readonly ChatCompletionTool[] | undefined): number {
    if (!tools || tools.length === 0) return 0;
    let tokens = this.#toolConstants.funcEnd;
    for (const tool of tools) {
      tokens += this.#tools.get(tool, (t) =>
        countOneTool(t, this.#toolConstants, (text) => this.countText(text)),
      );
    }
    return tokens;
  }

  /**
   * The longest start of `text` that has at most `maxTokens` tokens (cut on a token boundary,
   * never inside a character).
   *
   * @param text - The text to cut.
   * @param maxTokens - The most tokens to keep.
   * @returns `text` itself when it fits, else its longest fitting prefix.
   */
  truncateText(text: string, maxTokens: number): string {
    if (maxTokens <= 0) return '';
    const encoder = this.#encoder;
    let kept = 0;
    let length = 0;
    for (const piece of splitForEncoding(text)) {
      const tokens = encoder.encode_ordinary(piece);
      if (kept + tokens.length <= maxTokens) {
        kept += tokens.length;
        length += piece.length;
        continue;
      }
      let take = maxTokens - kept;
      let head = '';
      while (take > 0) {
        head = utf8.decode(encoder.decode(tokens.subarray(0, take)));
        // A token can end inside a multi-byte character; step back until it does not.
        if (!head.endsWith('\uFFFD') || piece.startsWith(head)) break;
        take -= 1;
        head = '';
      }
      return text.slice(0, length) + head;
    }
    return text;
  }
}
