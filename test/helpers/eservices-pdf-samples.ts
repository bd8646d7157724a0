import type { DocumentData, ReceiptData } from '../../src/modules/eservices/pdfs.js';

/**
 * One building-permit request's papers, shared by the PDF tests and the PDF bench: a "file being
 * deposited" receipt with three documents missing, and the permit issued for it.
 */
const commune = { code: 'berkane', name: { ar: 'بركان', fr: 'Berkane' }, province: { ar: 'بركان', fr: 'Berkane' } };
const procedure = {
  code: 'building_permit',
  name: { ar: 'رخصة البناء للسكن الفردي', fr: 'Permis de construire pour habitat individuel' },
  deadline: { days: 30, kind: 'calendar' as const },
  silence: 'approval' as const,
};

export const sampleReceipt: ReceiptData = {
  commune,
  number: 'BRK-2026-000123',
  depositedAt: '2026-03-02T09:41:00Z',
  procedure,
  applicantName: 'Fatima Zahra El Idrissi',
  channel: 'online',
  department: { ar: 'قسم التعمير', fr: "Division de l'urbanisme" },
  status: 'incomplete',
  missingDocuments: [
    { key: 'cin', name: { ar: 'نسخة من البطاقة الوطنية للتعريف الإلكترونية', fr: "Copie de la carte nationale d'identité électronique" } },
    { key: 'site_plan', name: { ar: 'تصميم الموقع بسلم 1/2000', fr: 'Plan de situation au 1/2000' } },
    { key: 'title', name: { ar: 'شهادة الملكية مسلمة منذ أقل من 3 أشهر', fr: 'Certificat de propriété de moins de 3 mois' } },
  ],
  completionDueAt: '2026-04-01T09:41:00Z',
  publicUrl: 'https://berkane.example.ma/',
};

export const sampleDocument: DocumentData = {
  commune,
  code: 'K7QF-2M9X-PA4T',
  title: { ar: 'رخصة البناء', fr: 'Permis de construire' },
  procedure,
  requestNumber: sampleReceipt.number,
  department: sampleReceipt.department,
  holder: sampleReceipt.applicantName,
  decision: {
    ar: 'بناء على الطلب رقم BRK-2026-000123، يرخص للمستفيد ببناء مسكن فردي من طابقين على القطعة ذات الرسم العقاري عدد 12345/02.',
    fr: 'Vu la demande n° BRK-2026-000123, le bénéficiaire est autorisé à construire une habitation individuelle de deux niveaux sur la parcelle objet du titre foncier n° 12345/02.',
  },
  issuedAt: '2026-03-20T10:00:00Z',
  publicUrl: 'https://berkane.example.ma',
  keyFingerprint: 'a3f1c0de9b7e44d2a1c8f00e5b6d7c8e9f0a1b2c3d4e5f60718293a4b5c6d7e8',
};
