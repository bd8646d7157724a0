import { sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { LampGroupTable, LuminaireTable } from './lighting.repository.js';

type Text = Record<string, string>;

const tables = (trx: Tx) => withTables<{ 'lighting.lamp_group': LampGroupTable; 'lighting.luminaire': LuminaireTable }>(trx);

export interface GroupRow {
  id: string;
  code: string;
  name: Text;
  description: Text | null;
  isDemo: boolean;
  updatedAt: Date;
  memberCount: number;
  scheduleId: string | null;
}

/** The columns of a group, with its member count and schedule. */
const SELECT_GROUPS = sql`
    SELECT g.id, g.code, g.name, g.description, g.is_demo, g.updated_at,
           (SELECT count(*)::int FROM lighting.luminaire l WHERE l.group_id = g.id) AS member_count,
           (SELECT s.schedule_id FROM lighting.group_schedule s WHERE s.group_id = g.id) AS schedule_id
      FROM lighting.lamp_group g`;

export async function listGroups(trx: Tx): Promise<GroupRow[]> {
  const { rows } = await sql<GroupRow>`${SELECT_GROUPS} ORDER BY g.code`.execute(trx);
  return rows;
}

export async function findGroup(trx: Tx, id: string): Promise<GroupRow | undefined> {
  const { rows } = await sql<GroupRow>`${SELECT_GROUPS} WHERE g.id = ${id}::uuid`.execute(trx);
  return rows[0];
}

/** Which of these ids are groups of the commune. */
export async function existingGroups(trx: Tx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tables(trx).selectFrom('lighting.lamp_group').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertGroup(
  trx: Tx,
  values: { communeId: string; code: string; name: Text; description: Text | null; isDemo?: boolean },
): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO lighting.lamp_group (commune_id, code, name, description, is_demo)
    VALUES (${values.communeId}::uuid, ${values.code}, ${JSON.stringify(values.name)}::jsonb,
            ${values.description ? JSON.stringify(values.description) : null}::jsonb, ${values.isDemo ?? false})
    RETURNING id`.execute(trx);
  return rows[0]!.id;
}

export async function updateGroup(trx: Tx, id: string, values: { code: string; name: Text; description: Text | null }): Promise<boolean> {
  const { numAffectedRows } = await sql`
    UPDATE lighting.lamp_group SET code = ${values.code}, name = ${JSON.stringify(values.name)}::jsonb,
           description = ${values.description ? JSON.stringify(values.description) : null}::jsonb, updated_at = now()
     WHERE id = ${id}::uuid`.execute(trx);
  return (numAffectedRows ?? 0n) > 0n;
}

/** Deletes a group; its luminaires stay, in no group. */
export async function deleteGroup(trx: Tx, id: string): Promise<boolean> {
  await tables(trx).updateTable('lighting.luminaire').set({ groupId: null, updatedAt: new Date() }).where('groupId', '=', id).execute();
  const r = await tables(trx).deleteFrom('lighting.lamp_group').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export const listMembers = (trx: Tx, groupId: string, limit: number, offset: number) =>
  tables(trx)
    .selectFrom('lighting.luminaire')
    .select(['id', 'code', 'cabinetId', 'deviceId'])
    .where('groupId', '=', groupId)
    .orderBy('code')
    .limit(limit)
    .offset(offset)
    .execute();

/** How many of these luminaire and cabinet ids exist in the commune. */
export async function countKnown(trx: Tx, luminaireIds: readonly string[], cabinetIds: readonly string[]) {
  const { rows } = await sql<{ luminaires: number; cabinets: number }>`
    SELECT (SELECT count(*)::int FROM lighting.luminaire WHERE id = ANY (${luminaireIds}::uuid[])) AS luminaires,
           (SELECT count(*)::int FROM lighting.cabinet WHERE id = ANY (${cabinetIds}::uuid[])) AS cabinets`.execute(trx);
  return rows[0] ?? { luminaires: 0, cabinets: 0 };
}

/** Puts luminaires (by id, or all of some cabinets) in a group; returns how many changed group. */
export async function addMembers(
  trx: Tx,
  groupId: string,
  luminaireIds: readonly string[],
  cabinetIds: readonly string[],
): Promise<number> {
  const { numAffectedRows } = await sql`
    UPDATE lighting.luminaire SET group_id = ${groupId}::uuid, updated_at = now()
     WHERE (id = ANY (${luminaireIds}::uuid[]) OR cabinet_id = ANY (${cabinetIds}::uuid[]))
       AND group_id IS DISTINCT FROM ${groupId}::uuid`.execute(trx);
  return Number(numAffectedRows ?? 0n);
}

export async function removeMembers(trx: Tx, groupId: string, luminaireIds: readonly string[]): Promise<number> {
  const { numAffectedRows } = await sql`
    UPDATE lighting.luminaire SET group_id = NULL, updated_at = now()
     WHERE group_id = ${groupId}::uuid AND id = ANY (${luminaireIds}::uuid[])`.execute(trx);
  return Number(numAffectedRows ?? 0n);
}
