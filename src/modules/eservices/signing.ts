/**
 * Ed25519 signatures on issued documents, so a copy can be checked offline (`madina verify`).
 *
 * The format is the platform's (src/platform/pdf/signature.ts: an incremental update appended
 * after the document's `%%EOF`, carrying the public key, the claims and the signature; the
 * signature covers the claims, which hold the SHA-256 of the document's bytes). This file gives
 * the claims their e-services shape and checks it on the way back.
 *
 * Trust: the file carries its public key, so a valid signature only proves the file is unchanged
 * since someone holding that key signed it. Whose key it is comes from elsewhere: the commune
 * publishes its keys' fingerprints at GET /api/v1/eservices/signing-keys, and `madina verify
 * --fingerprint <f>` (or `--key <pem>`) checks the file's key against one of them.
 *
 * Fingerprint: the SHA-256 of the raw 32-byte Ed25519 public key, in lowercase hex (64
 * characters); `normalizeFingerprint` accepts it with colons, spaces or capitals.
 */
import {
  fingerprintOf,
  generateEd25519Key,
  normalizeFingerprint,
  type SigningKey,
  signPdfClaims,
  verifySignedPdf,
} from '../../platform/pdf/signature.js';
import type { Text } from './procedure.js';

export { fingerprintOf, normalizeFingerprint, type SigningKey };

/** What the signature vouches for, besides the document's bytes. No personal data but the holder's name, when shown. */
export interface SignedClaims {
  /** The claims format (this file writes 1). */
  v: 1;
  /** The document's verification code (`/verify/{code}`). */
  code: string;
  title: Text;
  commune: { code: string; name: Text };
  procedure: { code: string; name: Text };
  /** ISO 8601. */
  issuedAt: string;
  /** The holder's name, or null when the holder chose not to show it. */
  holder: string | null;
  /** SHA-256 (lowercase hex) of the PDF as generated, before the signature block. */
  sha256: string;
}

/** The claims a caller gives `signPdf`: the version and the document's SHA-256 are filled in. */
export type ClaimsInput = Omit<SignedClaims, 'v' | 'sha256'> & { v?: 1; sha256?: string };

export interface PdfVerification {
  /** True when the signature is valid, the document unchanged, and the key the expected one (when one was given). */
  ok: boolean;
  /** Why not, in one sentence. */
  reason?: string;
  claims?: SignedClaims;
  /** The fingerprint of the key the file carries. */
  fingerprint?: string;
  /** Set when an expected key or fingerprint was given: whether the file's key is that one. */
  keyMatched?: boolean;
  /** SHA-256 (lowercase hex) of the whole file as given: what `sha256sum file.pdf` prints. */
  sha256: string;
}

/** A new Ed25519 key pair for a commune. */
export function generateSigningKey(): SigningKey {
  return generateEd25519Key();
}

/**
 * The signed document: `pdf` (as `documentPdf` made it) with the signature block appended.
 * Throws when the key pair does not hold together or `claims.sha256` is given and is not the PDF's.
 */
export function signPdf(pdf: Buffer, key: SigningKey, claims: ClaimsInput): Buffer {
  // The fields in a fixed order, and nothing else: the claims are signed as written.
  const signed: Omit<SignedClaims, 'sha256'> & { sha256?: string } = {
    v: 1,
    code: claims.code,
    title: claims.title,
    commune: { code: claims.commune.code, name: claims.commune.name },
    procedure: { code: claims.procedure.code, name: claims.procedure.name },
    issuedAt: claims.issuedAt,
    holder: claims.holder,
  };
  if (claims.sha256 !== undefined) signed.sha256 = claims.sha256;
  return signPdfClaims(pdf, key, signed);
}

const isText = (value: unknown): value is Text =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(([k, v]) => ['ar', 'fr', 'zgh', 'en'].includes(k) && typeof v === 'string');

const isNamed = (value: unknown): value is { code: string; name: Text } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { code?: unknown }).code === 'string' &&
  isText((value as { name?: unknown }).name);

function isSignedClaims(c: Record<string, unknown>): boolean {
  return (
    c.v === 1 &&
    typeof c.code === 'string' &&
    isText(c.title) &&
    isNamed(c.commune) &&
    isNamed(c.procedure) &&
    typeof c.issuedAt === 'string' &&
    (c.holder === null || typeof c.holder === 'string') &&
    typeof c.sha256 === 'string'
  );
}

/**
 * Checks a signed document: the signature with the key the file carries, the document's bytes
 * against the signed SHA-256, the claims' shape, and — when `expected` gives a PEM public key or
 * a fingerprint — that the file's key is that one. Never throws on a hostile file.
 */
export function verifyPdf(pdf: Buffer, expected: { publicKeyPem?: string; fingerprint?: string } = {}): PdfVerification {
  const { claims, ...check } = verifySignedPdf(pdf, expected);
  if (claims === undefined) return check;
  if (!isSignedClaims(claims))
    return { ...check, ok: false, reason: check.reason ?? 'the signed claims are not those of an issued document' };
  return { ...check, claims: claims as unknown as SignedClaims };
}
