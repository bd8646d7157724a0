import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { invalid, notFound } from '../../platform/http/errors.js';
import * as repo from './alarms.repository.js';
import type { DetectionSettings } from './detection.js';
import { loadSettings } from './detection.service.js';

export const ALARMS_READ = 'lighting.alarms.read';
export const DETECTION_MANAGE = 'lighting.detection.manage';

/** The alarms detection raised (read-only: they open and clear with the readings) and the thresholds. */
export class AlarmsService {
  constructor(private readonly db: Database) {}

  list(ctx: CallContext, filter: repo.AlarmFilter) {
    authorize(ctx.principal, ALARMS_READ);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listAlarms(trx, filter));
  }

  get(ctx: CallContext, id: string) {
    authorize(ctx.principal, ALARMS_READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const alarm = await repo.findAlarm(trx, id);
      if (!alarm) throw notFound();
      return alarm;
    });
  }

  settings(ctx: CallContext) {
    authorize(ctx.principal, ALARMS_READ);
    return withCommune(this.db, ctx.communeId, async (trx) => ({
      ...(await loadSettings(trx)),
      isDefault: !(await repo.findSettings(trx)),
    }));
  }

  updateSettings(ctx: CallContext, values: DetectionSettings) {
    authorize(ctx.principal, DETECTION_MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      if (values.departmentId && !(await repo.departmentExists(trx, values.departmentId))) {
        throw invalid('/body/departmentId', 'problem.field.unknown_reference');
      }
      const before = await loadSettings(trx);
      const { communeId: _c, updatedAt: _u, ...after } = await repo.upsertSettings(trx, ctx.communeId, values);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.detection_settings.update',
        entityType: 'lighting_detection_settings',
        entityId: ctx.communeId,
        before,
        after,
      });
      return { ...after, isDefault: false };
    });
  }
}
