import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant.js';
import type { Status } from './reports.repository.js';

/** When a category (an Open311 service definition) last changed, or null without any. */
export async function lastCategoryChange(trx: Tx): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`SELECT max(updated_at) AS at FROM reports.category`.execute(trx);
  return rows[0]?.at ?? null;
}

export interface PublicUpdateRow {
  id: string;
  number: string;
  /** The report's status after this update: its own, else the last one given before it. */
  status: Status;
  text: string | null;
  createdAt: Date;
}

/**
 * Public updates of reports in public categories made in [from, to] (no end without `to`), oldest first (a client
 * pages by moving `from` to the last one it saw). The report's creation is not an update. An
 * update without a status (a public note, the citizen's words) carries the status the report had.
 */
export async function listPublicUpdates(trx: Tx, range: { from: Date; to?: Date }, limit: number): Promise<PublicUpdateRow[]> {
  const { rows } = await sql<PublicUpdateRow>`
    SELECT u.id, r.number::text AS number, u.text, u.created_at,
           coalesce(u.status,
                    (SELECT p.status FROM reports.report_update p
                      WHERE p.commune_id = u.commune_id AND p.report_id = u.report_id
                        AND p.status IS NOT NULL AND p.created_at <= u.created_at
                      ORDER BY p.created_at DESC LIMIT 1),
                    r.status) AS status
      FROM reports.report_update u
      JOIN reports.report r ON r.commune_id = u.commune_id AND r.id = u.report_id
      JOIN reports.category c ON c.commune_id = r.commune_id AND c.id = r.category_id
     WHERE u.is_public AND u.kind <> 'created' AND c.is_public
       AND u.created_at >= ${range.from} ${range.to ? sql`AND u.created_at <= ${range.to}` : sql``}
     ORDER BY u.created_at, u.id
     LIMIT ${limit}`.execute(trx);
  return rows;
}
