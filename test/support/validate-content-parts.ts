/**
 * Validation of a chat message's content parts as the real API does it: images only in user
 * messages (a `tool`, `system`, `developer` or `assistant` message takes text parts only), an
 * image part's URL an http(s) URL or a base64 data URL of an image, its `detail` low, high or auto.
 *
 * @module
 */

import {
  fail,
  invalidType,
  isJsonObject,
  missingParameter,
  type ValidationFailure,
} from './validation-result.js';

const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=]+$/;
const REMOTE = /^https?:\/\//;

/** Part types each role accepts in its content array. */
const PART_TYPES: Record<string, readonly string[]> = {
  user: ['text', 'image_url', 'input_audio', 'file'],
  system: ['text'],
  developer: ['text'],
  tool: ['text'],
  assistant: ['text', 'refusal'],
};

function checkImage(part: Record<string, unknown>, at: string): ValidationFailure | null {
  const image = part.image_url;
  if (image === undefined) return missingParameter(`${at}.image_url`);
  if (!isJsonObject(image)) return invalidType(`${at}.image_url`, 'an object', image);
  const { url, detail } = image;
  if (url === undefined) return missingParameter(`${at}.image_url.url`);
  if (typeof url !== 'string') return invalidType(`${at}.image_url.url`, 'a string', url);
  if (!REMOTE.test(url) && !DATA_IMAGE.test(url)) {
    return fail(
      `Invalid image URL: '${at}.image_url.url'. Expected a valid URL or a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got '${url.slice(0, 32)}'.`,
      `${at}.image_url.url`,
      'invalid_value',
    );
  }
  if (detail !== undefined && detail !== 'low' && detail !== 'high' && detail !== 'auto') {
    return fail(
      `Invalid value: '${String(detail)}'. Supported values are: 'auto', 'low', and 'high'.`,
      `${at}.image_url.detail`,
      'invalid_value',
    );
  }
  return null;
}

/**
 * Checks the content parts of one message.
 *
 * @param role - The message's role (already validated).
 * @param content - Its `content`.
 * @param i - Its index in `messages`.
 * @returns `null` when valid (or when content is not an array), else the failure.
 */
export function validateContentParts(
  role: string,
  content: unknown,
  i: number,
): ValidationFailure | null {
  if (!Array.isArray(content)) return null;
  const allowed = PART_TYPES[role] ?? ['text'];
  for (const [j, part] of content.entries()) {
    const at = `messages[${i}].content[${j}]`;
    if (!isJsonObject(part)) return invalidType(at, 'an object', part);
    const { type } = part;
    if (type === 'image_url' && role !== 'user') {
      return fail(
        `Invalid 'messages[${i}]'. Image URLs are only allowed for messages with role 'user', but this message with role '${role}' contains an image URL.`,
        `messages[${i}]`,
        'invalid_value',
      );
    }
    if (typeof type !== 'string' || !allowed.includes(type)) {
      return fail(
        `Invalid value: '${String(type)}'. Supported values are: ${allowed.map((t) => `'${t}'`).join(', ')}.`,
        `${at}.type`,
        'invalid_value',
      );
    }
    if (type === 'text' && typeof part.text !== 'string') {
      return part.text === undefined
        ? missingParameter(`${at}.text`)
        : invalidType(`${at}.text`, 'a string', part.text);
    }
    if (type === 'image_url') {
      const problem = checkImage(part, at);
      if (problem) return problem;
    }
  }
  return null;
}
