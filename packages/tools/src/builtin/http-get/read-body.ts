import { TextDecoder } from 'node:util';
import { htmlToText } from '../shared/html-text.js';

/** A response body read up to a limit. */
export interface LimitedBody {
  /** The body as text (HTML converted to text unless raw), or a note for binary content. */
  text: string;
  /** Whether the limit cut the body. */
  truncated: boolean;
  /** The bytes read (at most the limit). */
  bytes: number;
  /** Whether the body was binary and so not shown. */
  binary: boolean;
}

/** Media types read as text besides `text/*`. */
const TEXT_TYPES =
  /^(?:application\/(?:json|xml|javascript|ecmascript|x-javascript|ld\+json|rss\+xml|atom\+xml|xhtml\+xml|x-ndjson|yaml|x-yaml|toml|csv|graphql|sql)|[^/]+\/[^;]*\+(?:json|xml))$/;

/** The charset of a content type, if it names one TextDecoder knows; else utf-8. */
function decoderFor(contentType: string): TextDecoder {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8');
  }
}

/**
 * Reads a response body as a stream and stops at `maxBytes`, cancelling the rest, so a huge or
 * endless body costs at most `maxBytes` of memory. Text is decoded with the declared charset;
 * HTML becomes readable text unless `raw`; other content types are reported, not shown.
 *
 * @param response - The response.
 * @param maxBytes - The most bytes to read.
 * @param raw - Keep HTML as is.
 */
export async function readLimitedBody(
  response: Response,
  maxBytes: number,
  raw: boolean,
): Promise<LimitedBody> {
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase();
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  if (response.body !== null) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (bytes + value.byteLength > maxBytes) {
          chunks.push(value.subarray(0, maxBytes - bytes));
          bytes = maxBytes;
          truncated = true;
          break;
        }
        chunks.push(value);
        bytes += value.byteLength;
      }
    } finally {
      if (truncated) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  const data = Buffer.concat(chunks);
  const isText =
    mediaType === ''
      ? !data.subarray(0, 1024).includes(0)
      : mediaType.startsWith('text/') || TEXT_TYPES.test(mediaType);
  if (!isText) {
    return {
      text: `(binary content of type ${mediaType}, ${truncated ? `more than ${bytes}` : bytes} bytes, not shown)`,
      truncated,
      bytes,
      binary: true,
    };
  }
  let text = decoderFor(contentType).decode(data);
  // A cut in the middle of a multi-byte character leaves one replacement character.
  if (truncated && text.endsWith('\ufffd')) text = text.slice(0, -1);
  if (!raw && (mediaType === 'text/html' || mediaType === 'application/xhtml+xml')) {
    text = htmlToText(text);
  }
  return { text, truncated, bytes, binary: false };
}
