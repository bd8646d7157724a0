import { type ColumnType, type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';

export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type Datatype = (typeof DATATYPES)[number];

/** An extra question of a category (an Open311 service attribute). */
export interface Attribute {
  code: string;
  datatype: Datatype;
  required: boolean;
  description: Multilingual;
  order: number;
  /** For the list types: the allowed keys and their names. */
  values?: { key: string; name: Multilingual }[];
}

export interface CategoryTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  departmentId: string;
  groupCode: string;
  name: ColumnType<Multilingual, string, string>;
  description: ColumnType<Multilingual | null, string | null, string | null>;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  targetHours: number;
  attributes: ColumnType<Attribute[], string, string>;
  isPublic: boolean;
  enabled: boolean;
  sortOrder: number;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

const tables = (trx: Tx) => withTables<{ 'reports.category': CategoryTable }>(trx);

function base(trx: Tx) {
  return tables(trx)
    .selectFrom('reports.category as c')
    .innerJoin('platform.department as d', (j) => j.onRef('d.communeId', '=', 'c.communeId').onRef('d.id', '=', 'c.departmentId'))
    .select([
      'c.id',
      'c.code',
      'c.departmentId',
      'd.path as departmentPath',
      'd.name as departmentName',
      'c.groupCode',
      'c.name',
      'c.description',
      'c.keywords',
      'c.targetHours',
      'c.attributes',
      'c.isPublic',
      'c.enabled',
      'c.sortOrder',
      'c.isDemo',
    ]);
}

export type CategoryRow = Awaited<ReturnType<typeof findCategoryByCode>> & {};

export function findCategoryByCode(trx: Tx, code: string) {
  return base(trx).where('c.code', '=', code).executeTakeFirst();
}

export function findCategory(trx: Tx, id: string) {
  return base(trx).where('c.id', '=', id).executeTakeFirst();
}

export function listCategories(trx: Tx, options: { enabledOnly: boolean }) {
  return base(trx)
    .where((eb) => eb.and(options.enabledOnly ? [eb('c.enabled', '=', true)] : []))
    .orderBy('c.groupCode')
    .orderBy('c.sortOrder')
    .orderBy('c.code')
    .execute();
}

export interface CategoryValues {
  code: string;
  departmentId: string;
  groupCode: string;
  name: Multilingual;
  description: Multilingual | null;
  keywords: string[];
  targetHours: number;
  attributes: Attribute[];
  isPublic: boolean;
  enabled: boolean;
  sortOrder: number;
  isDemo?: boolean;
}

export async function insertCategory(trx: Tx, communeId: string, v: CategoryValues) {
  const { id } = await tables(trx)
    .insertInto('reports.category')
    .values({
      communeId,
      ...v,
      name: JSON.stringify(v.name),
      description: v.description ? JSON.stringify(v.description) : null,
      attributes: JSON.stringify(v.attributes),
    })
    .onConflict((oc) => oc.columns(['communeId', 'code']).doNothing())
    .returning('id')
    .executeTakeFirst()
    .then((r) => r ?? { id: undefined });
  return id ? findCategory(trx, id) : undefined;
}

export async function updateCategory(trx: Tx, id: string, c: Partial<CategoryValues>) {
  const { name, description, attributes, ...rest } = c;
  await tables(trx)
    .updateTable('reports.category')
    .set({
      ...rest,
      ...(name !== undefined ? { name: JSON.stringify(name) } : {}),
      ...(description !== undefined ? { description: description ? JSON.stringify(description) : null } : {}),
      ...(attributes !== undefined ? { attributes: JSON.stringify(attributes) } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .execute();
  return (await findCategory(trx, id))!;
}

export function countCategories(trx: Tx) {
  return tables(trx)
    .selectFrom('reports.category')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}
