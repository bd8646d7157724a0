/**
 * Ed25519-signed claims carried inside a PDF, checkable offline; generic (the claims are any JSON
 * object — e-services gives them their shape in src/modules/eservices/signing.ts).
 *
 * The signature travels as an incremental update (ISO 32000-1 §7.5.6) appended after the
 * document's own `%%EOF`: viewers read the file as before (the update adds one object that
 * nothing refers to), and the signed bytes are exactly the document as generated. The appended
 * block, byte for byte (LF line ends, lowercase hex, N = the document's /Size):
 *
 *     \n%MADINA-SIGNATURE-1\n
 *     N 0 obj\n
 *     <</Type /MadinaSignature /Version 1 /Algorithm /Ed25519 /PublicKey <32-byte raw key>
 *       /Claims <UTF-8 JSON object> /Signature <64 bytes>>>\n      (on one line)
 *     endobj\n
 *     xref\nN 1\n<10-digit offset of the object> 00000 n \n
 *     trailer\n<</Size N+1 /Root … /Info … /ID […] /Prev <previous xref offset>>>\n
 *     startxref\n<offset of this xref>\n%%EOF\n
 *
 * The signed bytes are everything before the block's first `\n`. The claims object ends with
 * `"sha256"`, the SHA-256 (lowercase hex) of the signed bytes, and the signature is Ed25519 (RFC
 * 8032, pure) over `MADINA-PDF-SIGNATURE-1\n` followed by the claims' exact JSON bytes. So
 * changing one byte of the document or of the claims fails verification, and so does anything
 * appended after the block (a later "save" by an editor).
 *
 * Trust: the file carries its public key, so a valid signature proves only that the file is
 * unchanged since someone holding that key signed it. Whose key it is comes from elsewhere (a
 * published fingerprint): `verifySignedPdf(pdf, { fingerprint })` checks the file's key is that one.
 *
 * A key's fingerprint is the SHA-256 of its raw 32-byte Ed25519 public key, in lowercase hex (64
 * characters); `normalizeFingerprint` accepts it with colons, spaces or capitals.
 */
import crypto from 'node:crypto';

/** An Ed25519 key pair as PEM (PKCS#8 private, SPKI public), with the public key's fingerprint. */
export interface SigningKey {
  publicKeyPem: string;
  privateKeyPem: string;
  fingerprint: string;
}

export interface SignedPdfCheck {
  /** True when the signature is valid, the document unchanged, and the key the expected one (when one was given). */
  ok: boolean;
  /** Why not, in one sentence. */
  reason?: string;
  /** The signed claims (with their `sha256`), once the signature over them holds. */
  claims?: Record<string, unknown>;
  /** The fingerprint of the key the file carries. */
  fingerprint?: string;
  /** Set when an expected key or fingerprint was given: whether the file's key is that one. */
  keyMatched?: boolean;
  /** SHA-256 (lowercase hex) of the whole file as given: what `sha256sum file.pdf` prints. */
  sha256: string;
}

const MARKER = '\n%MADINA-SIGNATURE-1\n';
const DOMAIN = Buffer.from('MADINA-PDF-SIGNATURE-1\n');
const MAX_CLAIMS_BYTES = 16 * 1024;

export const sha256Hex = (data: Uint8Array) => crypto.createHash('sha256').update(data).digest('hex');

function rawPublicKey(key: crypto.KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

/** The fingerprint (SHA-256 of the raw public key, lowercase hex) of a PEM public key. */
export function fingerprintOf(publicKeyPem: string): string {
  return sha256Hex(rawPublicKey(crypto.createPublicKey(publicKeyPem)));
}

/** A fingerprint as typed or pasted (colons, spaces, capitals) in its one written form, or null if it is not one. */
export function normalizeFingerprint(value: string): string | null {
  const hex = value.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

/** A new Ed25519 key pair. */
export function generateEd25519Key(): SigningKey {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: sha256Hex(rawPublicKey(publicKey)),
  };
}

/** The parts of the document's last trailer an incremental update must repeat. */
function lastTrailer(pdf: Buffer) {
  const tail = pdf.subarray(Math.max(0, pdf.length - 2048)).toString('latin1');
  const end = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  const at = tail.lastIndexOf('trailer');
  const dict = at >= 0 ? /^trailer\s*<<([\s\S]*?)>>\s*startxref/.exec(tail.slice(at)) : null;
  const size = dict ? /\/Size\s+(\d+)/.exec(dict[1]!) : null;
  const root = dict ? /\/Root\s+(\d+\s+\d+\s+R)/.exec(dict[1]!) : null;
  if (!end || !dict || !size || !root) throw new Error('cannot sign this PDF: no classic trailer at its end');
  const info = /\/Info\s+(\d+\s+\d+\s+R)/.exec(dict[1]!);
  const id = /\/ID\s*\[([^\]]*)\]/.exec(dict[1]!);
  return { prev: Number(end[1]), size: Number(size[1]), root: root[1]!, info: info?.[1], id: id?.[1]?.trim() };
}

/**
 * Appends the signature block (see the top of this file) to `pdf`, a document as generated, with
 * `claims` plus the document's `sha256`. Throws when the key pair does not hold together, a
 * `sha256` given in the claims is not the document's, or the PDF has no classic trailer.
 */
export function signPdfClaims(pdf: Buffer, key: SigningKey, claims: Record<string, unknown>): Buffer {
  const privateKey = crypto.createPrivateKey(key.privateKeyPem);
  const publicRaw = rawPublicKey(crypto.createPublicKey(privateKey));
  if (!publicRaw.equals(rawPublicKey(crypto.createPublicKey(key.publicKeyPem)))) {
    throw new Error('the signing key pair does not match: its public key is not the private key’s');
  }
  if (sha256Hex(publicRaw) !== normalizeFingerprint(key.fingerprint))
    throw new Error('the signing key’s fingerprint is not its public key’s');
  const sha256 = sha256Hex(pdf);
  if (claims.sha256 !== undefined && claims.sha256 !== sha256) throw new Error('the claims’ sha256 is not the PDF’s');

  const claimsBytes = Buffer.from(JSON.stringify({ ...claims, sha256 }), 'utf8');
  if (claimsBytes.length > MAX_CLAIMS_BYTES) throw new Error(`the claims take more than ${MAX_CLAIMS_BYTES} bytes`);
  const signature = crypto.sign(null, Buffer.concat([DOMAIN, claimsBytes]), privateKey);

  const trailer = lastTrailer(pdf);
  const objectNumber = trailer.size;
  const object =
    `${objectNumber} 0 obj\n<</Type /MadinaSignature /Version 1 /Algorithm /Ed25519 /PublicKey <${publicRaw.toString('hex')}>` +
    ` /Claims <${claimsBytes.toString('hex')}> /Signature <${signature.toString('hex')}>>>\nendobj\n`;
  const objectOffset = pdf.length + MARKER.length;
  const xrefOffset = objectOffset + object.length;
  const entries = [`/Size ${objectNumber + 1}`, `/Root ${trailer.root}`];
  if (trailer.info) entries.push(`/Info ${trailer.info}`);
  if (trailer.id) entries.push(`/ID [${trailer.id}]`);
  entries.push(`/Prev ${trailer.prev}`);
  const xref =
    `xref\n${objectNumber} 1\n${String(objectOffset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<<${entries.join(' ')}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(MARKER + object + xref, 'latin1')]);
}

const BLOCK = new RegExp(
  '^\\n%MADINA-SIGNATURE-1\\n(\\d{1,9}) 0 obj\\n' +
    '<</Type /MadinaSignature /Version 1 /Algorithm /Ed25519 /PublicKey <([0-9a-f]{64})> /Claims <((?:[0-9a-f]{2})+)> /Signature <([0-9a-f]{128})>>>\\n' +
    'endobj\\nxref\\n\\1 1\\n\\d{10} 00000 n \\ntrailer\\n<<[^>]*(?:>(?!>)[^>]*)*>>\\nstartxref\\n\\d{1,12}\\n%%EOF\\n?$',
);

/**
 * Checks a signed PDF: the block's form, the signature with the key the file carries, the
 * document's bytes against the signed SHA-256, and — when `expected` gives a PEM public key or a
 * fingerprint — that the file's key is that one. Never throws on a hostile file.
 */
export function verifySignedPdf(pdf: Buffer, expected: { publicKeyPem?: string; fingerprint?: string } = {}): SignedPdfCheck {
  const sha256 = sha256Hex(pdf);
  const fail = (reason: string, extra: Partial<SignedPdfCheck> = {}): SignedPdfCheck => ({ ok: false, reason, sha256, ...extra });

  const markerAt = pdf.lastIndexOf(MARKER, undefined, 'latin1');
  if (markerAt < 0) return fail('the file carries no Madina signature');
  const block = BLOCK.exec(pdf.subarray(markerAt).toString('latin1'));
  if (!block) return fail('the signature block is malformed, or something was added to the file after it');
  const [, , publicHex, claimsHex, signatureHex] = block as unknown as [string, string, string, string, string];
  const claimsBytes = Buffer.from(claimsHex, 'hex');
  if (claimsBytes.length > MAX_CLAIMS_BYTES) return fail('the signed claims are too large');
  const publicRaw = Buffer.from(publicHex, 'hex');
  const fingerprint = sha256Hex(publicRaw);

  let publicKey: crypto.KeyObject;
  try {
    publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicRaw.toString('base64url') }, format: 'jwk' });
  } catch {
    return fail('the public key in the file is not an Ed25519 key', { fingerprint });
  }
  const signed = crypto.verify(null, Buffer.concat([DOMAIN, claimsBytes]), publicKey, Buffer.from(signatureHex, 'hex'));
  if (!signed)
    return fail('the signature does not match the signed claims (they were changed, or signed with another key)', { fingerprint });
  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(claimsBytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    claims = parsed as Record<string, unknown>;
  } catch {
    return fail('the signed claims are not a JSON object', { fingerprint });
  }
  if (sha256Hex(pdf.subarray(0, markerAt)) !== claims.sha256) {
    return fail('the document was changed after it was signed (its SHA-256 is not the signed one)', { fingerprint, claims });
  }

  let expectedFingerprint: string | null = null;
  if (expected.publicKeyPem !== undefined) {
    try {
      expectedFingerprint = fingerprintOf(expected.publicKeyPem);
    } catch {
      return fail('the expected key is not an Ed25519 public key in PEM', { fingerprint, claims });
    }
  }
  if (expected.fingerprint !== undefined) {
    const given = normalizeFingerprint(expected.fingerprint);
    if (!given) return fail('the expected fingerprint is not 64 hexadecimal digits', { fingerprint, claims });
    if (expectedFingerprint !== null && expectedFingerprint !== given) {
      return fail('the expected key and the expected fingerprint disagree', { fingerprint, claims });
    }
    expectedFingerprint = given;
  }
  if (expectedFingerprint !== null && expectedFingerprint !== fingerprint) {
    return fail(`the document is signed with key ${fingerprint}, not with the expected key ${expectedFingerprint}`, {
      fingerprint,
      claims,
      keyMatched: false,
    });
  }
  return expectedFingerprint === null
    ? { ok: true, claims, fingerprint, sha256 }
    : { ok: true, claims, fingerprint, keyMatched: true, sha256 };
}
