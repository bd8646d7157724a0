import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { loadSecretKey, SecretKeyError, secretBox } from './secret-box.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-secrets-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the secret box', () => {
  it('seals so that only the same key opens, and each seal of the same text differs', () => {
    const key = loadSecretKey({ secretsKey: undefined, dataDir: tempDir() });
    const box = secretBox(key);
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n';
    const sealed = box.seal(pem);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(sealed).not.toBe(box.seal(pem));
    expect(box.open(sealed)).toBe(pem);
    const other = secretBox(loadSecretKey({ secretsKey: undefined, dataDir: tempDir() }));
    expect(() => other.open(sealed)).toThrow(SecretKeyError);
  });

  it('refuses an altered or malformed sealed value instead of returning garbage', () => {
    const box = secretBox(loadSecretKey({ secretsKey: undefined, dataDir: tempDir() }));
    const [v, iv, tag, body] = box.seal('secret').split(':') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow(/does not open/);
    for (const bad of ['', 'secret', 'v2:a:b:c', `${v}:${iv}:${tag}`, `${v}:${iv}:${tag}:${body}:extra`]) {
      expect(() => box.open(bad)).toThrow(SecretKeyError);
    }
  });

  it('makes its key file once, readable by its owner only, and reads it back on the next start', () => {
    const dir = tempDir();
    const first = loadSecretKey({ secretsKey: undefined, dataDir: dir });
    const file = path.join(dir, 'secrets.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ secretsKey: undefined, dataDir: dir }).equals(first)).toBe(true);
  });

  it('takes SECRETS_KEY over the key file, and refuses one that is not 32 bytes of base64', () => {
    const given = Buffer.alloc(32, 7).toString('base64');
    expect(loadSecretKey({ secretsKey: given, dataDir: tempDir() }).equals(Buffer.alloc(32, 7))).toBe(true);
    expect(loadConfig({ SECRETS_KEY: given }).secretsKey).toBe(given);
    for (const bad of ['short', Buffer.alloc(31).toString('base64'), `${given}x`]) {
      expect(() => loadConfig({ SECRETS_KEY: bad })).toThrow(/SECRETS_KEY must be 32 bytes/);
    }
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.key'), 'not a key\n');
    expect(() => loadSecretKey({ secretsKey: undefined, dataDir: dir })).toThrow(/secrets.key must be 32 bytes/);
  });
});
