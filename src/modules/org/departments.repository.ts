import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';

const COLUMNS = ['id', 'code', 'name', 'parentId', 'path', 'createdAt', 'updatedAt'] as const;

export type DepartmentRow = Awaited<ReturnType<typeof findDepartment>> & {};

export function listDepartments(trx: Tx) {
  return trx.selectFrom('platform.department').select(COLUMNS).orderBy('path').execute();
}

export function findDepartment(trx: Tx, id: string) {
  return trx.selectFrom('platform.department').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findDepartmentByCode(trx: Tx, code: string) {
  return trx.selectFrom('platform.department').select(COLUMNS).where('code', '=', code).executeTakeFirst();
}

export function insertDepartment(
  trx: Tx,
  d: { communeId: string; id: string; code: string; name: Multilingual; parentId: string | null; path: string },
) {
  return trx
    .insertInto('platform.department')
    .values({ ...d, name: JSON.stringify(d.name) })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export function updateDepartment(trx: Tx, id: string, changes: { code?: string; name?: Multilingual }) {
  return trx
    .updateTable('platform.department')
    .set({
      ...(changes.code !== undefined ? { code: changes.code } : {}),
      ...(changes.name !== undefined ? { name: JSON.stringify(changes.name) } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Moves a department and its whole subtree under a new parent by rewriting their paths. */
export async function moveDepartment(trx: Tx, id: string, oldPath: string, parentId: string | null, newPath: string) {
  await trx
    .updateTable('platform.department')
    .set({
      path: sql<string>`${newPath} || substr(path, ${oldPath.length + 1})`,
      updatedAt: new Date(),
    })
    .where('path', 'like', `${oldPath}%`)
    .execute();
  await trx.updateTable('platform.department').set({ parentId }).where('id', '=', id).execute();
}

/** Sub-departments and staff attached to a department (it cannot be deleted while any exist). */
export async function departmentUsage(trx: Tx, id: string) {
  const row = await trx
    .selectNoFrom([
      sql<number>`(SELECT count(*) FROM platform.department WHERE parent_id = ${id})::int`.as('children'),
      sql<number>`(SELECT count(*) FROM platform.user_account WHERE department_id = ${id})::int`.as('users'),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

export function deleteDepartment(trx: Tx, id: string) {
  return trx.deleteFrom('platform.department').where('id', '=', id).execute();
}
