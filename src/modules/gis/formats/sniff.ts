/** What an uploaded file is, from its first bytes (never from its name). */
import type { ImportFormat } from '../imports.repository.js';

export function sniffFormat(head: Buffer): ImportFormat | undefined {
  if (head.subarray(0, 4).toString('latin1') === 'PK\x03\x04' || head.subarray(0, 4).toString('latin1') === 'PK\x05\x06')
    return 'shapefile';
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'geopackage';
  if (head.length === 0 || head.includes(0)) return undefined;
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  return /^\s*[{[]/.test(text) ? 'geojson' : 'csv';
}
