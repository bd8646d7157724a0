import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where uploaded files live, by key (e.g. `<communeId>/<uuid>.jpg`): a folder on local disk now,
 * an S3-compatible bucket later, with the same keys. Keys come from the server, never from a
 * client; a key outside the allowed shape (see `isValidFileKey`) is a bug and throws.
 */
export interface FileStore {
  /** Stores `data` under `key`, replacing any file there: a reader sees the old file or the new one, never a part. */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The file's bytes, or `undefined` when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Deletes the file; deleting a missing file is not an error. */
  remove(key: string): Promise<void>;
}

// Segments of letters, digits, `_`, `-` and `.`, never starting with a dot: so no `.`, `..`,
// hidden files, absolute paths, backslashes or empty segments, and S3 accepts the same keys.
const SEGMENT = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';
const KEY = new RegExp(`^${SEGMENT}(?:/${SEGMENT}){0,7}$`);
const KEY_MAX = 512;

export function isValidFileKey(key: string): boolean {
  return typeof key === 'string' && key.length <= KEY_MAX && KEY.test(key);
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * The store on local disk, under `<dataDir>/files`. A write goes to a temporary file in
 * `files/.tmp` (no key can name it: keys never start with a dot), is flushed to disk, then renamed
 * over the target, which is atomic on one file system.
 */
export function createFileStore(dataDir: string): FileStore {
  const root = path.resolve(dataDir, 'files');
  const tmpDir = path.join(root, '.tmp');

  function fileOf(key: string): string {
    if (!isValidFileKey(key)) throw new Error(`invalid file key ${JSON.stringify(key)}`);
    const file = path.resolve(root, key);
    // The pattern already rules this out; checked again because a mistake here exposes the disk.
    if (!file.startsWith(root + path.sep)) throw new Error(`file key ${JSON.stringify(key)} leaves the store`);
    return file;
  }

  return {
    // The content type is implied by the key's extension on disk; an S3 store will send it.
    async put(key, data) {
      const file = fileOf(key);
      await fs.mkdir(tmpDir, { recursive: true });
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = path.join(tmpDir, `${randomUUID()}.tmp`);
      try {
        const handle = await fs.open(tmp, 'wx');
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(tmp, file);
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      await syncDirectory(path.dirname(file));
    },

    async get(key) {
      const file = fileOf(key);
      try {
        return await fs.readFile(file);
      } catch (error) {
        // A key under a file (`a.jpg/b`) or naming a folder (`<communeId>`) holds no file either.
        if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR' || errno(error) === 'EISDIR') return undefined;
        throw error;
      }
    },

    async remove(key) {
      const file = fileOf(key);
      try {
        await fs.unlink(file);
      } catch (error) {
        if (errno(error) !== 'ENOENT' && errno(error) !== 'ENOTDIR') throw error;
      }
    },
  };
}

/** Makes a rename durable across a power cut (Linux); a no-op where directories cannot be opened. */
async function syncDirectory(dir: string) {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the rename itself has happened.
  } finally {
    await handle?.close();
  }
}
