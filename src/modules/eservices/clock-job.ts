/**
 * The clocks that move a request by themselves (run every few minutes by the job runner, or by a
 * test at a chosen `now`):
 * - an incomplete file past its completion delay is returned (art 10);
 * - a request of a silence-as-approval procedure past its deadline becomes deemed approved, the
 *   citizen is told and the delivery of the decision is due within the set days (arts 19–20);
 *   for a procedure where silence means refusal, the citizen is told they may appeal (art 21);
 * - an appeal unanswered past its due date is escalated (art 21).
 * Each request moves in its own transaction, claimed with FOR UPDATE SKIP LOCKED and its
 * condition checked again under the lock: several instances may run the job at once, and a
 * second run at the same `now` changes nothing.
 */
import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { FileStore } from '../../platform/files/store.js';
import type { CallContext } from '../../platform/http/context.js';
import { LIMITS } from '../../platform/limits.js';
import type { Links } from './notifications.js';
import * as repo from './requests.repository.js';
import { applyChange } from './transitions.js';
import { type Clock, loadClock } from './workflow.js';

export const CLOCK_JOB = 'eservices.clocks';
const ACTOR: Actor = { type: 'system', id: null, label: 'eservices clock' };
const BATCH = 500;

type Due = 'returned' | 'deemed_approved' | 'silence_refusal' | 'appeal_escalated';

/** The condition of each move, in SQL (checked at claim time, under the row lock). */
function dueCondition(due: Due, now: Date) {
  switch (due) {
    case 'returned':
      return sql`status = 'incomplete' AND completion_due_at < ${now}`;
    case 'deemed_approved':
      return sql`status IN ('submitted', 'under_review') AND silence = 'approval' AND deadline_at < ${now}`;
    case 'silence_refusal':
      return sql`status IN ('submitted', 'under_review') AND silence = 'refusal' AND deadline_at < ${now} AND appeal_until IS NULL`;
    case 'appeal_escalated':
      return sql`status = 'appealed' AND appeal_answer_due_at < ${now}`;
  }
}

/** Claims one due request of the commune, skipping rows another instance holds. */
async function claim(trx: Tx, due: Due, now: Date) {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM eservices.request WHERE ${dueCondition(due, now)}
     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(trx);
  return rows[0]?.id;
}

async function move(trx: Tx, ctx: CallContext, clock: Clock, due: Due, id: string, now: Date, links: Links) {
  const before = (await repo.findRequest(trx, id))!;
  switch (due) {
    case 'returned':
      return applyChange(trx, ctx, before, { status: 'returned', action: 'return', citizen: { event: 'returned' }, at: now }, links);
    case 'deemed_approved': {
      // The decision is taken at the deadline's end: the delays that follow run from there.
      const at = before.deadlineAt!;
      const deliveryDueAt = clock.after(at, clock.settings.deliveryDays);
      const appealUntil = clock.after(at, clock.settings.appealDays);
      return applyChange(
        trx,
        ctx,
        before,
        {
          status: 'deemed_approved',
          action: 'deemed_approved',
          changes: { decisionOutcome: 'deemed_approved', decisionReasons: null, decisionAt: at, deliveryDueAt, appealUntil },
          citizen: { event: 'deemed_approved', values: { date: deliveryDueAt } },
          at: now,
        },
        links,
      );
    }
    case 'silence_refusal': {
      const appealUntil = clock.after(before.deadlineAt!, clock.settings.appealDays);
      return applyChange(
        trx,
        ctx,
        before,
        {
          action: 'silence_refusal',
          changes: { appealUntil },
          citizen: { event: 'silence_refusal', values: { date: appealUntil } },
          at: now,
        },
        links,
      );
    }
    case 'appeal_escalated': {
      const escalationDueAt = clock.after(before.appealAnswerDueAt!, clock.settings.escalationDays);
      return applyChange(
        trx,
        ctx,
        before,
        {
          status: 'appeal_escalated',
          action: 'appeal_escalated',
          changes: { appealStatus: 'escalated', escalationDueAt },
          citizen: { event: 'appeal_escalated', values: { date: escalationDueAt } },
          staff: 'escalated',
          at: now,
        },
        links,
      );
    }
  }
}

/** Runs every due move of one commune at `now`; returns how many requests moved, by kind. */
export async function runCommuneClocks(db: Database, communeId: string, now: Date, links: Links) {
  const ctx: CallContext = { communeId, principal: null, actor: ACTOR };
  const moved: Record<Due, number> = { returned: 0, deemed_approved: 0, silence_refusal: 0, appeal_escalated: 0 };
  for (const due of Object.keys(moved) as Due[]) {
    for (let i = 0; i < BATCH; i++) {
      const done = await withCommune(db, communeId, async (trx) => {
        const id = await claim(trx, due, now);
        if (!id) return false;
        await move(trx, ctx, await loadClock(trx, communeId), due, id, now, links);
        return true;
      });
      if (!done) break;
      moved[due]++;
    }
  }
  return moved;
}

/** Runs the clocks of every commune at `now` (default: the present). */
export async function runClocks(db: Database, links: Links, now = new Date()) {
  const communes = await db.kysely.selectFrom('platform.commune').select('id').execute();
  const total: Record<string, number> = {};
  for (const c of communes) {
    for (const [k, n] of Object.entries(await runCommuneClocks(db, c.id, now, links))) total[k] = (total[k] ?? 0) + n;
  }
  return total;
}

/**
 * Deletes the drafts no one has touched for `LIMITS.eservicesDraftDays` days, in every commune,
 * with their attachments' files (after the rows are gone: a file left by a crash is unreferenced,
 * never a row without its file). Each deletion is in the audit log. Returns how many went.
 */
export async function purgeStaleDrafts(db: Database, files: FileStore, now: Date): Promise<number> {
  const before = new Date(now.getTime() - LIMITS.eservicesDraftDays * 86_400_000);
  const communes = await db.kysely.selectFrom('platform.commune').select('id').execute();
  let purged = 0;
  for (const c of communes) {
    const deleted = await withCommune(db, c.id, async (trx) => {
      const rows = await repo.deleteStaleDrafts(trx, before);
      for (const r of rows) {
        await recordAudit(trx, c.id, ACTOR, {
          action: 'eservices.request.draft_purged',
          entityType: 'eservice_request',
          entityId: r.id,
          before: { number: r.number, status: 'draft', attachments: r.fileKeys.length },
        });
      }
      return rows;
    });
    for (const r of deleted) for (const key of r.fileKeys) await files.remove(key).catch(() => undefined);
    purged += deleted.length;
  }
  return purged;
}
