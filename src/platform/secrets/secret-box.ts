/**
 * Secrets the platform keeps in its database (a commune's document-signing key) are sealed with
 * AES-256-GCM under a key that is NOT in the database: `SECRETS_KEY` (32 bytes, base64) when set —
 * what several instances must share — else a key file `DATA_DIR/secrets.key` made on first use,
 * readable by its owner only. A copy of the database alone does not give the secrets away, and a
 * sealed value altered in the database fails to open instead of being used.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

export class SecretKeyError extends Error {}

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** Reads `SECRETS_KEY`, or the key file (made with mode 0600 when missing). */
export function loadSecretKey(options: { secretsKey: string | undefined; dataDir: string }): Buffer {
  if (options.secretsKey !== undefined) return decodeSecretKey(options.secretsKey, 'SECRETS_KEY');
  const file = path.join(options.dataDir, 'secrets.key');
  try {
    return decodeSecretKey(fs.readFileSync(file, 'utf8').trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    // `wx`: two processes starting at once keep the one that wrote first.
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return decodeSecretKey(fs.readFileSync(file, 'utf8').trim(), file);
  }
}

/** The key in `text` (base64 of 32 bytes); `where` names its source in the error. */
export function decodeSecretKey(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
    throw new SecretKeyError(`${where} must be ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

export function secretBox(key: Buffer): SecretBox {
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body, ...rest] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined || rest.length > 0) throw new SecretKeyError('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretKeyError('a sealed secret does not open with this key (another SECRETS_KEY or key file, or an altered value)');
      }
    },
  };
}
