import QRCode from 'qrcode';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdfInfo, pdfPng, pdfText, popplerMissing } from './poppler.js';
import { directionOf, PdfWriter } from './writer.js';

if (popplerMissing) console.log(`\n[madina] PDF reading checks (src/platform/pdf/writer.test.ts) skipped: ${popplerMissing}.\n`);

const createdAt = new Date('2026-03-02T09:41:00Z');

function sample(): PdfWriter {
  return new PdfWriter({ title: 'Essai', lang: 'ar', direction: 'rtl', createdAt })
    .header({ ar: ['المملكة المغربية', 'جماعة بركان'], fr: ['Royaume du Maroc', 'Commune de Berkane'] })
    .heading('وصل الإيداع', { align: 'center' })
    .paragraph('رقم 2026-000123')
    .keyValues([
      { label: 'المسطرة', value: 'رخصة البناء للسكن الفردي' },
      { label: 'صاحب الطلب', value: 'Mohamed El Amrani' },
    ])
    .list(['نسخة من البطاقة الوطنية للتعريف', 'تصميم الموقع بسلم 1/2000'])
    .bilingualRows([{ fr: 'Code de vérification', ar: 'رمز التحقق', value: 'K7QF-2M9X' }])
    .qr('https://berkane.example/verify/K7QF-2M9X', { caption: ['للتحقق:', 'https://berkane.example/verify/K7QF-2M9X'] })
    .footer(['جماعة بركان — Commune de Berkane']);
}

describe('directionOf', () => {
  it('takes the direction of the first strong letter', () => {
    expect(directionOf('2026 رقم', 'ltr')).toBe('rtl');
    expect(directionOf('« Berkane » بركان', 'rtl')).toBe('ltr');
    expect(directionOf('2026-000123', 'rtl')).toBe('rtl');
  });
});

describe('PdfWriter', () => {
  it('writes a PDF, the same bytes for the same input', async () => {
    const a = await sample().end();
    const b = await sample().end();
    expect(a.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
    expect(a.equals(b)).toBe(true);
  });

  describe.skipIf(popplerMissing !== null)('read back with poppler', () => {
    it('gives the Arabic words to pdftotext in logical order, with numbers left to right', async () => {
      const text = pdfText(await sample().end());
      for (const expected of [
        'المملكة المغربية',
        'جماعة بركان',
        'وصل الإيداع',
        'رقم 2026-000123',
        'رخصة البناء للسكن الفردي',
        'Mohamed El Amrani',
        'نسخة من البطاقة الوطنية للتعريف',
        'تصميم الموقع بسلم 1/2000',
        'رمز التحقق',
        'Commune de Berkane',
      ]) {
        expect(text).toContain(expected);
      }
      // Letters sharing a base glyph (ب ت ث ن ي) come out as themselves, not as their neighbours.
      expect(text).not.toMatch(/[\u066E\u066F\uFFFD]/);
    });

    it('renders with pdftoppm and embeds its fonts', async () => {
      const pdf = await sample().end();
      const png = pdfPng(pdf, { dpi: 50 });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(5_000);
      const info = pdfInfo(pdf);
      expect(info.fields.Pages).toBe('1');
      expect(info.fields.Title).toBe('Essai');
      expect(info.warnings).toBe('');
    });

    it('draws the QR code module for module, with its quiet zone', async () => {
      // A page with only a QR code: 110 pt square at the top right (right-to-left page), 4 px per pt.
      const url = 'https://berkane.example.ma/verify/K7QF-2M9X-PA4T';
      const pdf = await new PdfWriter({ title: 'QR', lang: 'ar', direction: 'rtl', createdAt }).qr(url, { size: 110 }).end();
      const scale = 4;
      const { data, info } = await sharp(pdfPng(pdf, { dpi: 72 * scale }))
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
      const cell = 110 / (modules.size + 8);
      const [left, top] = [595.28 - 50 - 110, 46];
      const dark = (row: number, col: number) => {
        const x = Math.round((left + (col + 4.5) * cell) * scale);
        const y = Math.round((top + (row + 4.5) * cell) * scale);
        return data[y * info.width + x]! < 128;
      };
      for (let row = -4; row < modules.size + 4; row++) {
        for (let col = -4; col < modules.size + 4; col++) {
          const expected = row >= 0 && col >= 0 && row < modules.size && col < modules.size && Boolean(modules.get(row, col));
          expect(dark(row, col), `module ${row},${col}`).toBe(expected);
        }
      }
    });

    it('continues a long text on the next page and numbers the pages', async () => {
      const writer = new PdfWriter({ title: 'Long', lang: 'fr', direction: 'ltr', createdAt });
      const sentence = 'Le délai de traitement ne court qu’à compter du dépôt du dossier complet, article 10 de la loi 55.19. ';
      for (let i = 0; i < 12; i++) writer.paragraph(sentence.repeat(6));
      writer.footer(['Commune de Berkane']);
      const pdf = await writer.end();
      const pages = Number(pdfInfo(pdf).fields.Pages);
      expect(pages).toBeGreaterThanOrEqual(2);
      // pdftotext drops the spaces around the slash.
      const numbers = pdfText(pdf).match(/^\d+ ?\/ ?\d+$/gm) ?? [];
      expect(numbers.map((n) => n.replace(/ /g, ''))).toEqual(Array.from({ length: pages }, (_, i) => `${i + 1}/${pages}`));
    });
  });
});
