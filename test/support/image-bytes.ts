/**
 * Tiny images built byte by byte, for tests that read sizes from headers: only the bytes a
 * decoder reads to find the size, plus optional filler (which a counter must never read as text).
 *
 * @module
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** A PNG: signature and IHDR chunk (8-bit RGBA). */
function png(width: number, height: number): number[] {
  return [
    0x89,
    ...ascii('PNG\r\n\x1a\n'),
    ...u32be(13),
    ...ascii('IHDR'),
    ...u32be(width),
    ...u32be(height),
    8,
    6,
    0,
    0,
    0,
    ...u32be(0), // CRC (not checked by size readers)
  ];
}

/**
 * A baseline JPEG: SOI, a JFIF APP0, an optional APP1 (EXIF) segment of `exifBytes` bytes (a
 * camera's EXIF block pushes the size marker kilobytes into the file), then SOF0 with the size.
 */
function jpeg(width: number, height: number, exifBytes = 0): number[] {
  const app0 = [0xff, 0xe0, ...u16be(16), ...ascii('JFIF\0'), 1, 1, 0, ...u16be(1), ...u16be(1)];
  const app0Tail = [0, 0];
  const exif: number[] = [];
  if (exifBytes > 0) {
    const body = [...ascii('Exif\0\0'), ...new Array<number>(exifBytes).fill(0x20)];
    exif.push(0xff, 0xe1, ...u16be(body.length + 2), ...body);
  }
  const sof0 = [0xff, 0xc0, ...u16be(17), 8, ...u16be(height), ...u16be(width), 3];
  const components = [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return [0xff, 0xd8, ...app0, ...app0Tail, ...exif, ...sof0, ...components];
}

/** A GIF89a logical screen descriptor. */
function gif(width: number, height: number): number[] {
  return [...ascii('GIF89a'), ...u16le(width), ...u16le(height), 0, 0, 0];
}

/** An extended WebP (VP8X chunk: canvas width - 1 and height - 1, 24 bits each). */
function webp(width: number, height: number): number[] {
  const vp8x = [
    ...ascii('VP8X'),
    10,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...u24le(width - 1),
    ...u24le(height - 1),
  ];
  return [...ascii('RIFF'), ...[22, 0, 0, 0], ...ascii('WEBP'), ...vp8x];
}

/**
 * The bytes of an image of the given size: its header, then `filler` zero bytes.
 *
 * @param options - Format, size, filler bytes and, for JPEG, an EXIF block's size.
 */
export function imageBytes({
  format,
  width,
  height,
  filler = 0,
  exifBytes = 0,
}: {
  format: ImageFormat;
  width: number;
  height: number;
  filler?: number;
  exifBytes?: number;
}): Uint8Array {
  const header =
    format === 'png'
      ? png(width, height)
      : format === 'jpeg'
        ? jpeg(width, height, exifBytes)
        : format === 'gif'
          ? gif(width, height)
          : webp(width, height);
  const bytes = new Uint8Array(header.length + filler);
  bytes.set(header);
  return bytes;
}

const MIME: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/**
 * A `data:image/...;base64,` URL of a built image.
 *
 * @param options - As {@link imageBytes}.
 */
export function imageDataUrl(options: Parameters<typeof imageBytes>[0]): string {
  const base64 = Buffer.from(imageBytes(options)).toString('base64');
  return `data:${MIME[options.format]};base64,${base64}`;
}
