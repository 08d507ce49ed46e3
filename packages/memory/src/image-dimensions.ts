/**
 * The size of an image sent as a data URL, read from its header with `image-size` (pure
 * JavaScript, no dependencies): PNG, JPEG, GIF and WebP, the formats OpenAI accepts. Only the
 * start of the base64 text is decoded; a JPEG whose size marker comes late is decoded further.
 * The readers of those four formats are imported alone: the package's root imports the readers
 * of all its twenty formats, 26 modules at start-up where these need five.
 *
 * @module
 */

import { GIF } from 'image-size/types/gif';
import { JPG } from 'image-size/types/jpg';
import { PNG } from 'image-size/types/png';
import { WEBP } from 'image-size/types/webp';
import type { ImageDimensions } from './image-tokens.js';

/** The readers of the formats OpenAI accepts. */
const READERS = [PNG, JPG, GIF, WEBP];

/** The size in the header of a PNG, JPEG, GIF or WebP; throws when the header is cut short. */
function imageSize(bytes: Uint8Array): { width: unknown; height: unknown } | undefined {
  const reader = READERS.find((candidate) => candidate.validate(bytes));
  return reader?.calculate(bytes);
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i;

/** Base64 characters decoded first: 3 KB of image, enough for PNG, GIF, WebP and most JPEGs. */
const FIRST_CHUNK = 4096;

/** A 4-aligned prefix of base64 text decoded to bytes; `undefined` when it is not base64. */
function decodePrefix(base64: string, chars: number): Uint8Array | undefined {
  let end = Math.min(base64.length, chars);
  if (end < base64.length) end -= end % 4;
  let text = base64.slice(0, end);
  // A prefix of unpadded base64 (allowed by some encoders) is padded so atob accepts it.
  if (text.length % 4 !== 0) text += '='.repeat(4 - (text.length % 4));
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Reads the width and height of an image from a `data:image/...;base64,` URL.
 *
 * @param url - The `image_url.url` of an image part.
 * @returns The size, or `undefined` for a remote URL, data that is not base64, or a header that
 *   cannot be read (an unknown format, or data cut short).
 * @example
 * ```ts
 * imageDimensionsOf('data:image/png;base64,iVBORw0KGgo...'); // { width: 640, height: 480 }
 * ```
 */
export function imageDimensionsOf(url: string): ImageDimensions | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  const base64 = url.slice(match[0].length);
  for (let chars = FIRST_CHUNK; ; chars *= 4) {
    const bytes = decodePrefix(base64, chars);
    if (!bytes) return undefined;
    try {
      const size = imageSize(bytes);
      if (size === undefined) return undefined;
      if (isSide(size.width) && isSide(size.height))
        return { width: size.width, height: size.height };
      return undefined;
    } catch {
      // The header reaches past the decoded prefix (a JPEG with a large EXIF block), or the
      // data is no image: decode more, until all of it has been tried.
    }
    if (chars >= base64.length) return undefined;
  }
}

const isSide = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;
