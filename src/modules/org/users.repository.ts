import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';

const COLUMNS = [
  'u.id',
  'u.email',
  'u.displayName',
  'u.role',
  'u.departmentId',
  'u.locale',
  'u.active',
  'u.isDemo',
  'u.lastLoginAt',
  'u.createdAt',
  'u.updatedAt',
  'd.path as departmentPath',
] as const;

function base(trx: Tx) {
  return trx
    .selectFrom('platform.userAccount as u')
    .leftJoin('platform.department as d', (join) => join.onRef('d.communeId', '=', 'u.communeId').onRef('d.id', '=', 'u.departmentId'));
}

export type UserRow = Awaited<ReturnType<typeof findUser>> & {};

export function findUser(trx: Tx, id: string) {
  return base(trx).select(COLUMNS).where('u.id', '=', id).executeTakeFirst();
}

export interface UserFilter {
  /** Only users whose department lies under this path (a supervisor's reach). */
  scopePath: string | null;
  departmentId?: string;
  role?: string;
  active?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

export async function listUsers(trx: Tx, f: UserFilter) {
  const query = base(trx).where((eb) => {
    const conditions = [];
    if (f.scopePath !== null) conditions.push(eb('d.path', 'like', `${f.scopePath}%`));
    if (f.departmentId) conditions.push(eb('u.departmentId', '=', f.departmentId));
    if (f.role) conditions.push(eb('u.role', '=', f.role));
    if (f.active !== undefined) conditions.push(eb('u.active', '=', f.active));
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(eb.or([eb('u.email', 'ilike', like), eb('u.displayName', 'ilike', like)]));
    }
    return eb.and(conditions);
  });
  const rows = await query.select(COLUMNS).orderBy('u.email').limit(f.limit).offset(f.offset).execute();
  const { n } = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: n };
}

export function insertUser(
  trx: Tx,
  u: {
    communeId: string;
    email: string;
    displayName: string;
    passwordHash: string;
    role: string;
    departmentId: string | null;
    locale: string | null;
    isDemo?: boolean;
  },
) {
  return trx.insertInto('platform.userAccount').values(u).returning('id').executeTakeFirstOrThrow();
}

export function updateUser(
  trx: Tx,
  id: string,
  changes: Partial<{
    displayName: string;
    role: string;
    departmentId: string | null;
    locale: string | null;
    active: boolean;
    passwordHash: string;
  }>,
) {
  return trx
    .updateTable('platform.userAccount')
    .set({ ...changes, ...(changes.passwordHash ? { passwordChangedAt: new Date() } : {}), updatedAt: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function countActiveAdmins(trx: Tx) {
  const row = await trx
    .selectFrom('platform.userAccount')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return row.n;
}
