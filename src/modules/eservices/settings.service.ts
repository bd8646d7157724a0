import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, holds } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, forbidden, unauthenticated } from '../../platform/http/errors.js';
import { type HolidayAdjustment, holidayAdjustmentProblem, moroccanHolidays } from './calendar.js';
import { READ } from './office.service.js';
import { getSettings, listAdjustments, putAdjustment, putSettings, type Settings } from './settings.repository.js';

export const SETTINGS = 'eservices.settings.manage';

/** The commune's interpretations of the law (settings) and its holiday adjustments, for its admins. */
export class SettingsService {
  constructor(private readonly db: Database) {}

  /** Staff who read requests may read the settings their clocks follow; admins change them. */
  private readable(ctx: CallContext) {
    if (!ctx.principal) throw unauthenticated();
    if (!holds(ctx.principal, SETTINGS) && !holds(ctx.principal, READ)) throw forbidden();
  }

  get(ctx: CallContext) {
    this.readable(ctx);
    return withCommune(this.db, ctx.communeId, (trx) => getSettings(trx));
  }

  put(ctx: CallContext, s: Settings) {
    authorize(ctx.principal, SETTINGS);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await getSettings(trx);
      await putSettings(trx, ctx.communeId, s);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.settings.update',
        entityType: 'eservice_settings',
        entityId: null,
        before,
        after: s,
      });
      return getSettings(trx);
    });
  }

  /** The public holidays of a year, with the commune's adjustments applied (and marked). */
  holidays(ctx: CallContext, year: number) {
    this.readable(ctx);
    return withCommune(this.db, ctx.communeId, async (trx) => moroccanHolidays(year, await listAdjustments(trx)));
  }

  /**
   * Moves an Islamic holiday of one Hijri year to its official date. Deadlines already computed
   * keep their dates; the ones computed from now on use the new holiday.
   */
  adjust(ctx: CallContext, a: HolidayAdjustment) {
    authorize(ctx.principal, SETTINGS);
    const problem = holidayAdjustmentProblem(a);
    if (problem) {
      const pointer = problem === 'unknown_holiday' ? '/body/holiday' : problem === 'hijri_year' ? '/body/hijriYear' : '/body/date';
      throw new AppError('invalid_adjustment', 422, 'problem.eservices.invalid_adjustment.detail', {}, [
        { pointer, key: `problem.eservices.adjustment_${problem}` },
      ]);
    }
    return withCommune(this.db, ctx.communeId, async (trx) => {
      await putAdjustment(trx, ctx.communeId, a);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.holiday.adjust',
        entityType: 'eservice_holiday',
        entityId: `${a.holiday}:${a.hijriYear}`,
        after: a,
      });
      return moroccanHolidays(Number(a.date.slice(0, 4)), await listAdjustments(trx));
    });
  }
}
