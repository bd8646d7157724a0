import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileStore, type FileStore, isValidFileKey } from './store.js';

describe('local file store', () => {
  let dataDir: string;
  let store: FileStore;
  const communeId = '0f8fad5b-d9cb-469f-a165-70867728950e';

  beforeEach(() => {
    // The store lives in <dataDir>/files; a canary beside it shows whether a key ever escapes.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-files-'));
    store = createFileStore(dataDir);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('stores, reads back and deletes a file under <dataDir>/files', async () => {
    const key = `${communeId}/${crypto.randomUUID()}.jpg`;
    const data = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    await store.put(key, data, 'image/jpeg');
    expect(fs.readFileSync(path.join(dataDir, 'files', key))).toEqual(data);
    expect(await store.get(key)).toEqual(data);
    await store.remove(key);
    expect(await store.get(key)).toBeUndefined();
    expect(fs.existsSync(path.join(dataDir, 'files', key))).toBe(false);
  });

  it('answers undefined for a missing file and ignores deleting one', async () => {
    expect(await store.get(`${communeId}/missing.jpg`)).toBeUndefined();
    await expect(store.remove(`${communeId}/missing.jpg`)).resolves.toBeUndefined();
    await store.put(`${communeId}/a.jpg`, Buffer.from('a'), 'image/jpeg');
    // A folder is not a file, nor is a path through a file.
    expect(await store.get(communeId)).toBeUndefined();
    expect(await store.get(`${communeId}/a.jpg/b`)).toBeUndefined();
    await expect(store.remove(`${communeId}/a.jpg/b`)).resolves.toBeUndefined();
  });

  it('replaces a file whole and leaves no temporary file behind', async () => {
    const key = `${communeId}/photo.jpg`;
    const versions = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000 + i * 5_000, i));
    // Concurrent writers: the survivor is one complete version, never a mix or a truncated file.
    await Promise.all(versions.map((v) => store.put(key, v, 'image/jpeg')));
    const stored = await store.get(key);
    expect(versions.some((v) => v.equals(stored!))).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'files', '.tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'files', communeId))).toEqual(['photo.jpg']);
  });

  it('refuses hostile and malformed keys, and writes nothing for them', async () => {
    const hostile = [
      '',
      '..',
      '../escape.jpg',
      `${communeId}/../../escape.jpg`,
      `${communeId}/./a.jpg`,
      '/etc/passwd',
      '//server/share',
      'C:\\Windows\\win.ini',
      `${communeId}\\..\\escape.jpg`,
      `${communeId}//a.jpg`,
      `${communeId}/`,
      '.tmp/x.tmp',
      `${communeId}/.hidden`,
      'a b.jpg',
      'a\0.jpg',
      'photo.jpg\n',
      'ﬁle.jpg',
      '%2e%2e/escape.jpg',
      `${'a'.repeat(129)}.jpg`,
      Array.from({ length: 9 }, () => 'd').join('/'),
    ];
    for (const key of hostile) {
      expect(isValidFileKey(key), JSON.stringify(key)).toBe(false);
      await expect(store.put(key, Buffer.from('x'), 'image/jpeg'), JSON.stringify(key)).rejects.toThrow(/invalid file key/);
      await expect(store.get(key), JSON.stringify(key)).rejects.toThrow(/invalid file key/);
      await expect(store.remove(key), JSON.stringify(key)).rejects.toThrow(/invalid file key/);
    }
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('accepts the keys the platform makes', () => {
    for (const key of [
      `${communeId}/${crypto.randomUUID()}.jpg`,
      `${communeId}/thumbs/${crypto.randomUUID()}_320.jpg`,
      'exports/2026-11.csv.gz',
    ]) {
      expect(isValidFileKey(key), key).toBe(true);
    }
  });
});
