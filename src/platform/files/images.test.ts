import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/index.js';
import { IMAGE_MAX_BYTES, processImage, sniffImageType } from './images.js';

/** Raw RGB pixels: the left half red, the right half blue. */
function halves(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels[(y * width + x) * 3 + (x < width / 2 ? 0 : 2)] = 255;
  }
  return pixels;
}

const raw = (width: number, height: number) => sharp(halves(width, height), { raw: { width, height, channels: 3 } });

/** The colour at (x, y) of an encoded image, as [r, g, b]. */
async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

/** Whether an EXIF block points to a GPS directory (tag 0x8825, in the block's byte order). */
function hasGpsDirectory(exif: Buffer): boolean {
  const littleEndian = exif.toString('latin1', 6, 8) === 'II';
  return exif.includes(Buffer.from(littleEndian ? [0x25, 0x88] : [0x88, 0x25]));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1-bit grey PNG of width×height, all black: 20000×20000 compresses to about 50 kB. */
function blackPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth; colour type 0 (grey), compression, filter and interlace 0
  const scanlines = Buffer.alloc(height * (1 + Math.ceil(width / 8))); // filter byte 0 + zero bits per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(scanlines, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('processImage', () => {
  it('turns a phone photo upright and drops its EXIF (with GPS), XMP and ICC profile', async () => {
    // 400×200 pixels stored sideways: orientation 6 means "rotate 90° clockwise to view".
    const photo = await raw(400, 200)
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Artist: 'Citizen Private Name' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '34/1 55/1 3000/100', GPSLongitudeRef: 'W', GPSLongitude: '2/1 19/1 0/1' },
      })
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
          '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Xmp Private Name</dc:creator></rdf:Description>' +
          '</rdf:RDF></x:xmpmeta>',
      )
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(hasGpsDirectory(before.exif!)).toBe(true);
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();

    const out = await processImage(photo);

    const after = await sharp(out.full).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 200, height: 400 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(out.full.includes('Private Name')).toBe(false);
    expect(out.full.includes('Exif\0\0')).toBe(false);
    expect(out).toMatchObject({ width: 200, height: 400, format: 'jpeg', sourceType: 'jpeg' });
    // Rotated clockwise, the left (red) half is now on top and the right (blue) half below.
    const [r1, , b1] = await pixelAt(out.full, 100, 50);
    const [r2, , b2] = await pixelAt(out.full, 100, 350);
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    expect(r2).toBeLessThan(60);
    expect(b2).toBeGreaterThan(200);

    const thumb = await sharp(out.thumb).metadata();
    expect(thumb).toMatchObject({ format: 'jpeg', width: 160, height: 320 });
    expect(thumb.exif).toBeUndefined();
  });

  it('fits a large photo within 1600×1600 and its thumbnail within 320×320', async () => {
    const out = await processImage(await raw(4000, 3000).jpeg().toBuffer());
    expect([out.width, out.height]).toEqual([1600, 1200]);
    expect(await sharp(out.full).metadata()).toMatchObject({ width: 1600, height: 1200 });
    expect(await sharp(out.thumb).metadata()).toMatchObject({ width: 320, height: 240 });
  });

  it('never enlarges a small image', async () => {
    const out = await processImage(await raw(120, 80).jpeg().toBuffer());
    expect([out.width, out.height]).toEqual([120, 80]);
    expect(await sharp(out.thumb).metadata()).toMatchObject({ width: 120, height: 80 });
  });

  it('accepts a PNG and puts its transparent parts on white, not black', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const out = await processImage(png);
    expect(out).toMatchObject({ width: 300, height: 200, sourceType: 'png', format: 'jpeg' });
    expect(await sharp(out.full).metadata()).toMatchObject({ format: 'jpeg', hasAlpha: false });
    for (const channel of await pixelAt(out.full, 150, 100)) expect(channel).toBeGreaterThan(245);
  });

  it('accepts WebP and AVIF', async () => {
    const webp = await processImage(await raw(500, 250).webp().toBuffer());
    expect(webp).toMatchObject({ width: 500, height: 250, sourceType: 'webp' });
    const avif = await processImage(await raw(500, 250).avif().toBuffer());
    expect(avif).toMatchObject({ width: 500, height: 250, sourceType: 'avif' });
    expect((await sharp(avif.full).metadata()).format).toBe('jpeg');
  });

  it('refuses a text file named like a photo with 415', async () => {
    const text = Buffer.from('This is photo.jpg, honestly.\n'.repeat(20));
    await expect(processImage(text)).rejects.toMatchObject({
      code: 'unsupported_media_type',
      status: 415,
      detailKey: 'problem.image.unsupported.detail',
    });
  });

  it('refuses a PDF, an SVG, a GIF and a TIFF with 415, before any decoder sees them', async () => {
    const pdf = Buffer.from(
      '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
      'latin1',
    );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const gif = await raw(10, 10).gif().toBuffer();
    const tiff = await raw(10, 10).tiff().toBuffer();
    for (const input of [pdf, svg, gif, tiff]) {
      expect(sniffImageType(input)).toBeUndefined();
      await expect(processImage(input)).rejects.toMatchObject({ code: 'unsupported_media_type', status: 415 });
    }
  });

  it('refuses a truncated JPEG with 422', async () => {
    // Noise, so that the cut falls in the middle of the pixel data rather than in padding.
    const noise = Buffer.from(Array.from({ length: 600 * 400 * 3 }, (_, i) => (i * 7919) % 251));
    const jpeg = await sharp(noise, { raw: { width: 600, height: 400, channels: 3 } })
      .jpeg()
      .toBuffer();
    const expected = { code: 'image_unreadable', status: 422, detailKey: 'problem.image.unreadable.detail' };
    await expect(processImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))).rejects.toMatchObject(expected);
    // Cut inside the header: not even the size can be read.
    await expect(processImage(jpeg.subarray(0, 100))).rejects.toMatchObject(expected);
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const bomb = blackPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200_000);
    // A real image, not a broken file: 400 megapixels (400 MB once decoded) in a few kilobytes.
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: 20_000, height: 20_000 });

    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await expect(processImage(bomb)).rejects.toMatchObject({
      code: 'image_too_large_dimensions',
      status: 422,
      detailKey: 'problem.image.dimensions.detail',
      values: { megapixels: 40 },
    });
    // Refusing from the header takes a few milliseconds; decoding this image (which libvips can
    // stream) takes about 600 ms on two cores, and far more memory for anything that needs the
    // whole image at once, such as turning it upright.
    expect(performance.now() - started).toBeLessThan(200);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('applies a lower pixel limit when asked', async () => {
    await expect(processImage(await raw(1000, 1000).png().toBuffer(), { maxPixels: 999_999 })).rejects.toMatchObject({
      code: 'image_too_large_dimensions',
      values: { megapixels: 0.999999 },
    });
  });

  it('refuses an upload over the byte limit with 413, before looking inside', async () => {
    const big = Buffer.alloc(IMAGE_MAX_BYTES + 1, 0xff);
    await expect(processImage(big)).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
      detailKey: 'problem.image.too_large.detail',
      values: { max: 10 },
    });
    const photo = await raw(400, 300).jpeg().toBuffer();
    await expect(processImage(photo, { maxBytes: photo.length - 1 })).rejects.toMatchObject({ status: 413 });
    await expect(processImage(photo, { maxBytes: photo.length })).resolves.toMatchObject({ width: 400 });
  });

  it('explains each refusal in the citizen’s language', () => {
    expect(translator('en').t('problem.image.too_large.detail', { max: 10 })).toBe('The image exceeds the limit of 10 MB.');
    expect(translator('fr').t('problem.image.dimensions.detail', { megapixels: 40 })).toContain('40 mégapixels');
    expect(translator('ar').t('problem.image.too_large.detail', { max: 10 })).toContain('10 ميغابايت');
  });
});
