// E-services PDFs: filing receipts (Arabic, French) and issued documents (Arabic and French on one
// page, with and without the Ed25519 signature) made one after another in this process — one
// core, no concurrency — beside floors measured in the same rounds on the same machine:
//   - pdfkit alone: the French receipt's same strings written with pdfkit's own text layout in
//     its built-in Helvetica (no embedded font, no bidi, no shaping, no QR code) — the least any
//     pdfkit document of that content costs;
//   - pdfkit + embedded Noto Sans: the same, in the embedded, subsetted Latin font the receipts use;
//   - signing alone and verifying alone, on the document's bytes.
// Targets take turns, round after round (BENCH_ROUNDS, each BENCH_PDF_ITERATIONS documents per
// target after a few unmeasured ones); the table gives the medians over the rounds of documents
// per second and of each round's p50 and p99 latency. The first document of the process (fonts
// read, unwrapped and opened, shaping tables parsed) is timed apart.
import { performance } from 'node:perf_hooks';
import PDFDocument from 'pdfkit';
import { documentPdf, receiptPdf } from '../src/modules/eservices/pdfs.js';
import { generateSigningKey, signPdf, verifyPdf } from '../src/modules/eservices/signing.js';
import { translator } from '../src/platform/i18n/index.js';
import { pdfFonts } from '../src/platform/pdf/fonts.js';
import { sampleDocument, sampleReceipt } from '../test/helpers/eservices-pdf-samples.js';
import { intEnv, median, num, table } from './lib.js';
import type { BenchOutput } from './startup.js';

const log = (message: string) => process.stderr.write(`[pdfs] ${message}\n`);

const receipt = sampleReceipt;
const document = sampleDocument;

/** The French receipt's strings, in reading order (what the pdfkit floors write). */
function receiptStrings(): string[] {
  const t = translator('fr');
  const at = new Date(receipt.depositedAt);
  return [
    'Royaume du Maroc',
    "Ministère de l'Intérieur",
    'Province de Berkane',
    'Commune de Berkane',
    t.t('eservices.pdf.receipt.title'),
    t.t('eservices.pdf.receipt.state_incomplete'),
    t.t('eservices.pdf.receipt.legal_basis'),
    `${t.t('eservices.pdf.receipt.number')} : ${receipt.number}`,
    `${t.t('eservices.pdf.receipt.deposited_at')} : ${t.t('eservices.pdf.datetime', { at })}`,
    `${t.t('eservices.pdf.receipt.procedure')} : ${receipt.procedure.name.fr}`,
    `${t.t('eservices.pdf.receipt.applicant')} : ${receipt.applicantName}`,
    `${t.t('eservices.pdf.receipt.department')} : ${receipt.department?.fr}`,
    t.t('eservices.pdf.receipt.incomplete_text'),
    ...receipt.missingDocuments.map((d) => `• ${d.name.fr}`),
    t.t('eservices.pdf.receipt.complete_by_text', { due: new Date(receipt.completionDueAt!) }),
    t.t('eservices.pdf.receipt.tracking'),
    `${receipt.publicUrl}/services/requests/${receipt.number}`,
  ];
}

function plainPdfkit(strings: string[], font: 'Helvetica' | 'embedded'): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { CreationDate: new Date('2026-03-02T09:41:00Z') } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font === 'embedded') doc.registerFont('latin', pdfFonts().latin as unknown as Buffer).font('latin');
  else doc.font('Helvetica');
  doc.fontSize(11);
  for (const line of strings) doc.text(line, { width: 495 });
  doc.end();
  return done;
}

interface Target {
  key: string;
  label: string;
  run: () => Promise<Buffer> | Buffer;
}

interface Round {
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(target: Target, iterations: number, warmup: number): Promise<Round> {
  for (let i = 0; i < warmup; i++) await target.run();
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await target.run();
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: iterations / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const millis = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : '–');

export async function runPdfs(): Promise<BenchOutput> {
  const rounds = intEnv('BENCH_ROUNDS', 3, 1, 50);
  const iterations = intEnv('BENCH_PDF_ITERATIONS', 100, 5, 100_000);
  const warmup = Math.min(10, iterations);

  // The first document of a process pays for the fonts (read, unwrapped, every glyph met once).
  let t = performance.now();
  pdfFonts();
  const fontsMs = performance.now() - t;
  t = performance.now();
  await receiptPdf(receipt, 'ar');
  const firstReceiptMs = performance.now() - t;
  log(`fonts ready in ${fontsMs.toFixed(0)} ms, first receipt ${firstReceiptMs.toFixed(0)} ms later`);

  const key = generateSigningKey();
  const unsigned = await documentPdf({ ...document, keyFingerprint: key.fingerprint });
  const claims = {
    code: document.code,
    title: document.title,
    commune: { code: receipt.commune.code, name: receipt.commune.name },
    procedure: { code: receipt.procedure.code, name: receipt.procedure.name },
    issuedAt: new Date(document.issuedAt).toISOString(),
    holder: document.holder,
  };
  const signed = signPdf(unsigned, key, claims);
  if (!verifyPdf(signed, { fingerprint: key.fingerprint }).ok) throw new Error('the bench document does not verify');
  const strings = receiptStrings();

  const targets: Target[] = [
    {
      key: 'receipt-ar',
      label: 'receipt, Arabic ("file being deposited", 3 missing documents, QR code)',
      run: () => receiptPdf(receipt, 'ar'),
    },
    { key: 'receipt-fr', label: 'receipt, French (same content)', run: () => receiptPdf(receipt, 'fr') },
    { key: 'document', label: 'issued document, Arabic + French, QR code (unsigned)', run: () => documentPdf(document) },
    {
      key: 'document-signed',
      label: 'issued document + Ed25519 signature (what `issue` makes)',
      run: async () => signPdf(await documentPdf({ ...document, keyFingerprint: key.fingerprint }), key, claims),
    },
    {
      key: 'floor-helvetica',
      label: 'floor: pdfkit alone, same French strings, built-in Helvetica',
      run: () => plainPdfkit(strings, 'Helvetica'),
    },
    {
      key: 'floor-embedded',
      label: 'floor: pdfkit alone, same French strings, embedded Noto Sans',
      run: () => plainPdfkit(strings, 'embedded'),
    },
    { key: 'sign', label: 'signing alone (signPdf on the document)', run: () => signPdf(unsigned, key, claims) },
    { key: 'verify', label: 'verifying alone (verifyPdf on the signed document)', run: () => Buffer.from(String(verifyPdf(signed).ok)) },
  ];
  const sizes = new Map<string, number>();
  for (const target of targets) sizes.set(target.key, (await target.run()).length);

  const samples = new Map<string, Round[]>(targets.map((target) => [target.key, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const result = await measure(target, iterations, warmup);
      samples.get(target.key)!.push(result);
      log(`round ${round}/${rounds} ${target.key}: ${result.perSecond.toFixed(1)}/s, p99 ${result.p99.toFixed(2)} ms`);
    }
  }

  const med = (key: string, field: keyof Round) => median(samples.get(key)!.map((r) => r[field]));
  const floor = med('floor-embedded', 'perSecond');
  const rows = targets.map((target) => {
    const perSecond = med(target.key, 'perSecond');
    const isPdf = !['sign', 'verify'].includes(target.key);
    return [
      target.label,
      num(perSecond, perSecond < 100 ? 1 : 0),
      millis(med(target.key, 'p50')),
      millis(med(target.key, 'p99')),
      isPdf ? `${num((sizes.get(target.key) ?? 0) / 1024, 1)} kB` : '–',
      isPdf ? `${num(perSecond / floor, 2)}` : '–',
    ];
  });

  const markdown = [
    `One core, one document at a time, in-process; medians over ${rounds} rounds of ${iterations} documents per target.`,
    '',
    table(['what', 'per second', 'p50', 'p99', 'size', 'vs embedded-font floor'], rows, ['l', 'r', 'r', 'r', 'r', 'r']),
    '',
    `First document of a process: fonts ready in ${num(fontsMs)} ms (four WOFF files unwrapped and opened, every glyph met once), then the first Arabic receipt in ${num(firstReceiptMs)} ms (shaping tables parsed); both paid once.`,
  ].join('\n');
  return { markdown, settings: { BENCH_ROUNDS: rounds, BENCH_PDF_ITERATIONS: iterations } };
}
