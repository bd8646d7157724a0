import sharp, { type Metadata } from 'sharp';
import { AppError } from '../http/errors.js';
import { LIMITS } from '../limits.js';

/** The formats a citizen's photo may arrive in (HEIC is not: sharp's prebuilt libvips has no HEVC decoder). */
export type ImageType = 'jpeg' | 'png' | 'webp' | 'avif';

const MEBIBYTE = 1024 * 1024;
/** Default byte limit of one upload: a phone's photo at its usual 12 megapixels is 2–6 MB. */
export const IMAGE_MAX_BYTES = LIMITS.photoBytesMax;
/** Default pixel limit, checked from the header before any pixel is decoded (decompression bombs). */
export const IMAGE_MAX_PIXELS = 40_000_000;
export const IMAGE_FULL_SIZE = 1600;
export const IMAGE_THUMB_SIZE = 320;

export const imageTooLarge = (maxBytes: number) =>
  new AppError('payload_too_large', 413, 'problem.image.too_large.detail', { max: maxBytes / MEBIBYTE });

export interface ImageOptions {
  maxBytes?: number;
  maxPixels?: number;
}

/** A photo made safe to store and show: re-encoded as JPEG, upright, without any metadata. */
export interface ProcessedImage {
  /** At most 1600×1600. */
  full: Buffer;
  /** At most 320×320. */
  thumb: Buffer;
  width: number;
  height: number;
  format: 'jpeg';
  /** What the upload actually was, by its content. */
  sourceType: ImageType;
}

const unsupported = () => new AppError('unsupported_media_type', 415, 'problem.image.unsupported.detail');
const unreadable = () => new AppError('image_unreadable', 422, 'problem.image.unreadable.detail');
const tooManyPixels = (maxPixels: number) =>
  new AppError('image_too_large_dimensions', 422, 'problem.image.dimensions.detail', { megapixels: maxPixels / 1_000_000 });

/** ISO-BMFF brands (major or compatible) that mark an AVIF still image or sequence. */
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * The type of an image by its first bytes, whatever its name or declared content type says.
 * Only these magic numbers ever reach libvips, so its other loaders (SVG, PDF, TIFF, GIF…) never
 * see untrusted input.
 */
export function sniffImageType(bytes: Buffer): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 16 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    // ftyp box: size, 'ftyp', major brand, minor version, then compatible brands to the box's end.
    const end = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
    if (AVIF_BRANDS.has(bytes.toString('latin1', 8, 12))) return 'avif';
    for (let at = 16; at + 4 <= end; at += 4) if (AVIF_BRANDS.has(bytes.toString('latin1', at, at + 4))) return 'avif';
  }
  return undefined;
}

function typeOf(meta: Metadata): ImageType | undefined {
  if (meta.format === 'jpeg' || meta.format === 'png' || meta.format === 'webp') return meta.format;
  if (meta.format === 'heif' && meta.compression === 'av1') return 'avif';
  return undefined;
}

/**
 * Turns an uploaded photo into what Madina stores: refuses anything but JPEG, PNG, WebP and AVIF
 * (415), an upload over `maxBytes` (413), more than `maxPixels` (422, decided from the header
 * before decoding) or an unreadable file (422); otherwise turns it upright by its EXIF
 * orientation, drops every metadata block (EXIF with GPS, XMP, IPTC, ICC after conversion to
 * sRGB), flattens transparency onto white, and re-encodes it as a JPEG within 1600×1600 plus a
 * thumbnail within 320×320, never enlarging.
 *
 * @example
 *   const { full, thumb } = await processImage(upload);
 *   await store.put(`${communeId}/${id}.jpg`, full, 'image/jpeg');
 */
export async function processImage(input: Buffer, options: ImageOptions = {}): Promise<ProcessedImage> {
  const maxBytes = options.maxBytes ?? IMAGE_MAX_BYTES;
  const maxPixels = options.maxPixels ?? IMAGE_MAX_PIXELS;
  if (input.length > maxBytes) {
    throw imageTooLarge(maxBytes);
  }
  const sniffed = sniffImageType(input);
  if (!sniffed) throw unsupported();

  // metadata() parses the header only: a 20000×20000 bomb of a few kilobytes is refused here.
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: maxPixels }).metadata();
  } catch (error) {
    throw refusal(error, maxPixels);
  }
  // e.g. a HEIC (HEVC) image in a box that also lists the AVIF brand.
  if (typeOf(meta) !== sniffed) throw unsupported();
  if (!meta.width || !meta.height) throw unreadable();
  if (meta.width * meta.height > maxPixels) throw tooManyPixels(maxPixels);

  try {
    // limitInputPixels repeats the check inside libvips; failOn 'warning' (sharp's advice for
    // untrusted input) refuses truncated and corrupt pixel data instead of showing grey bands.
    const full = await sharp(input, { limitInputPixels: maxPixels, failOn: 'warning' })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .resize(IMAGE_FULL_SIZE, IMAGE_FULL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    // From the small, clean result: the large original is decoded only once.
    const thumb = await sharp(full.data)
      .resize(IMAGE_THUMB_SIZE, IMAGE_THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75, mozjpeg: true })
      .toBuffer();
    return { full: full.data, thumb, width: full.info.width, height: full.info.height, format: 'jpeg', sourceType: sniffed };
  } catch (error) {
    throw refusal(error, maxPixels);
  }
}

/** What to tell the caller when libvips refuses an input: too many pixels, or unreadable. */
function refusal(error: unknown, maxPixels: number): AppError {
  return error instanceof Error && /exceeds pixel limit/i.test(error.message) ? tooManyPixels(maxPixels) : unreadable();
}
