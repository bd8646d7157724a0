import { recordAudit } from '../../platform/audit/audit.js';
import { type CommuneRow, findCommuneByCode, findCommuneByHost } from '../../platform/communes/communes.repository.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { StoredImage } from '../../platform/files/uploads.js';
import { type CallContext, cachedCommuneLookup } from '../../platform/http/context.js';
import * as open311 from './open311.repository.js';
import * as repo from './reports.repository.js';

/**
 * What Open311 needs beyond the citizens' reports service: the jurisdiction a client names, the
 * media a client posts with a request, the services' changeset and the public update history.
 */
export class Open311Service {
  private readonly jurisdiction = cachedCommuneLookup(
    async (key) => (await findCommuneByCode(this.db.kysely, key)) ?? (await findCommuneByHost(this.db.kysely, key)),
  );

  constructor(private readonly db: Database) {}

  /** The commune a `jurisdiction_id` names: its code, else one of its host names. */
  findJurisdiction(id: string): Promise<CommuneRow | undefined> {
    const key = id.trim().toLowerCase();
    // A code or a host name; anything else names no commune (and is not kept in the cache).
    if (key.length > 253 || !/^[a-z0-9][a-z0-9.-]*$/.test(key)) return Promise.resolve(undefined);
    return this.jurisdiction(key);
  }

  /** When the service list or a definition last changed (the discovery's changeset). */
  lastServiceChange(ctx: CallContext) {
    return withCommune(this.db, ctx.communeId, (trx) => open311.lastCategoryChange(trx));
  }

  listUpdates(ctx: CallContext, range: { from: Date; to?: Date }, limit: number) {
    return withCommune(this.db, ctx.communeId, (trx) => open311.listPublicUpdates(trx, range, limit));
  }

  /**
   * Records what a client sent with a new request: its photos (checked and stored already),
   * waiting for staff approval like a citizen's, and its `media_url` as a note only staff see (the
   * server never fetches a URL a client gives).
   */
  attachMedia(ctx: CallContext, reportId: string, photos: readonly StoredImage[], mediaUrl: string | null) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      for (const p of photos) {
        const { id } = await repo.insertPhoto(trx, { communeId: ctx.communeId, reportId, ...p, approved: false, uploadedBy: 'citizen' });
        await recordAudit(trx, ctx.communeId, ctx.actor, {
          action: 'reports.photo.add',
          entityType: 'report',
          entityId: reportId,
          after: { photoId: id, ...p },
        });
      }
      if (mediaUrl) {
        const text = `Open311 media_url: ${mediaUrl}`;
        const { id } = await repo.insertUpdate(trx, ctx.communeId, {
          reportId,
          kind: 'internal_note',
          text,
          isPublic: false,
          authorLabel: ctx.actor.label,
        });
        await recordAudit(trx, ctx.communeId, ctx.actor, {
          action: 'reports.report.internal_note',
          entityType: 'report',
          entityId: reportId,
          after: { updateId: id, text },
        });
      }
    });
  }
}
