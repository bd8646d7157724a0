/**
 * A zipped Shapefile: .shp, .shx and .dbf are required (the missing one is named), .cpg gives the
 * attributes' encoding (UTF-8 when absent), .prj the coordinate system (see ./prj.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import shapefile from 'shapefile';
import type { ImportSource, SourceRecord } from '../import.js';
import { sridOfPrj } from './prj.js';
import { FileProblem } from './problem.js';
import { extractEntries } from './zip.js';

/** A .cpg's code page as a TextDecoder label: "UTF-8", "1256", "CP1256", "ISO-8859-1", "LATIN1"… */
export function encodingOfCpg(text: string): string {
  const name = text.trim().toLowerCase();
  const label = /^(cp|windows-?|ansi_?)?(\d{3,4})$/.test(name)
    ? `windows-${/\d+/.exec(name)![0]}`
    : name === 'latin1'
      ? 'iso-8859-1'
      : name;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    throw new FileProblem('problem.gis.import.encoding', { name: text.trim().slice(0, 40) });
  }
}

/** Extracts the shapefile's parts from the zip at `file` into `dir` and opens it. */
export async function shapefileSource(file: string, dir: string): Promise<ImportSource> {
  const parts = new Map<string, string>();
  const extracted = await extractEntries(file, dir, (names) => {
    const shp = names.filter((n) => /\.shp$/i.test(n) && !n.split('/').some((s) => s.startsWith('__MACOSX'))).sort()[0];
    if (!shp) throw new FileProblem('problem.gis.import.not_shapefile');
    const base = shp.slice(0, -4).toLowerCase();
    for (const ext of ['.shp', '.shx', '.dbf', '.prj', '.cpg']) {
      const name = names.find((n) => n.toLowerCase() === base + ext);
      if (name) parts.set(ext, name);
      else if (ext === '.shx' || ext === '.dbf') throw new FileProblem('problem.gis.import.shapefile_part', { part: ext });
    }
    return [...parts.values()];
  });
  const at = (ext: string) => extracted.get(parts.get(ext) ?? '');
  const [shp, shx, dbf, prj, cpg] = ['.shp', '.shx', '.dbf', '.prj', '.cpg'].map(at);
  const encoding = cpg ? encodingOfCpg(await fs.readFile(cpg, 'latin1')) : 'utf-8';
  const declaredSrid = prj ? (sridOfPrj(await fs.readFile(prj, 'utf8')) ?? null) : undefined;
  const shxBytes = (await fs.stat(shx!)).size;
  if (shxBytes < 100 || (shxBytes - 100) % 8 !== 0) throw new FileProblem('problem.gis.import.shapefile');
  let source: Awaited<ReturnType<typeof shapefile.open>>;
  try {
    source = await shapefile.open(shp!, dbf!, { encoding });
  } catch {
    throw new FileProblem('problem.gis.import.shapefile');
  }
  return {
    total: (shxBytes - 100) / 8,
    declaredSrid,
    async *records(): AsyncIterable<SourceRecord> {
      for (let row = 1; ; row++) {
        let next: Awaited<ReturnType<typeof source.read>>;
        try {
          next = await source.read();
        } catch {
          throw new FileProblem('problem.gis.import.shapefile');
        }
        if (next.done) return;
        yield { row, geometry: next.value.geometry ? { geojson: next.value.geometry } : null, properties: next.value.properties ?? {} };
      }
    },
  };
}

/** Where the parts of a shapefile go while it is read: removed by the caller. */
export const workDirOf = (file: string) => path.join(path.dirname(file), `${path.basename(file)}.parts`);
