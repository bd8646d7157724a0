import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildPdf, TINY_PNG } from '../../../test/helpers/pdf-fixtures.js';
import { checkAttachment } from './attachment-check.js';
import { FIELD_LIMITS } from './procedure.js';

async function refusal(data: Buffer, name: string, type?: string) {
  try {
    await checkAttachment(data, name, type);
  } catch (err) {
    return err as { code: string; status: number; values: Record<string, unknown> };
  }
  throw new Error('accepted');
}

function pdfkitDocument(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ compress: true });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('Attestation de propriété — شهادة الملكية');
    doc.end();
  });
}

describe('attachments are checked by their content', () => {
  it('accepts a plain PDF and keeps it byte for byte, with its SHA-256', async () => {
    const pdf = buildPdf();
    const checked = await checkAttachment(pdf, 'plan.pdf', 'application/pdf');
    expect(checked).toMatchObject({ contentType: 'application/pdf', extension: 'pdf' });
    expect(checked.data.equals(pdf)).toBe(true);
    expect(checked.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a PDF as a common generator writes it (compressed streams)', async () => {
    expect((await checkAttachment(await pdfkitDocument(), 'deed.pdf')).contentType).toBe('application/pdf');
  });

  it('accepts a PDF 1.5 with an object stream and an XRef stream when nothing active is inside', async () => {
    const pdf = buildPdf({ compressed: ['<< /Type /Annot /Subtype /Text /Contents (note) >>'] });
    expect((await checkAttachment(pdf, 'scan.pdf')).contentType).toBe('application/pdf');
  });

  it('re-encodes a PNG and a JPEG without their metadata', async () => {
    const png = await checkAttachment(TINY_PNG, 'photo.png', 'image/png');
    expect(png.contentType).toBe('image/png');
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'secret place' } } })
      .toBuffer();
    const checked = await checkAttachment(jpeg, 'photo.jpg', 'image/jpeg');
    expect(checked.contentType).toBe('image/jpeg');
    expect((await sharp(checked.data).metadata()).exif).toBeUndefined();
  });

  it('refuses a PNG named .pdf (not what it claims)', async () => {
    expect(await refusal(TINY_PNG, 'contract.pdf', 'application/pdf')).toMatchObject({ status: 422, code: 'attachment_mismatch' });
  });

  it('refuses a PDF declared as an image', async () => {
    expect(await refusal(buildPdf(), 'scan.jpg', 'image/jpeg')).toMatchObject({ status: 422, code: 'attachment_mismatch' });
  });

  it('refuses random bytes, and formats other than PDF, JPEG and PNG', async () => {
    expect(await refusal(randomBytes(2048), 'file.pdf')).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    const webp = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .webp()
      .toBuffer();
    expect(await refusal(webp, 'photo.webp')).toMatchObject({ status: 415 });
    expect(await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.png')).toMatchObject({ status: 415 });
  });

  it('refuses a file over the size limit', async () => {
    const big = Buffer.concat([buildPdf(), Buffer.alloc(FIELD_LIMITS.attachmentBytesMax)]);
    expect(await refusal(big, 'big.pdf')).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('refuses a PDF whose header is there but whose structure is not (no xref, no trailer)', async () => {
    expect(await refusal(Buffer.from('%PDF-1.4\nhello\n%%EOF\n'), 'x.pdf')).toMatchObject({ status: 422, code: 'pdf_unreadable' });
    const pdf = buildPdf();
    expect(await refusal(pdf.subarray(0, pdf.length - 40), 'cut.pdf')).toMatchObject({ status: 422, code: 'pdf_unreadable' });
    const wrongOffset = Buffer.from(pdf.toString('latin1').replace(/startxref\n\d+/, 'startxref\n9'), 'latin1');
    expect(await refusal(wrongOffset, 'bad.pdf')).toMatchObject({ status: 422, code: 'pdf_unreadable' });
  });

  it('refuses a PDF that runs JavaScript when opened', async () => {
    const pdf = buildPdf({ catalogExtra: '/OpenAction 4 0 R', objects: ['<< /S /JavaScript /JS (app.alert(1)) >>'] });
    expect(await refusal(pdf, 'form.pdf')).toMatchObject({ status: 422, code: 'pdf_active_content', values: { name: 'JavaScript' } });
  });

  it('refuses a PDF hiding /JS in a Flate-compressed object stream', async () => {
    const pdf = buildPdf({ catalogExtra: '/OpenAction 4 0 R', compressed: ['<< /S /JavaScript /JS (app.alert(1)) >>'] });
    // Nothing shows in the file's bytes: only inflating the object stream finds it.
    expect(pdf.toString('latin1')).not.toContain('/JS');
    expect(await refusal(pdf, 'form.pdf')).toMatchObject({ status: 422, code: 'pdf_active_content' });
  });

  it('refuses a name disguised with #xx escapes, a launch action and embedded files', async () => {
    expect(await refusal(buildPdf({ objects: ['<< /S /J#61vaScript /J#53 (x) >>'] }), 'a.pdf')).toMatchObject({
      code: 'pdf_active_content',
    });
    expect(await refusal(buildPdf({ objects: ['<< /S /Launch /F (cmd.exe) >>'] }), 'b.pdf')).toMatchObject({
      code: 'pdf_active_content',
      values: { name: 'Launch' },
    });
    expect(
      await refusal(buildPdf({ catalogExtra: '/Names << /EmbeddedFiles 4 0 R >>', objects: ['<< /Names [] >>'] }), 'c.pdf'),
    ).toMatchObject({
      code: 'pdf_active_content',
    });
    expect(await refusal(buildPdf({ objects: ['<< /Type /RichMedia >>'] }), 'd.pdf')).toMatchObject({ code: 'pdf_active_content' });
  });

  it('refuses an object stream it cannot inspect, and an encrypted PDF', async () => {
    const hidden = deflateSync(Buffer.from('4 0 << /JS (x) >>'));
    const odd = buildPdf({
      objects: [
        `<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode] /Length ${hidden.length} >>\nstream\n${hidden.toString('latin1')}\nendstream`,
      ],
    });
    expect(await refusal(odd, 'odd.pdf')).toMatchObject({ status: 422, code: 'pdf_unreadable' });
    expect(await refusal(buildPdf({ catalogExtra: '/Encrypt 4 0 R', objects: ['<< /Filter /Standard >>'] }), 'e.pdf')).toMatchObject({
      code: 'pdf_encrypted',
    });
  });

  it('refuses a corrupt image', async () => {
    const cut = TINY_PNG.subarray(0, 40);
    expect(await refusal(cut, 'photo.png')).toMatchObject({ status: 422, code: 'image_unreadable' });
  });
});
