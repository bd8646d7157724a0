/**
 * The EPSG code of a shapefile's .prj (WKT 1, OGC or ESRI flavour) among the systems an import
 * accepts: by its AUTHORITY when it names one, else by the names and parameters of its PROJCS and
 * GEOGCS (ESRI's .prj files carry no authority).
 */
import { IMPORT_CRS, type ImportSrid } from '../import.js';

/** Merchich's Lambert zones: latitude of origin (degrees), false easting and northing (metres). */
const LAMBERT_ZONES: { srid: ImportSrid; names: RegExp; lat0: number; x0: number; y0: number }[] = [
  { srid: 26191, names: /nord[_ ]maroc/i, lat0: 33.3, x0: 500000, y0: 300000 },
  { srid: 26192, names: /sud[_ ]maroc/i, lat0: 29.7, x0: 500000, y0: 300000 },
  { srid: 26194, names: /sahara[_ ]nord/i, lat0: 26.1, x0: 1200000, y0: 400000 },
  { srid: 26195, names: /sahara[_ ]sud/i, lat0: 22.5, x0: 1500000, y0: 400000 },
];

const near = (a: number | undefined, b: number, tolerance: number) => a !== undefined && Math.abs(a - b) <= tolerance;

/** The value of a PARAMETER, by any of its usual names (case and separators ignored). */
function parameter(wkt: string, ...names: string[]) {
  for (const m of wkt.matchAll(/PARAMETER\[\s*"([^"]+)"\s*,\s*(-?[\d.eE+-]+)/g)) {
    const key = m[1]!.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (names.includes(key)) return Number(m[2]);
  }
  return undefined;
}

export function sridOfPrj(wkt: string): ImportSrid | undefined {
  const text = wkt.trim();
  const kind = /^\s*(PROJCS|GEOGCS|PROJCRS|GEOGCRS)\b/i.exec(text)?.[1]?.toUpperCase();
  if (!kind) return undefined;
  // The last AUTHORITY of a WKT 1 text is its top-level one.
  const authorities = [...text.matchAll(/AUTHORITY\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)];
  const top = authorities.at(-1);
  if (
    top &&
    text
      .trimEnd()
      .replace(/\]\s*$/, '')
      .trimEnd()
      .endsWith(top[0])
  ) {
    const srid = Number(top[1]);
    return (IMPORT_CRS as readonly number[]).includes(srid) ? (srid as ImportSrid) : undefined;
  }
  const name = /^\s*\w+\[\s*"([^"]*)"/.exec(text)?.[1] ?? '';
  const merchich = /merchich/i.test(text);
  const wgs84 = /WGS[_ ]?(19)?84/i.test(text);
  if (kind.startsWith('GEOG')) return merchich ? 4261 : wgs84 && !merchich ? 4326 : undefined;
  if (/mercator/i.test(text) && wgs84 && /(pseudo|web|auxiliary)/i.test(text)) return 3857;
  if (!merchich || !/lambert_conformal_conic/i.test(text)) return undefined;
  const byName = LAMBERT_ZONES.find((z) => z.names.test(name));
  const lat0 = parameter(text, 'latitudeoforigin', 'standardparallel1');
  const x0 = parameter(text, 'falseeasting');
  const y0 = parameter(text, 'falsenorthing');
  const byParameters = LAMBERT_ZONES.find((z) => near(lat0, z.lat0, 0.001) && near(x0, z.x0, 0.5) && near(y0, z.y0, 0.5));
  // Names alone are trusted only when the parameters do not contradict them.
  if (byParameters) return byParameters.srid;
  return byName && lat0 === undefined ? byName.srid : undefined;
}
