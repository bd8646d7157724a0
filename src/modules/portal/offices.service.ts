import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, type FieldError, notFound } from '../../platform/http/errors.js';
import * as repo from './offices.repository.js';

const MANAGE = 'portal.offices.manage';

export type OfficeInput = repo.OfficeFields;

/**
 * Refuses a period that does not close after it opens (pointing at each one), and returns the
 * periods by day, then by opening time.
 */
export function checkHours(hours: readonly repo.OpeningPeriod[]): repo.OpeningPeriod[] {
  const fields: FieldError[] = [];
  hours.forEach((period, i) => {
    if (period.closes <= period.opens) fields.push({ pointer: `/body/hours/${i}/closes`, key: 'problem.field.closes_before_opens' });
  });
  if (fields.length > 0) throw new AppError('validation_failed', 400, undefined, {}, fields);
  return [...hours]
    .map(({ day, opens, closes }) => ({ day, opens, closes }))
    .sort((a, b) => a.day - b.day || a.opens.localeCompare(b.opens) || a.closes.localeCompare(b.closes));
}

/** The commune's offices, their contacts and opening hours: public to read, managed by `portal.offices.manage`. */
export class OfficesService {
  constructor(private readonly db: Database) {}

  /** Every office (public), by sort order, then by name in the first of `languages` it has. */
  list(ctx: CallContext, languages: readonly string[]) {
    return withCommune(this.db, ctx.communeId, (trx) => repo.listOffices(trx, languages));
  }

  create(ctx: CallContext, input: OfficeInput) {
    authorize(ctx.principal, MANAGE);
    const hours = checkHours(input.hours);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const row = await repo.insertOffice(trx, { ...input, hours, communeId: ctx.communeId });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'portal.office.create',
        entityType: 'office',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  }

  update(ctx: CallContext, id: string, changes: Partial<OfficeInput>) {
    authorize(ctx.principal, MANAGE);
    const hours = changes.hours === undefined ? undefined : checkHours(changes.hours);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findOffice(trx, id);
      if (!before) throw notFound();
      if (Object.values(changes).every((v) => v === undefined)) return before;
      const after = await repo.updateOffice(trx, id, { ...changes, hours });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'portal.office.update',
        entityType: 'office',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  remove(ctx: CallContext, id: string) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findOffice(trx, id);
      if (!before) throw notFound();
      await repo.deleteOffice(trx, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, { action: 'portal.office.delete', entityType: 'office', entityId: id, before });
    });
  }
}
