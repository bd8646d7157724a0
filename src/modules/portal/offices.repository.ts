import { type ColumnType, type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';

/** One opening period: ISO weekday (1 = Monday), and times as HH:MM. */
export interface OpeningPeriod {
  day: number;
  opens: string;
  closes: string;
}

export interface OfficeTable {
  communeId: string;
  id: Generated<string>;
  name: ColumnType<Multilingual, string, string>;
  address: ColumnType<Multilingual | null, string | null, string | null>;
  phone: string | null;
  email: string | null;
  hours: ColumnType<OpeningPeriod[], string, string>;
  note: ColumnType<Multilingual | null, string | null, string | null>;
  sortOrder: number;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

const tables = (trx: Tx) => withTables<{ 'portal.office': OfficeTable }>(trx);

const COLUMNS = ['id', 'name', 'address', 'phone', 'email', 'hours', 'note', 'sortOrder', 'isDemo', 'createdAt', 'updatedAt'] as const;

export type OfficeRow = Awaited<ReturnType<typeof findOffice>> & {};

export interface OfficeFields {
  name: Multilingual;
  address: Multilingual | null;
  phone: string | null;
  email: string | null;
  hours: OpeningPeriod[];
  note: Multilingual | null;
  sortOrder: number;
}

const json = (value: Multilingual | null) => (value === null ? null : JSON.stringify(value));

export function findOffice(trx: Tx, id: string) {
  return tables(trx).selectFrom('portal.office').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** By sort order, then by name in the first of `languages` it has, then by id (a stable order). */
export function listOffices(trx: Tx, languages: readonly string[]) {
  const names = sql.join(languages.map((l) => sql`name ->> ${l}`));
  return tables(trx)
    .selectFrom('portal.office')
    .select(COLUMNS)
    .orderBy('sortOrder')
    .orderBy(sql`coalesce(${names})`)
    .orderBy('id')
    .execute();
}

export function insertOffice(trx: Tx, o: OfficeFields & { communeId: string; isDemo?: boolean }) {
  return tables(trx)
    .insertInto('portal.office')
    .values({
      ...o,
      name: JSON.stringify(o.name),
      address: json(o.address),
      note: json(o.note),
      hours: JSON.stringify(o.hours),
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export function updateOffice(trx: Tx, id: string, changes: Partial<OfficeFields>) {
  const { name, address, note, hours, ...plain } = changes;
  return tables(trx)
    .updateTable('portal.office')
    .set({
      ...plain,
      ...(name !== undefined ? { name: JSON.stringify(name) } : {}),
      ...(address !== undefined ? { address: json(address) } : {}),
      ...(note !== undefined ? { note: json(note) } : {}),
      ...(hours !== undefined ? { hours: JSON.stringify(hours) } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export function deleteOffice(trx: Tx, id: string) {
  return tables(trx).deleteFrom('portal.office').where('id', '=', id).execute();
}
