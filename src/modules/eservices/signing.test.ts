import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { pdfInfo, pdfPng, pdfText, popplerMissing } from '../../platform/pdf/poppler.js';
import { signPdfClaims } from '../../platform/pdf/signature.js';
import { PdfWriter } from '../../platform/pdf/writer.js';
import {
  type ClaimsInput,
  fingerprintOf,
  generateSigningKey,
  normalizeFingerprint,
  type SignedClaims,
  signPdf,
  verifyPdf,
} from './signing.js';

if (popplerMissing) console.log(`\n[madina] PDF reading checks (src/modules/eservices/signing.test.ts) skipped: ${popplerMissing}.\n`);

const key = generateSigningKey();
const otherKey = generateSigningKey();

const claims: ClaimsInput = {
  code: 'K7QF-2M9X-PA4T',
  title: { ar: 'رخصة البناء', fr: 'Permis de construire' },
  commune: { code: 'berkane', name: { ar: 'بركان', fr: 'Berkane' } },
  procedure: { code: 'building_permit', name: { ar: 'رخصة البناء', fr: 'Permis de construire' } },
  issuedAt: '2026-03-20T10:00:00.000Z',
  holder: 'Fatima Zahra El Idrissi',
};

let original: Buffer;
let signed: Buffer;

beforeAll(async () => {
  original = await new PdfWriter({
    title: 'Permis de construire',
    lang: 'ar',
    direction: 'rtl',
    createdAt: new Date('2026-03-20T10:00:00Z'),
  })
    .header({ ar: ['جماعة بركان'], fr: ['Commune de Berkane'] })
    .paragraph('رخصة البناء رقم K7QF-2M9X-PA4T')
    .end();
  signed = signPdf(original, key, claims);
});

/** The signed file with its claims replaced by `changed` (re-encoded, the signature left as it was). */
function withClaims(pdf: Buffer, changed: SignedClaims): Buffer {
  const text = pdf.toString('latin1');
  const hex = Buffer.from(JSON.stringify(changed), 'utf8').toString('hex');
  return Buffer.from(text.replace(/\/Claims <[0-9a-f]+>/, `/Claims <${hex}>`), 'latin1');
}

describe('generateSigningKey', () => {
  it('makes an Ed25519 pair whose fingerprint is the SHA-256 of the raw public key, in hex', () => {
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(key.publicKeyPem)).toBe(key.fingerprint);
    expect(otherKey.fingerprint).not.toBe(key.fingerprint);
  });

  it('reads a fingerprint typed with colons, spaces or capitals', () => {
    const grouped = key.fingerprint.toUpperCase().match(/.{2}/g)!.join(':');
    expect(normalizeFingerprint(grouped)).toBe(key.fingerprint);
    expect(normalizeFingerprint('abc')).toBeNull();
  });
});

describe('signPdf and verifyPdf', () => {
  it('verify a signed document and return its claims, its key and both hashes', () => {
    const result = verifyPdf(signed);
    expect(result.ok).toBe(true);
    expect(result.fingerprint).toBe(key.fingerprint);
    expect(result.claims).toMatchObject({ v: 1, ...claims });
    expect(result.claims?.sha256).toBe(verifyPdf(original).sha256);
    expect(result.sha256).not.toBe(result.claims?.sha256);
    expect(result.keyMatched).toBeUndefined();
  });

  it('append to the document without touching its bytes', () => {
    expect(signed.subarray(0, original.length).equals(original)).toBe(true);
    // The incremental update's cross-reference entry points at the signature object, and its startxref at the xref.
    const tail = signed.subarray(original.length).toString('latin1');
    const [, number, offset] = /xref\n(\d+) 1\n(\d{10}) 00000 n \n/.exec(tail)!;
    expect(signed.subarray(Number(offset), Number(offset) + 20).toString('latin1')).toMatch(new RegExp(`^${number} 0 obj\\n`));
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(tail)![1]);
    expect(signed.subarray(startxref, startxref + 5).toString('latin1')).toBe('xref\n');
    expect(tail).toMatch(/\/Prev \d+>>/);
  });

  it('checks the key against an expected PEM key or fingerprint', () => {
    expect(verifyPdf(signed, { publicKeyPem: key.publicKeyPem })).toMatchObject({ ok: true, keyMatched: true });
    expect(verifyPdf(signed, { fingerprint: key.fingerprint.toUpperCase() })).toMatchObject({ ok: true, keyMatched: true });
  });

  it('fails for a document signed with another key than the expected one', () => {
    for (const expected of [{ fingerprint: otherKey.fingerprint }, { publicKeyPem: otherKey.publicKeyPem }]) {
      const result = verifyPdf(signed, expected);
      expect(result.ok).toBe(false);
      expect(result.keyMatched).toBe(false);
      expect(result.reason).toContain(key.fingerprint);
      expect(result.reason).toContain(otherKey.fingerprint);
    }
  });

  it('fails when one byte of the document changes', () => {
    for (const at of [20, Math.floor(original.length / 2), original.length - 10]) {
      const tampered = Buffer.from(signed);
      tampered[at] = tampered[at]! ^ 0x01;
      const result = verifyPdf(tampered);
      expect(result.ok).toBe(false);
      expect(result.reason).toMatch(/changed after it was signed/);
    }
  });

  it('fails when the claims change', () => {
    const result = verifyPdf(withClaims(signed, { ...verifyPdf(signed).claims!, holder: 'Someone Else' }));
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/signature does not match/);
  });

  it('fails when someone re-signs a changed document with their own key, unless that key is trusted', () => {
    const changed = Buffer.from(original);
    changed[100] = changed[100]! ^ 0x01;
    const forged = signPdf(changed, otherKey, { ...claims, holder: 'Someone Else' });
    expect(verifyPdf(forged).ok).toBe(true); // valid, but under an unknown key: the fingerprint says whose
    expect(verifyPdf(forged).fingerprint).toBe(otherKey.fingerprint);
    expect(verifyPdf(forged, { fingerprint: key.fingerprint }).ok).toBe(false);
  });

  it('fails for validly signed claims that are not those of an issued document', () => {
    const other = signPdfClaims(original, key, { kind: 'something else' });
    expect(verifyPdf(other)).toMatchObject({ ok: false, reason: 'the signed claims are not those of an issued document' });
  });

  it('says so for a file without a signature', () => {
    expect(verifyPdf(original)).toMatchObject({ ok: false, reason: 'the file carries no Madina signature' });
    expect(verifyPdf(Buffer.from('not a pdf at all'))).toMatchObject({ ok: false });
  });

  it('fails when something is appended after the signature (an editor saving the file)', () => {
    const extended = Buffer.concat([signed, Buffer.from('1 0 obj\n<<>>\nendobj\n%%EOF\n')]);
    expect(verifyPdf(extended)).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed|added/) });
  });

  it('refuses a key pair that does not hold together', () => {
    expect(() => signPdf(original, { ...key, publicKeyPem: otherKey.publicKeyPem }, claims)).toThrow(/does not match/);
    expect(() => signPdf(original, { ...key, fingerprint: otherKey.fingerprint }, claims)).toThrow(/fingerprint/);
  });

  it.skipIf(popplerMissing !== null)('leaves a PDF that viewers still open and render', () => {
    const info = pdfInfo(signed);
    expect(info.fields.Pages).toBe('1');
    expect(info.fields.Title).toBe('Permis de construire');
    expect(info.warnings).toBe('');
    expect(pdfText(signed)).toContain('جماعة بركان');
    expect(pdfPng(signed, { dpi: 40 }).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

// Each command is a fresh process (node + tsx): a few seconds on a busy machine.
describe('madina verify', { timeout: 120_000 }, () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-verify-'));
    fs.writeFileSync(file('signed.pdf'), signed);
    const tampered = Buffer.from(signed);
    tampered[100] = tampered[100]! ^ 0x01;
    fs.writeFileSync(file('tampered.pdf'), tampered);
    fs.writeFileSync(file('key.pem'), key.publicKeyPem);
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints AUTHENTIC, the claims and the key, and exits 0 for a signed document of the expected key', async () => {
    const r = await runCli(['verify', file('signed.pdf'), '--fingerprint', key.fingerprint]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^AUTHENTIC/);
    expect(r.stdout).toContain('K7QF-2M9X-PA4T');
    expect(r.stdout).toContain('berkane');
    expect(r.stdout).toContain('Fatima Zahra El Idrissi');
    expect(r.stdout).toContain(`${key.fingerprint} (the expected key)`);
    const withKey = await runCli(['verify', file('signed.pdf'), '--key', file('key.pem')]);
    expect(withKey.code, withKey.stderr).toBe(0);
  });

  it('exits 0 without an expected key but says the key was not checked', async () => {
    const r = await runCli(['verify', file('signed.pdf')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not checked/);
  });

  it('exits 1 for a tampered document, a wrong key, a malformed fingerprint and a missing file', async () => {
    const tampered = await runCli(['verify', file('tampered.pdf')]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/^NOT AUTHENTIC: the document was changed after it was signed/);
    const wrongKey = await runCli(['verify', file('signed.pdf'), '--fingerprint', otherKey.fingerprint]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/^NOT AUTHENTIC: the document is signed with key/);
    const malformed = await runCli(['verify', file('signed.pdf'), '--fingerprint', 'abc']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim()).toMatch(/^error: --fingerprint "abc" is not a key fingerprint/);
    const missing = await runCli(['verify', file('nothing.pdf')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^error: cannot read .*nothing\.pdf: ENOENT$/);
  });
});
