import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random token of 32 bytes, URL-safe. */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens carry 256 bits of entropy: a fast hash is enough to store them (unlike passwords). */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const API_KEY = /^mdn_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

/** A new API key `mdn_<prefix>_<secret>`: the prefix finds the row, the secret's hash proves it. */
export function newApiKey(): { key: string; prefix: string; secretHash: Buffer } {
  const prefix = randomBytes(8).toString('hex').slice(0, 10);
  const secret = newToken();
  return { key: `mdn_${prefix}_${secret}`, prefix, secretHash: hashToken(secret) };
}

export function parseApiKey(key: string): { prefix: string; secretHash: Buffer } | undefined {
  const match = API_KEY.exec(key);
  if (!match?.[1] || !match[2]) return undefined;
  return { prefix: match[1], secretHash: hashToken(match[2]) };
}
