/**
 * What an image costs in prompt tokens, by OpenAI's published rule for each model family.
 *
 * Source: OpenAI, "Images and vision", section "Calculating costs"
 * (https://platform.openai.com/docs/guides/images-vision#calculating-costs, formerly
 * https://platform.openai.com/docs/guides/vision/calculating-costs). Two rules are documented:
 *
 * - Tiles (gpt-4o, gpt-4.1, gpt-4.5, gpt-4o-mini, gpt-5, o1, o3, computer-use-preview): with
 *   `detail: 'low'` a fixed base; otherwise scale to fit in 2048x2048, then so that the shortest
 *   side is 768 px (images are only ever scaled down), count the 512 px tiles that cover it, and
 *   cost `base + tile * tiles`. Base and tile tokens per family are in `FAMILIES` below.
 * - Patches (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini, gpt-5-nano): count the 32x32 px
 *   patches that cover the image; past 1,536 scale the image down until at most 1,536 patches
 *   cover it; multiply by the family's multiplier. `detail` does not change the count.
 *
 * @module
 */

import { normalizeModelName } from './encoding-for-model.js';
import { InvalidOptionError } from './errors.js';

/** An image part's `detail`: `auto` (the API's default) counts as `high`, the larger. */
export type ImageDetail = 'low' | 'high' | 'auto';

/** The size of an image in pixels. */
export interface ImageDimensions {
  /** Width in pixels (> 0). */
  width: number;
  /** Height in pixels (> 0). */
  height: number;
}

/** The 512-px tile rule of a model family. */
export interface TileRule {
  readonly kind: 'tiles';
  /** Tokens of a `detail: 'low'` image, and added to every high-detail image. */
  readonly base: number;
  /** Tokens per 512x512 tile of a high-detail image. */
  readonly tile: number;
  /** The shortest side an image is scaled down to (768 px; gpt-image-1: 512 px). */
  readonly shortSide: number;
}

/** The 32-px patch rule of a model family. */
export interface PatchRule {
  readonly kind: 'patches';
  /** The tokens per patch the family bills (1.62 for gpt-4.1-mini, ...). */
  readonly multiplier: number;
}

/** How one model family prices images. */
export type ImageTokenRule = TileRule | PatchRule;

const tiles = (base: number, tile: number, shortSide = 768): TileRule =>
  Object.freeze({ kind: 'tiles', base, tile, shortSide });
const patches = (multiplier: number): PatchRule => Object.freeze({ kind: 'patches', multiplier });

/** Largest square a high-detail image is fitted into first (tile rule). */
export const MAX_IMAGE_SIDE = 2048;
/** Side of a tile (tile rule). */
export const TILE_SIZE = 512;
/** Side of a patch (patch rule). */
export const PATCH_SIZE = 32;
/** Most patches an image is covered by (patch rule). */
export const MAX_PATCHES = 1536;

/** The documented rule of gpt-4o, gpt-4.1 and gpt-4.5: also used for names not listed. */
export const DEFAULT_IMAGE_RULE: TileRule = tiles(85, 170);

/**
 * Model-name prefixes and their rules, most specific first (`gpt-4o-mini` before `gpt-4o`).
 * Base/tile tokens and multipliers are the ones in OpenAI's "Calculating costs" tables.
 */
const FAMILIES: ReadonlyArray<readonly [string, ImageTokenRule]> = [
  // Patch rule families and their multipliers.
  ['gpt-4.1-mini', patches(1.62)],
  ['gpt-4.1-nano', patches(2.46)],
  ['gpt-5-mini', patches(1.62)],
  ['gpt-5-nano', patches(2.46)],
  ['o4-mini', patches(1.72)],
  // Tile rule families: base tokens, tile tokens.
  ['gpt-4o-mini', tiles(2833, 5667)],
  ['gpt-4o', tiles(85, 170)],
  ['chatgpt-4o', tiles(85, 170)],
  ['gpt-4.1', tiles(85, 170)],
  ['gpt-4.5', tiles(85, 170)],
  ['gpt-4-turbo', tiles(85, 170)],
  ['gpt-4-vision', tiles(85, 170)],
  ['gpt-5', tiles(70, 140)],
  ['o1', tiles(75, 150)],
  ['o3', tiles(75, 150)],
  ['computer-use-preview', tiles(65, 129)],
  // gpt-image-1 scales the shortest side to 512 px instead of 768 px.
  ['gpt-image-1', tiles(65, 129, 512)],
];

/**
 * The image rule for a model name: the longest listed prefix of its normalised name (`ft:` and
 * `provider/` stripped), else {@link DEFAULT_IMAGE_RULE}.
 *
 * @param model - Any model name.
 * @returns How the model prices images.
 */
export function imageRuleFor(model: string): ImageTokenRule {
  const name = normalizeModelName(model);
  let best: readonly [string, ImageTokenRule] | undefined;
  for (const family of FAMILIES) {
    if (name.startsWith(family[0]) && (!best || family[0].length > best[0].length)) best = family;
  }
  return best ? best[1] : DEFAULT_IMAGE_RULE;
}

// Scaled sizes are real numbers; a product such as 2400 * (1056 / 1800) can land a hair above
// a whole number of pixels, which must not cost one more tile or patch.
const EPSILON = 1e-9;
const cover = (length: number, size: number): number => Math.ceil(length / size - EPSILON);

/**
 * The tokens of one image under a tile rule: `base` for low detail; else fit in 2048x2048,
 * shortest side to `shortSide` (never enlarged), `base + tile * ceil(w/512) * ceil(h/512)`.
 */
function tileTokens(rule: TileRule, { width, height }: ImageDimensions, detail: ImageDetail) {
  if (detail === 'low') return rule.base;
  let w = width;
  let h = height;
  const longest = Math.max(w, h);
  if (longest > MAX_IMAGE_SIDE) {
    w = (w * MAX_IMAGE_SIDE) / longest;
    h = (h * MAX_IMAGE_SIDE) / longest;
  }
  const shortest = Math.min(w, h);
  if (shortest > rule.shortSide) {
    w = (w * rule.shortSide) / shortest;
    h = (h * rule.shortSide) / shortest;
  }
  return rule.base + rule.tile * cover(w, TILE_SIZE) * cover(h, TILE_SIZE);
}

/**
 * The patches that cover an image under the patch rule, by the documented steps: A. patches to
 * cover it; B. past 1,536, shrink by `sqrt(32² × 1536 / (w × h))`, then again so that one side
 * is a whole number of patches; C. patches of the result, at most 1,536.
 */
export function patchCount({ width, height }: ImageDimensions): number {
  const raw = cover(width, PATCH_SIZE) * cover(height, PATCH_SIZE);
  if (raw <= MAX_PATCHES) return raw;
  const shrink = Math.sqrt((PATCH_SIZE * PATCH_SIZE * MAX_PATCHES) / (width * height));
  const across = (width * shrink) / PATCH_SIZE;
  const down = (height * shrink) / PATCH_SIZE;
  const fit = shrink * Math.min(Math.floor(across) / across, Math.floor(down) / down);
  const count = cover(width * fit, PATCH_SIZE) * cover(height * fit, PATCH_SIZE);
  return Math.min(count, MAX_PATCHES);
}

/**
 * The prompt tokens of one image for a model, by OpenAI's published rule.
 *
 * @param options - The model (or its rule), the image's size and its `detail`.
 * @returns Whole tokens; a patch count times a fractional multiplier is rounded up, so a budget
 *   is never under-counted.
 * @throws InvalidOptionError when `width` or `height` is not a number > 0.
 * @example
 * ```ts
 * imageTokens({ model: 'gpt-4o', width: 1024, height: 1024, detail: 'high' }); // 765
 * imageTokens({ model: 'gpt-4.1-mini', width: 1800, height: 2400 });           // ceil(1452 * 1.62)
 * ```
 */
export function imageTokens({
  model,
  rule = imageRuleFor(model ?? ''),
  width,
  height,
  detail = 'auto',
}: {
  model?: string | undefined;
  rule?: ImageTokenRule | undefined;
  width: number;
  height: number;
  detail?: ImageDetail | undefined;
}): number {
  for (const [option, side] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof side !== 'number' || !Number.isFinite(side) || side <= 0) {
      throw new InvalidOptionError(option, 'the image size in pixels, a number > 0', side);
    }
  }
  const size = { width, height };
  if (rule.kind === 'tiles') return tileTokens(rule, size, detail);
  return Math.ceil(patchCount(size) * rule.multiplier - EPSILON);
}

/**
 * The most one image can cost under a rule: what an image of unknown size (a remote URL) is
 * counted as, so that a trimmed request never exceeds its budget. Tile rule: low detail is
 * `base`; high is a 768x2048 image (2 x 4 tiles; 1,445 tokens for gpt-4o). Patch rule: 1,536
 * patches times the multiplier.
 *
 * @param rule - The model's rule.
 * @param detail - The part's detail.
 * @returns The tokens.
 */
export function maxImageTokens(rule: ImageTokenRule, detail: ImageDetail): number {
  if (rule.kind === 'patches') return Math.ceil(MAX_PATCHES * rule.multiplier - EPSILON);
  if (detail === 'low') return rule.base;
  const longTiles = MAX_IMAGE_SIDE / TILE_SIZE;
  const shortTiles = Math.ceil(rule.shortSide / TILE_SIZE);
  return rule.base + rule.tile * longTiles * shortTiles;
}
