import { describe, expect, it } from 'vitest';
import { sampleDocument, sampleReceipt } from '../../../test/helpers/eservices-pdf-samples.js';
import { pdfInfo, pdfPng, pdfText, popplerMissing } from '../../platform/pdf/poppler.js';
import { documentPdf, type ReceiptData, receiptPdf } from './pdfs.js';

if (popplerMissing) console.log(`\n[madina] PDF reading checks (src/modules/eservices/pdfs.test.ts) skipped: ${popplerMissing}.\n`);

/** A "file being deposited" receipt: three documents missing. */
const incomplete = sampleReceipt;

/** A "file deposited" receipt at the counter. */
const complete: ReceiptData = {
  ...incomplete,
  status: 'submitted',
  channel: 'counter',
  missingDocuments: [],
  completionDueAt: null,
  deadlineAt: '2026-04-01T09:41:00Z',
};

const document = sampleDocument;

describe('receiptPdf', () => {
  it('gives the same bytes for the same data', async () => {
    expect((await receiptPdf(incomplete, 'ar')).equals(await receiptPdf(incomplete, 'ar'))).toBe(true);
  });

  it('refuses a date that is not one', async () => {
    await expect(receiptPdf({ ...incomplete, depositedAt: 'yesterday' }, 'fr')).rejects.toThrow(/not a date/);
  });

  describe.skipIf(popplerMissing !== null)('read back with poppler', () => {
    it('an Arabic "file being deposited" receipt lists every missing document, in logical order', async () => {
      const text = pdfText(await receiptPdf(incomplete, 'ar'));
      for (const expected of [
        'جماعة بركان',
        'إقليم بركان',
        'Commune de Berkane',
        'وصل الإيداع',
        'ملف في طور الإيداع',
        'رخصة البناء للسكن الفردي',
        'BRK-2026-000123',
        'Fatima Zahra El Idrissi',
        'قسم التعمير',
        'نسخة من البطاقة الوطنية للتعريف الإلكترونية',
        'تصميم الموقع بسلم 1/2000',
        'https://berkane.example.ma/services/requests/BRK-2026-000123',
        // A line mixing Arabic words and a number:
        'جماعة بركان — وصل رقم BRK-2026-000123',
      ]) {
        expect(text).toContain(expected);
      }
      // The completion date in Moroccan Arabic, digits left to right.
      expect(text).toMatch(/أبريل/);
      expect(text).toContain('2026');
    });

    it('a French "file deposited" receipt gives the answer date and the effect of silence', async () => {
      const text = pdfText(await receiptPdf(complete, 'fr'));
      for (const expected of [
        'Commune de Berkane',
        'جماعة بركان',
        'Récépissé de dépôt',
        'Dossier déposé',
        'Permis de construire pour habitat individuel',
        'Au guichet',
        '2 mars 2026 à 09:41', // Morocco is on UTC+0 during Ramadan 1447
        '1 avril 2026',
        "le silence de l'administration vaut acceptation",
      ]) {
        expect(text).toContain(expected);
      }
      expect(text).not.toContain('Dossier en cours de dépôt');
    });

    it('renders each receipt with pdftoppm, on one page', async () => {
      for (const [data, lang] of [
        [incomplete, 'ar'],
        [incomplete, 'fr'],
        [complete, 'ar'],
        [complete, 'fr'],
      ] as const) {
        const pdf = await receiptPdf(data, lang);
        expect(pdfInfo(pdf).fields.Pages).toBe('1');
        expect(pdfPng(pdf, { dpi: 40 }).subarray(1, 4).toString('latin1')).toBe('PNG');
      }
    });
  });
});

describe('documentPdf', () => {
  describe.skipIf(popplerMissing !== null)('read back with poppler', () => {
    it('puts Arabic and French on the same page, with the code and the verification address', async () => {
      const pdf = await documentPdf(document);
      expect(pdfInfo(pdf).fields.Pages).toBe('1');
      const text = pdfText(pdf);
      for (const expected of [
        'جماعة بركان',
        'Commune de Berkane',
        'رخصة البناء',
        'Permis de construire',
        'رخصة البناء للسكن الفردي',
        'Fatima Zahra El Idrissi',
        'K7QF-2M9X-PA4T',
        'https://berkane.example.ma/verify/K7QF-2M9X-PA4T',
        'يرخص للمستفيد ببناء مسكن فردي من طابقين',
        'le bénéficiaire est autorisé à construire',
        document.keyFingerprint!,
      ]) {
        expect(text).toContain(expected);
      }
      expect(pdfPng(pdf, { dpi: 40 }).subarray(1, 4).toString('latin1')).toBe('PNG');
    });

    it('shows a neutral mention, and the name nowhere, when the holder chose not to show it', async () => {
      const pdf = await documentPdf({ ...document, holder: null });
      const text = pdfText(pdf);
      expect(text).toContain('الاسم غير معروض بطلب من المستفيد');
      // The French mention wraps in its column (pdftotext reads the next column in between).
      expect(text).toContain('Nom non affiché, à la demande du');
      expect(text).not.toContain('Fatima');
      expect(pdf.toString('latin1')).not.toContain('Fatima');
    });
  });
});
