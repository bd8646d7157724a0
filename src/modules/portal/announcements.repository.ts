import { type ColumnType, type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import type { AnnouncementStatus } from './portal.schemas.js';

export interface AnnouncementTable {
  communeId: string;
  id: Generated<string>;
  title: ColumnType<Multilingual, string, string>;
  body: ColumnType<Multilingual, string, string>;
  status: AnnouncementStatus;
  publishedAt: Date | null;
  authorId: string | null;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

const tables = (trx: Tx) => withTables<{ 'portal.announcement': AnnouncementTable }>(trx);

const COLUMNS = [
  'a.id',
  'a.title',
  'a.body',
  'a.status',
  'a.publishedAt',
  'a.authorId',
  'a.isDemo',
  'a.createdAt',
  'a.updatedAt',
  'u.displayName as authorName',
] as const;

function base(trx: Tx) {
  return tables(trx)
    .selectFrom('portal.announcement as a')
    .leftJoin('platform.userAccount as u', (join) => join.onRef('u.communeId', '=', 'a.communeId').onRef('u.id', '=', 'a.authorId'));
}

export type AnnouncementRow = Awaited<ReturnType<typeof findAnnouncement>> & {};

export function findAnnouncement(trx: Tx, id: string) {
  return base(trx).select(COLUMNS).where('a.id', '=', id).executeTakeFirst();
}

export interface AnnouncementFilter {
  status?: AnnouncementStatus;
  /** `published`: newest publication first (the public list); `updated`: last changed first (staff). */
  order: 'published' | 'updated';
  limit: number;
  offset: number;
}

export async function listAnnouncements(trx: Tx, f: AnnouncementFilter) {
  const query = base(trx).where((eb) => eb.and(f.status ? [eb('a.status', '=', f.status)] : []));
  const rows = await query
    .select(COLUMNS)
    .orderBy(f.order === 'published' ? 'a.publishedAt' : 'a.updatedAt', 'desc')
    .orderBy('a.createdAt', 'desc')
    .orderBy('a.id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const { n } = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}

export async function insertAnnouncement(
  trx: Tx,
  a: {
    communeId: string;
    title: Multilingual;
    body: Multilingual;
    status: AnnouncementStatus;
    publishedAt: Date | null;
    authorId: string | null;
    isDemo?: boolean;
  },
) {
  const { id } = await tables(trx)
    .insertInto('portal.announcement')
    .values({ ...a, title: JSON.stringify(a.title), body: JSON.stringify(a.body) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findAnnouncement(trx, id))!;
}

export async function updateAnnouncement(
  trx: Tx,
  id: string,
  changes: { title?: Multilingual; body?: Multilingual; status?: AnnouncementStatus; publishedAt?: Date | null },
) {
  await tables(trx)
    .updateTable('portal.announcement')
    .set({
      ...(changes.title !== undefined ? { title: JSON.stringify(changes.title) } : {}),
      ...(changes.body !== undefined ? { body: JSON.stringify(changes.body) } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.publishedAt !== undefined ? { publishedAt: changes.publishedAt } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .execute();
  return (await findAnnouncement(trx, id))!;
}
