/**
 * The indicators art 28 asks the administration to keep and publish, per procedure, over the
 * requests deposited in a period: received, complete or not at deposit, decided within and past
 * the deadline, deemed approvals (silence), appeals, and the median processing time (complete
 * file to first explicit decision, in days).
 */
import { sql } from 'kysely';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { invalid, notFound } from '../../platform/http/errors.js';
import { endOfLocalDay, localDate } from './calendar.js';
import type { Text } from './procedure.js';
import { getSettings } from './settings.repository.js';

export const INDICATORS = 'eservices.indicators.read';

export interface IndicatorRow {
  procedure: { code: string; name: Text };
  received: number;
  completeAtDeposit: number;
  incompleteAtDeposit: number;
  decidedInTime: number;
  decidedLate: number;
  deemedApproved: number;
  appeals: number;
  medianProcessingDays: number | null;
}

export interface Indicators {
  from: string;
  to: string;
  items: IndicatorRow[];
}

const DAY = 86_400_000;
const previousDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - DAY).toISOString().slice(0, 10);

async function compute(trx: Tx, from: string, to: string, timeZone: string, publishedOnly: boolean): Promise<IndicatorRow[]> {
  // From the first instant of `from` to the last of `to`, local days of the commune.
  const start = new Date(endOfLocalDay(previousDate(from), timeZone).getTime() + 1);
  const end = endOfLocalDay(to, timeZone);
  const { rows } = await sql<{
    code: string;
    nameJson: string;
    received: number;
    completeAtDeposit: number;
    incompleteAtDeposit: number;
    decidedInTime: number;
    decidedLate: number;
    deemedApproved: number;
    appeals: number;
    medianDays: number | string | null;
  }>`
    WITH firsts AS (
      SELECT e.request_id,
             min(e.at) FILTER (WHERE e.action IN ('approve', 'reject')) AS decided_at,
             bool_or(e.action = 'deemed_approved') AS deemed
        FROM eservices.request_event e
       GROUP BY e.request_id
    )
    SELECT p.code, (p.definition->'name')::text AS name_json,
           count(r.id)::int AS received,
           count(r.id) FILTER (WHERE r.complete_at_deposit)::int AS complete_at_deposit,
           count(r.id) FILTER (WHERE NOT r.complete_at_deposit)::int AS incomplete_at_deposit,
           count(r.id) FILTER (WHERE f.decided_at IS NOT NULL AND f.decided_at <= r.deadline_at)::int AS decided_in_time,
           count(r.id) FILTER (WHERE f.decided_at IS NOT NULL AND f.decided_at > r.deadline_at)::int AS decided_late,
           count(r.id) FILTER (WHERE f.deemed)::int AS deemed_approved,
           count(r.id) FILTER (WHERE r.appeal_filed_at IS NOT NULL)::int AS appeals,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (f.decided_at - r.complete_at)) / 86400)
             FILTER (WHERE f.decided_at IS NOT NULL AND r.complete_at IS NOT NULL) AS median_days
      FROM eservices.procedure p
      LEFT JOIN eservices.request r
        ON r.commune_id = p.commune_id AND r.procedure_id = p.id
       AND r.deposited_at >= ${start} AND r.deposited_at <= ${end}
      LEFT JOIN firsts f ON f.request_id = r.id
     WHERE ${publishedOnly ? sql`p.status = 'published'` : sql`p.status <> 'draft' OR r.id IS NOT NULL`}
     GROUP BY p.id, p.code, p.definition
     ORDER BY p.code`.execute(trx);
  return rows.map((r) => ({
    procedure: { code: r.code, name: JSON.parse(r.nameJson) as Text },
    received: r.received,
    completeAtDeposit: r.completeAtDeposit,
    incompleteAtDeposit: r.incompleteAtDeposit,
    decidedInTime: r.decidedInTime,
    decidedLate: r.decidedLate,
    deemedApproved: r.deemedApproved,
    appeals: r.appeals,
    medianProcessingDays: r.medianDays === null ? null : Math.round(Number(r.medianDays) * 10) / 10,
  }));
}

const CSV_COLUMNS = [
  'procedure_code',
  'procedure_name_ar',
  'procedure_name_fr',
  'received',
  'complete_at_deposit',
  'incomplete_at_deposit',
  'decided_in_time',
  'decided_late',
  'deemed_approved',
  'appeals',
  'median_processing_days',
] as const;

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quoted when needed; a leading = + - @ is neutralized so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The indicators as CSV (UTF-8 with a byte order mark, so spreadsheets read the Arabic names). */
export function indicatorsCsv(ind: Indicators): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of ind.items) {
    lines.push(
      [
        r.procedure.code,
        r.procedure.name.ar,
        r.procedure.name.fr,
        r.received,
        r.completeAtDeposit,
        r.incompleteAtDeposit,
        r.decidedInTime,
        r.decidedLate,
        r.deemedApproved,
        r.appeals,
        r.medianProcessingDays,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export class IndicatorsService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  private period(q: { from?: string; to?: string }, timeZone: string) {
    const today = localDate(this.now(), timeZone);
    const to = q.to ?? today;
    const from = q.from ?? `${to.slice(0, 4)}-01-01`;
    if (from > to) throw invalid('/query/from');
    if (Date.parse(to) - Date.parse(from) > 3660 * DAY) throw invalid('/query/from');
    return { from, to };
  }

  private async timeZone(trx: Tx, communeId: string) {
    const c = await trx.selectFrom('platform.commune').select('timeZone').where('id', '=', communeId).executeTakeFirst();
    return c?.timeZone ?? 'Africa/Casablanca';
  }

  /** Every procedure that has been published or received requests, for staff who follow performance. */
  forStaff(ctx: CallContext, q: { from?: string; to?: string }): Promise<Indicators> {
    authorize(ctx.principal, INDICATORS);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const tz = await this.timeZone(trx, ctx.communeId);
      const { from, to } = this.period(q, tz);
      return { from, to, items: await compute(trx, from, to, tz, false) };
    });
  }

  /** The published procedures' indicators, on the portal, when the commune chose to publish them. */
  forPublic(ctx: CallContext, q: { from?: string; to?: string }): Promise<Indicators> {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      if (!(await getSettings(trx)).publishIndicators) throw notFound();
      const tz = await this.timeZone(trx, ctx.communeId);
      const { from, to } = this.period(q, tz);
      return { from, to, items: await compute(trx, from, to, tz, true) };
    });
  }
}
