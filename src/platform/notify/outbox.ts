import fs from 'node:fs/promises';
import path from 'node:path';

/** A message the platform sent without a gateway configured: kept in `DATA_DIR/<channel>` for the office to show. */
export interface OutboxEntry {
  id: string;
  channel: 'mail' | 'sms';
  communeId: string | null;
  to: string;
  subject: string | null;
  text: string;
  language: string | null;
  at: string;
}

const CHANNELS = ['mail', 'sms'] as const;
const safeName = (key: string) => key.replace(/[^A-Za-z0-9._-]/g, '_');

/** Writes `<dir>/<key><ext>` atomically (a reader never sees half a file; a retry overwrites the same name). */
export async function writeAtomically(dir: string, key: string, ext: string, data: string | Buffer) {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${safeName(key)}${ext}`);
  await fs.writeFile(`${file}.tmp`, data);
  await fs.rename(`${file}.tmp`, file);
}

/** Records a message beside its raw form (.eml, .txt), in a shape the office reads without parsing MIME. */
export function writeOutboxEntry(dataDir: string, entry: Omit<OutboxEntry, 'id' | 'at'>, key: string) {
  const record: OutboxEntry = { ...entry, id: safeName(key), at: new Date().toISOString() };
  return writeAtomically(path.join(dataDir, entry.channel), key, '.json', JSON.stringify(record));
}

/** One commune's messages in the outbox folders, newest first. */
export async function listOutbox(dataDir: string, communeId: string, page: { limit: number; offset: number; channel?: 'mail' | 'sms' }) {
  const entries: OutboxEntry[] = [];
  for (const channel of CHANNELS) {
    if (page.channel && page.channel !== channel) continue;
    const dir = path.join(dataDir, channel);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const entry = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as OutboxEntry;
      if (entry.communeId === communeId) entries.push(entry);
    }
  }
  entries.sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
  return { rows: entries.slice(page.offset, page.offset + page.limit), total: entries.length };
}
