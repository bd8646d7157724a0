import { type ColumnType, type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { ProcedureStatus } from './catalog.schemas.js';
import type { ProcedureDefinition } from './procedure.js';

export interface ProcedureTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  status: ProcedureStatus;
  category: string;
  receivingDepartmentId: string;
  processingDepartmentId: string;
  definition: ColumnType<unknown, string, string>;
  nameFold: string;
  searchFold: string;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

const tables = (trx: Tx) => withTables<{ 'eservices.procedure': ProcedureTable }>(trx);

function base(trx: Tx) {
  return tables(trx)
    .selectFrom('eservices.procedure as p')
    .innerJoin('platform.department as pd', (j) =>
      j.onRef('pd.communeId', '=', 'p.communeId').onRef('pd.id', '=', 'p.processingDepartmentId'),
    )
    .innerJoin('platform.department as rd', (j) =>
      j.onRef('rd.communeId', '=', 'p.communeId').onRef('rd.id', '=', 'p.receivingDepartmentId'),
    );
}

const COLUMNS = [
  'p.id',
  'p.code',
  'p.status',
  'p.category',
  // As text: the plugin that camelCases column names would rewrite the keys inside the JSON too.
  sql<string>`p.definition::text`.as('definitionJson'),
  'p.processingDepartmentId',
  'pd.name as processingDepartmentName',
  'pd.path as processingDepartmentPath',
  'p.receivingDepartmentId',
  'rd.name as receivingDepartmentName',
  'rd.path as receivingDepartmentPath',
  'p.isDemo',
  'p.createdAt',
  'p.updatedAt',
] as const;

type RawRow = Awaited<ReturnType<typeof findRaw>> & {};
export type ProcedureRow = Omit<RawRow, 'definitionJson'> & { definition: ProcedureDefinition };

const parse = (r: RawRow): ProcedureRow => {
  const { definitionJson, ...rest } = r;
  return { ...rest, definition: JSON.parse(definitionJson) as ProcedureDefinition };
};

function findRaw(trx: Tx, id: string) {
  return base(trx).select(COLUMNS).where('p.id', '=', id).executeTakeFirst();
}

export async function findProcedure(trx: Tx, id: string): Promise<ProcedureRow | undefined> {
  const row = await findRaw(trx, id);
  return row && parse(row);
}

export async function findProcedureByCode(trx: Tx, code: string): Promise<ProcedureRow | undefined> {
  const row = await base(trx).select(COLUMNS).where('p.code', '=', code).executeTakeFirst();
  return row && parse(row);
}

/** LIKE's wildcards and escape character taken literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/*
 * Search: the query folded (searchFold) must have each of its words in the folded names, summary
 * or code (ILIKE); the matches are ranked by trigram word similarity (pg_trgm, which the platform
 * creates and loads on PGlite too: migration 20261129T1420) of the query to the names first, then
 * to the whole text, so "رخصة الإصلاح" puts the repair permit before the other permits. A catalog
 * has tens of procedures: no trigram index is needed.
 */
export interface ProcedureFilter {
  statuses?: readonly ProcedureStatus[];
  category?: string;
  /** Words of the query, already folded (searchFold): every word must appear in the folded names, summary or code. */
  words?: string[];
  /** The whole folded query, to rank by (trigram word similarity). */
  phrase?: string;
  limit?: number;
  offset?: number;
}

export async function listProcedures(trx: Tx, f: ProcedureFilter) {
  const words = f.words ?? [];
  const query = base(trx).where((eb) => {
    const c = [];
    if (f.statuses?.length) c.push(eb('p.status', 'in', f.statuses));
    if (f.category) c.push(eb('p.category', '=', f.category));
    for (const w of words) c.push(eb('p.searchFold', 'ilike', `%${likeEscape(w)}%`));
    return eb.and(c);
  });
  const phrase = f.phrase ?? '';
  let ordered = query.select(COLUMNS);
  if (phrase) {
    ordered = ordered
      .orderBy(sql`word_similarity(${phrase}, p.name_fold) DESC`)
      .orderBy(sql`word_similarity(${phrase}, p.search_fold) DESC`);
  }
  ordered = ordered.orderBy(sql`p.definition->'name'->>'fr'`).orderBy('p.code');
  if (f.limit !== undefined) ordered = ordered.limit(f.limit);
  if (f.offset) ordered = ordered.offset(f.offset);
  const rows = (await ordered.execute()).map(parse);
  if (f.limit === undefined || (rows.length < f.limit && (rows.length > 0 || !f.offset)))
    return { rows, total: (f.offset ?? 0) + rows.length };
  const { n } = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}

export interface ProcedureValues {
  code: string;
  status: ProcedureStatus;
  category: string;
  receivingDepartmentId: string;
  processingDepartmentId: string;
  definition: ProcedureDefinition;
  nameFold: string;
  searchFold: string;
  isDemo?: boolean;
}

/** Inserts a procedure; undefined when its code is taken. */
export async function insertProcedure(trx: Tx, communeId: string, v: ProcedureValues) {
  const row = await tables(trx)
    .insertInto('eservices.procedure')
    .values({ communeId, ...v, definition: JSON.stringify(v.definition) })
    .onConflict((oc) => oc.columns(['communeId', 'code']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row && (await findProcedure(trx, row.id));
}

/** Replaces a procedure; undefined when the new code is another procedure's. */
export async function updateProcedure(trx: Tx, id: string, v: ProcedureValues) {
  const taken = await tables(trx)
    .selectFrom('eservices.procedure')
    .select('id')
    .where('code', '=', v.code)
    .where('id', '<>', id)
    .executeTakeFirst();
  if (taken) return undefined;
  await tables(trx)
    .updateTable('eservices.procedure')
    .set({ ...v, definition: JSON.stringify(v.definition), updatedAt: new Date() })
    .where('id', '=', id)
    .execute();
  return findProcedure(trx, id);
}

export function countProcedures(trx: Tx) {
  return tables(trx)
    .selectFrom('eservices.procedure')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

export function findDepartmentsByCode(trx: Tx, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([]);
  return trx.selectFrom('platform.department').select(['id', 'code', 'path', 'name']).where('code', 'in', codes).execute();
}
