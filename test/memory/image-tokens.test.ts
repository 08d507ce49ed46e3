import {
  InvalidOptionError,
  imageDimensionsOf,
  imageRuleFor,
  imageTokens,
  maxImageTokens,
  TokenCounter,
} from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { imageBytes, imageDataUrl } from '../support/image-bytes.js';

// OpenAI, "Images and vision" > "Calculating costs":
// https://platform.openai.com/docs/guides/images-vision#calculating-costs
describe("OpenAI's published image token examples", () => {
  it('gpt-4o: 1024x1024 high is 765, 2048x4096 high is 1105, 4096x8192 low is 85', () => {
    expect(imageTokens({ model: 'gpt-4o', width: 1024, height: 1024, detail: 'high' })).toBe(765);
    expect(imageTokens({ model: 'gpt-4o', width: 2048, height: 4096, detail: 'high' })).toBe(1105);
    expect(imageTokens({ model: 'gpt-4o', width: 4096, height: 8192, detail: 'low' })).toBe(85);
  });

  it('the patch rule: 1024x1024 is 1024 patches, 1800x2400 is 33 x 44 = 1452 after the two shrinks', () => {
    // gpt-4.1-mini multiplies patches by 1.62, gpt-4.1-nano by 2.46, o4-mini by 1.72 (rounded up).
    expect(imageTokens({ model: 'gpt-4.1-mini', width: 1024, height: 1024 })).toBe(
      Math.ceil(1024 * 1.62),
    );
    expect(imageTokens({ model: 'gpt-4.1-mini', width: 1800, height: 2400 })).toBe(
      Math.ceil(1452 * 1.62),
    );
    expect(imageTokens({ model: 'gpt-4.1-nano', width: 1800, height: 2400 })).toBe(
      Math.ceil(1452 * 2.46),
    );
    expect(imageTokens({ model: 'o4-mini-2025-04-16', width: 1024, height: 1024 })).toBe(
      Math.ceil(1024 * 1.72),
    );
    // A patch rule with multiplier 1 gives the documented patch counts themselves.
    const unit = { kind: 'patches', multiplier: 1 } as const;
    expect(imageTokens({ rule: unit, width: 1024, height: 1024 })).toBe(1024);
    expect(imageTokens({ rule: unit, width: 1800, height: 2400 })).toBe(1452);
    // Never more than 1,536 patches (8000x8000 shrinks to 39 x 39); detail changes nothing.
    expect(imageTokens({ rule: unit, width: 8000, height: 8000, detail: 'low' })).toBe(39 * 39);
    expect(imageTokens({ rule: unit, width: 1024, height: 1536 })).toBe(1536);
    expect(imageTokens({ rule: unit, width: 1056, height: 1536 })).toBeLessThanOrEqual(1536);
  });

  it('gpt-4o-mini prices images with its own constants: 2833 base plus 5667 per tile', () => {
    expect(imageTokens({ model: 'gpt-4o-mini', width: 1024, height: 1024 })).toBe(2833 + 4 * 5667);
    expect(imageTokens({ model: 'gpt-4o-mini', width: 4096, height: 8192, detail: 'low' })).toBe(
      2833,
    );
    // The dated snapshot and a fine-tune of it use the same rule, not gpt-4o's.
    expect(imageRuleFor('gpt-4o-mini-2024-07-18')).toEqual(imageRuleFor('gpt-4o-mini'));
    expect(imageRuleFor('ft:gpt-4o-mini:acme::x1')).toEqual(imageRuleFor('gpt-4o-mini'));
  });

  it('the other documented families: gpt-5 70/140, o1 and o3 75/150, computer-use-preview 65/129', () => {
    const oneTile = (model: string) => imageTokens({ model, width: 512, height: 512 });
    expect(oneTile('gpt-5')).toBe(70 + 140);
    expect(oneTile('gpt-5-chat-latest')).toBe(70 + 140);
    expect(oneTile('o1')).toBe(75 + 150);
    expect(oneTile('o3-2025-04-16')).toBe(75 + 150);
    expect(oneTile('computer-use-preview')).toBe(65 + 129);
    expect(oneTile('gpt-4.1')).toBe(85 + 170);
    // An unknown name (a local model) counts with gpt-4o's rule.
    expect(oneTile('llava:13b')).toBe(85 + 170);
    // gpt-5-mini and gpt-5-nano use patches.
    expect(imageRuleFor('gpt-5-mini')).toEqual({ kind: 'patches', multiplier: 1.62 });
    expect(imageRuleFor('gpt-5-nano')).toEqual({ kind: 'patches', multiplier: 2.46 });
  });

  it('small images are never enlarged; 513 px needs a second tile', () => {
    expect(imageTokens({ model: 'gpt-4o', width: 128, height: 64, detail: 'high' })).toBe(85 + 170);
    expect(imageTokens({ model: 'gpt-4o', width: 512, height: 512 })).toBe(85 + 170);
    expect(imageTokens({ model: 'gpt-4o', width: 513, height: 512 })).toBe(85 + 2 * 170);
    // Shortest side to 768: 1000x3000 -> fit in 2048 (683x2048) -> 2 x 4 tiles.
    expect(imageTokens({ model: 'gpt-4o', width: 1000, height: 3000 })).toBe(85 + 8 * 170);
  });

  it('a size that is no size is refused, naming the side', () => {
    expect(() => imageTokens({ model: 'gpt-4o', width: 0, height: 10 })).toThrow(
      /Invalid option 'width'/,
    );
    expect(() => imageTokens({ model: 'gpt-4o', width: 10, height: Number.NaN })).toThrow(
      InvalidOptionError,
    );
  });

  it('the largest image a rule allows is what an image of unknown size costs', () => {
    expect(maxImageTokens(imageRuleFor('gpt-4o'), 'high')).toBe(85 + 8 * 170);
    expect(maxImageTokens(imageRuleFor('gpt-4o'), 'low')).toBe(85);
    expect(maxImageTokens(imageRuleFor('gpt-4.1-mini'), 'low')).toBe(Math.ceil(1536 * 1.62));
    // No size gives more than that bound.
    for (const [w, h] of [
      [768, 2048],
      [2048, 2048],
      [1, 100_000],
      [5000, 3000],
    ] as const) {
      expect(imageTokens({ model: 'gpt-4o', width: w, height: h })).toBeLessThanOrEqual(1445);
    }
  });
});

describe('image sizes read from data URL headers', () => {
  const formats = ['png', 'jpeg', 'gif', 'webp'] as const;

  it.each(formats)('%s', (format) => {
    const url = imageDataUrl({ format, width: 1024, height: 768, filler: 64 });
    expect(imageDimensionsOf(url)).toEqual({ width: 1024, height: 768 });
    expect(imageDimensionsOf(imageDataUrl({ format, width: 3, height: 4097 }))).toEqual({
      width: 3,
      height: 4097,
    });
  });

  it('a JPEG whose size marker sits behind a 40 KB EXIF block', () => {
    const url = imageDataUrl({ format: 'jpeg', width: 2048, height: 4096, exifBytes: 40_000 });
    expect(imageDimensionsOf(url)).toEqual({ width: 2048, height: 4096 });
  });

  it('a remote URL, bytes that are no image, and bad base64 have no size', () => {
    expect(imageDimensionsOf('https://example.com/a.png')).toBeUndefined();
    expect(imageDimensionsOf('data:image/png;base64,aGVsbG8=')).toBeUndefined();
    expect(imageDimensionsOf('data:image/png;base64,@@@@')).toBeUndefined();
    expect(imageDimensionsOf('data:image/svg+xml,<svg/>')).toBeUndefined();
  });
});

describe('TokenCounter and image parts', () => {
  const user = (url: string, detail?: 'low' | 'high' | 'auto'): ChatCompletionMessageParam => ({
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this image?' },
      { type: 'image_url', image_url: { url, ...(detail ? { detail } : {}) } },
    ],
  });

  it('counts a data URL image by its size, per format and model, never its base64 as text', () => {
    const counter = new TokenCounter({ model: 'gpt-4o' });
    const text = counter.countMessage({
      role: 'user',
      content: [{ type: 'text', text: 'What is in this image?' }],
    });
    for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
      // 200 KB of image data: as text it would be tens of thousands of tokens.
      const url = imageDataUrl({ format, width: 1024, height: 1024, filler: 200_000 });
      expect(counter.countMessage(user(url, 'high'))).toBe(text + 765);
      expect(counter.countMessage(user(url, 'auto'))).toBe(text + 765);
      expect(counter.countMessage(user(url, 'low'))).toBe(text + 85);
    }
    const big = imageDataUrl({ format: 'png', width: 2048, height: 4096, filler: 10 });
    expect(counter.countMessage(user(big))).toBe(text + 1105);
    const mini = new TokenCounter({ model: 'gpt-4o-mini' });
    expect(mini.countMessage(user(big, 'high')) - mini.countMessage(user(big, 'low'))).toBe(
      6 * 5667,
    );
  });

  it('a remote URL counts as the largest image unless imageSize knows it', () => {
    const url = 'https://example.com/photo.jpg';
    const counter = new TokenCounter({ model: 'gpt-4o' });
    expect(counter.countImage({ url })).toBe(1445);
    expect(counter.countImage({ url, detail: 'low' })).toBe(85);
    const sized = new TokenCounter({
      model: 'gpt-4o',
      imageSize: (u) => (u === url ? { width: 1024, height: 1024 } : undefined),
    });
    expect(sized.countImage({ url })).toBe(765);
    expect(sized.countImage({ url: 'https://example.com/other.png' })).toBe(1445);
    expect(() => new TokenCounter({ model: 'gpt-4o', imageSize: 42 as never })).toThrow(
      InvalidOptionError,
    );
  });

  it('reads the size of a 2 MB image from its header (patch rule)', () => {
    const counter = new TokenCounter({ model: 'gpt-4.1-mini' });
    const bytes = imageBytes({ format: 'png', width: 1800, height: 2400, filler: 2_000_000 });
    const url = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
    expect(counter.countImage({ url })).toBe(Math.ceil(1452 * 1.62));
  });
});
