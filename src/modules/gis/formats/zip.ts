/**
 * Reading a zip archive safely (yauzl, streaming): refused when it has too many entries, declares
 * more uncompressed bytes than allowed, or inflates to more than it declares or than allowed (a zip
 * bomb); names that climb out of the archive (`..`, absolute paths) are refused; zips inside it are
 * ignored. Only the entries asked for are extracted, to a folder of the caller's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { FileProblem } from './problem.js';

export const ZIP_LIMITS = { entries: 1000, bytes: 500 * 1024 * 1024 };

/** The archive's file names (folders left out), checked for hostile names and declared size. */
async function openChecked(file: string, limits: typeof ZIP_LIMITS) {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new FileProblem('problem.gis.import.zip');
  }
  if (zip.entryCount > limits.entries) {
    zip.close();
    throw new FileProblem('problem.gis.import.zip_entries', { max: limits.entries });
  }
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName.replace(/\\/g, '/');
      if (name.startsWith('/') || /^[a-z]:/i.test(name) || name.split('/').includes('..'))
        throw new FileProblem('problem.gis.import.zip_path');
      if (name.endsWith('/')) continue;
      declared += entry.uncompressedSize;
      if (declared > limits.bytes) throw new FileProblem('problem.gis.import.zip_bomb');
      entries.push(entry);
    }
  } catch (err) {
    zip.close();
    if (err instanceof FileProblem) throw err;
    // yauzl refuses such names itself ("invalid relative path", "absolute path").
    throw new FileProblem(/relative path|absolute path/i.test(String(err)) ? 'problem.gis.import.zip_path' : 'problem.gis.import.zip');
  }
  return { zip, entries };
}

/**
 * Extracts the entries `pick` chooses (given the archive's file names, zips inside excluded) into
 * `dir`, counting the bytes actually inflated. Returns the chosen names and where each was written.
 */
export async function extractEntries(
  file: string,
  dir: string,
  pick: (names: string[]) => string[],
  limits = ZIP_LIMITS,
): Promise<Map<string, string>> {
  const { zip, entries } = await openChecked(file, limits);
  try {
    const usable = entries.filter((e) => !/\.zip$/i.test(e.fileName));
    const wanted = new Set(pick(usable.map((e) => e.fileName.replace(/\\/g, '/'))));
    const out = new Map<string, string>();
    let inflated = 0;
    await fs.promises.mkdir(dir, { recursive: true });
    for (const entry of usable) {
      const name = entry.fileName.replace(/\\/g, '/');
      if (!wanted.has(name)) continue;
      const target = path.join(dir, `${out.size}${path.extname(name).toLowerCase()}`);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          inflated += chunk.length;
          if (inflated > limits.bytes) done(new FileProblem('problem.gis.import.zip_bomb'));
          else done(null, chunk);
        },
      });
      try {
        await pipeline(await zip.openReadStreamPromise(entry), counter, fs.createWriteStream(target));
      } catch (err) {
        // yauzl refuses an entry that inflates past its declared size ("too many bytes in the stream").
        throw err instanceof FileProblem
          ? err
          : new FileProblem(/too many bytes/i.test(String(err)) ? 'problem.gis.import.zip_bomb' : 'problem.gis.import.zip');
      }
      out.set(name, target);
    }
    return out;
  } finally {
    zip.close();
  }
}
