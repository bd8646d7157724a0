import { hash, verify } from '@node-rs/argon2';
import { LIMITS } from '../limits.js';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// (`algorithm: 2` is Algorithm.Argon2id, a const enum that isolated modules cannot import.)
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so a wrong email costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks `password` against `stored`, or against a dummy hash when there is no account. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    dummyHash ??= hashPassword('madina-no-such-account');
    await verify(await dummyHash, password);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** True when `password` is acceptable for the account with `email`. */
export function isStrongEnough(password: string, email: string): boolean {
  return (
    [...password].length >= LIMITS.passwordMin &&
    password.length <= LIMITS.passwordMax &&
    password.trim().toLowerCase() !== email.trim().toLowerCase()
  );
}
