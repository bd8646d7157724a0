import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import type { CallContext } from '../../platform/http/context.js';
import { notFound } from '../../platform/http/errors.js';
import * as repo from './announcements.repository.js';
import type { AnnouncementStatus } from './portal.schemas.js';

const MANAGE = 'portal.announcements.manage';

export interface AnnouncementInput {
  title: Multilingual;
  body: Multilingual;
  status: AnnouncementStatus;
}

interface Page {
  limit: number;
  offset: number;
}

/** The audit action for a change of status: publishing and archiving are named, the rest is an update. */
function actionFor(before: AnnouncementStatus, after: AnnouncementStatus) {
  if (after !== before && after === 'published') return 'portal.announcement.publish';
  if (after !== before && after === 'archived') return 'portal.announcement.archive';
  return 'portal.announcement.update';
}

/**
 * News the commune publishes on its portal. Anyone may read what is published; staff holding
 * `portal.announcements.manage` write drafts, publish and archive. The first publication dates it.
 */
export class AnnouncementsService {
  constructor(private readonly db: Database) {}

  /** Published announcements, newest publication first (public). */
  listPublished(ctx: CallContext, page: Page) {
    return withCommune(this.db, ctx.communeId, (trx) => repo.listAnnouncements(trx, { ...page, status: 'published', order: 'published' }));
  }

  /** One published announcement (public); a draft or an archived one is "not found". */
  async getPublished(ctx: CallContext, id: string) {
    const row = await withCommune(this.db, ctx.communeId, (trx) => repo.findAnnouncement(trx, id));
    if (row?.status !== 'published') throw notFound();
    return row;
  }

  /** Every announcement (or those of one status), last changed first, for the staff who manage them. */
  listForStaff(ctx: CallContext, filter: Page & { status?: AnnouncementStatus }) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, (trx) => repo.listAnnouncements(trx, { ...filter, order: 'updated' }));
  }

  create(ctx: CallContext, input: AnnouncementInput) {
    const principal = ctx.principal;
    authorize(principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const row = await repo.insertAnnouncement(trx, {
        communeId: ctx.communeId,
        ...input,
        publishedAt: input.status === 'published' ? new Date() : null,
        authorId: principal.kind === 'user' ? principal.id : null,
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'portal.announcement.create',
        entityType: 'announcement',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  }

  update(ctx: CallContext, id: string, changes: Partial<AnnouncementInput>) {
    authorize(ctx.principal, MANAGE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findAnnouncement(trx, id);
      if (!before) throw notFound();
      if (changes.title === undefined && changes.body === undefined && changes.status === undefined) return before;
      const status = changes.status ?? before.status;
      const after = await repo.updateAnnouncement(trx, id, {
        ...changes,
        // Dated by its first publication: archiving and publishing again keep that date.
        ...(status === 'published' && before.publishedAt === null ? { publishedAt: new Date() } : {}),
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: actionFor(before.status, status),
        entityType: 'announcement',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }
}
