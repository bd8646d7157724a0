import { createHash } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { hashToken, newToken, sameToken } from '../../platform/auth/tokens.js';
import type { Database } from '../../platform/db/database.js';
import { sqlState } from '../../platform/db/errors.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { hitRateLimit, tooManyRequests } from '../../platform/http/rate-limit.js';
import { checkAnswers } from './answers.js';
import * as categories from './categories.repository.js';
import { type Links, queueConfirmation, queueUpdate } from './notifications.js';
import type { Point, ReportRow, Source, Status } from './reports.repository.js';
import * as repo from './reports.repository.js';

/** "Is it one of these?": open reports of the same category this close are shown before sending. */
export const NEARBY_METRES = 50;
const NEARBY_MAX = 10;
/** Statuses from which a citizen may say "not fixed" and reopen the report. */
const REOPENABLE: readonly Status[] = ['fixed', 'closed', 'not_fixed'];

export interface Submission {
  category: string;
  location?: Point | null;
  address?: string | null;
  districtId?: string | null;
  description: string;
  attributes?: Record<string, unknown>;
  contact?: { name?: string | null; email?: string | null; phone?: string | null } | null;
  locale: string;
}

export interface SubmissionMeta {
  source: Source;
  apiKeyId?: string | null;
  idempotencyKey?: string;
  ip: string;
  /** A device identifier the app sends (X-Device-Id), for the per-device limit. */
  deviceId?: string;
  /** Field names as the caller sent them, for error pointers (Open311 uses lat/long, service_code…). */
  pointers?: Partial<Record<'category' | 'location' | 'address' | 'attributes' | 'districtId', string>>;
}

export interface ReportsOptions {
  links: Links;
  rateLimit: number;
  editMinutes: number;
}

export interface ReportDetail {
  report: ReportRow;
  updates: Awaited<ReturnType<typeof repo.listUpdates>>;
  photos: Awaited<ReturnType<typeof repo.listPhotos>>;
}

const fieldError = (pointer: string, key: string) => new AppError('validation_failed', 400, undefined, {}, [{ pointer, key }]);
export const outsideCommune = (pointer: string) =>
  new AppError('outside_commune', 422, 'problem.outside_commune.detail', {}, [{ pointer, key: 'problem.outside_commune.title' }]);

/** What another module learns of a newly filed report. */
export interface FiledReport {
  id: string;
  groupCode: string | null;
  lat: number | null;
  lon: number | null;
}
export type ReportFiledListener = (trx: Tx, ctx: CallContext, report: FiledReport) => Promise<void>;
const filedListeners = new Map<string, ReportFiledListener>();

/**
 * Another module's reaction to a new report, under its name, inside the filing transaction
 * (e.g. lighting links a dark-lamp report to the work order its telemetry already opened).
 */
export function onReportFiled(name: string, listener: ReportFiledListener) {
  filedListeners.set(name, listener);
}

function requestHash(s: Submission) {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex');
}

/** The citizen's side of reports: file one, check for duplicates, follow, track with the secret link, edit, reopen. */
export class ReportsService {
  constructor(
    private readonly db: Database,
    private readonly options: ReportsOptions,
  ) {}

  /** The categories a citizen may report in. */
  listCategories(ctx: CallContext) {
    return withCommune(this.db, ctx.communeId, (trx) => categories.listCategories(trx, { enabledOnly: true }));
  }

  listDistricts(ctx: CallContext) {
    return withCommune(this.db, ctx.communeId, (trx) => repo.listDistricts(trx));
  }

  /** Open reports of a category near a point, nearest first, only in public categories. */
  nearby(ctx: CallContext, categoryCode: string, p: Point) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const category = await categories.findCategoryByCode(trx, categoryCode);
      if (!category?.enabled) throw fieldError('/query/category', 'problem.field.unknown_reference');
      // Said here already, before the citizen writes the rest of the report.
      if (!(await repo.isInsideCommune(trx, ctx.communeId, p))) throw outsideCommune('/query/lat');
      if (!category.isPublic) return [];
      return repo.findNearbyOpen(trx, category.id, p, NEARBY_METRES, NEARBY_MAX);
    });
  }

  private async limit(ctx: CallContext, meta: SubmissionMeta) {
    // Staff and machine clients (Open311 keys) are accountable by name; the limit is for anonymous callers.
    if (ctx.principal || this.options.rateLimit === 0) return;
    const keys = [`report:${ctx.communeId}:ip:${meta.ip}`];
    if (meta.deviceId) keys.push(`report:${ctx.communeId}:device:${meta.deviceId}`);
    for (const key of keys) {
      const hit = await hitRateLimit(this.db.kysely, key, this.options.rateLimit, 3600);
      if (!hit.allowed) throw tooManyRequests(hit.retryAfter);
    }
  }

  /**
   * Files a report. With an Idempotency-Key, a retry of the same submission returns the first
   * answer (and `replayed`), a different submission under the same key is refused.
   */
  async submit(
    ctx: CallContext,
    input: Submission,
    meta: SubmissionMeta,
  ): Promise<{ detail: ReportDetail; secret: string; replayed: boolean }> {
    const hash = requestHash(input);
    if (meta.idempotencyKey) {
      const replay = await this.replay(ctx, meta.idempotencyKey, hash);
      if (replay) return replay;
    }
    await this.limit(ctx, meta);
    try {
      return await withCommune(this.db, ctx.communeId, (trx) => this.insert(trx, ctx, input, meta, hash));
    } catch (err) {
      // Two copies of one retried submission raced: the first committed; answer as it did.
      if (meta.idempotencyKey && sqlState(err) === '23505') {
        const replay = await this.replay(ctx, meta.idempotencyKey, hash);
        if (replay) return replay;
      }
      throw err;
    }
  }

  private replay(ctx: CallContext, key: string, hash: string) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const seen = await repo.findSubmissionKey(trx, key);
      if (!seen) return undefined;
      if (seen.requestHash !== hash) throw new AppError('idempotency_key_reused', 422, 'problem.idempotency_key_reused.detail');
      return {
        detail: await this.details(trx, (await repo.findReport(trx, seen.reportId))!, { citizen: true }),
        secret: seen.secret,
        replayed: true,
      };
    });
  }

  private async insert(trx: Tx, ctx: CallContext, input: Submission, meta: SubmissionMeta, hash: string) {
    const at = (field: keyof NonNullable<SubmissionMeta['pointers']>) => meta.pointers?.[field] ?? `/body/${field}`;
    const category = await categories.findCategoryByCode(trx, input.category);
    if (!category?.enabled) throw fieldError(at('category'), 'problem.field.unknown_reference');
    const location = input.location ?? null;
    const address = input.address?.trim() || null;
    if (!location && !address) {
      throw new AppError('validation_failed', 400, 'problem.place_required.detail', {}, [
        { pointer: at('location'), key: 'problem.field.required' },
      ]);
    }
    if (location && !(await repo.isInsideCommune(trx, ctx.communeId, location))) throw outsideCommune(at('location'));
    if (input.districtId && !(await repo.findDistrict(trx, input.districtId)))
      throw fieldError(at('districtId'), 'problem.field.unknown_reference');
    const { answers, errors } = checkAnswers(category.attributes, input.attributes ?? {}, at('attributes'));
    if (errors.length) throw new AppError('validation_failed', 400, undefined, {}, errors);

    const secret = newToken(24);
    const now = new Date();
    const contact = input.contact ?? {};
    const id = await repo.insertReport(trx, ctx.communeId, {
      categoryId: category.id,
      location,
      address,
      districtId: input.districtId ?? null,
      description: input.description,
      attributes: answers,
      contactName: contact.name?.trim() || null,
      contactEmail: contact.email?.toLowerCase() || null,
      contactPhone: contact.phone || null,
      contactLocale: input.locale,
      secretHash: hashToken(secret).toString('hex'),
      source: meta.source,
      apiKeyId: meta.apiKeyId ?? null,
      dueAt: new Date(now.getTime() + category.targetHours * 3_600_000),
      editableUntil: new Date(now.getTime() + this.options.editMinutes * 60_000),
    });
    const created = await repo.insertUpdate(trx, ctx.communeId, { reportId: id, kind: 'created', status: 'open', isPublic: true });
    if (meta.idempotencyKey)
      await repo.insertSubmissionKey(trx, ctx.communeId, { key: meta.idempotencyKey, requestHash: hash, reportId: id, secret });
    const report = (await repo.findReport(trx, id))!;
    await recordAudit(trx, ctx.communeId, ctx.actor, {
      action: 'reports.report.create',
      entityType: 'report',
      entityId: id,
      after: auditView(report),
    });
    await queueConfirmation(trx, ctx.communeId, report, secret, this.options.links);
    for (const listener of filedListeners.values()) {
      await listener(trx, ctx, { id, groupCode: report.groupCode, lat: report.lat, lon: report.lon });
    }
    // A new report's history is its creation, and it has no photo yet: nothing more to read.
    const updates = [
      { ...created, reportId: id, kind: 'created' as const, status: 'open' as const, text: null, isPublic: true, authorLabel: null },
    ];
    return { detail: { report, updates, photos: [] }, secret, replayed: false };
  }

  /** Public reports (public categories), for the map and the list. */
  listPublic(ctx: CallContext, filter: Omit<repo.ReportFilter, 'publicOnly' | 'departmentPath'>) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const { rows, total } = await repo.listReports(trx, { ...filter, publicOnly: true });
      const photos = await repo.listPhotos(
        trx,
        rows.map((r) => r.id),
        { approvedOnly: true },
      );
      return { rows, total, photos };
    });
  }

  /** One public report with its public history and approved photos. */
  getPublic(ctx: CallContext, number: string) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const report = await repo.findReportByNumber(trx, number);
      if (!report?.isPublic) throw notFound();
      return this.details(trx, report, { citizen: false });
    });
  }

  private async details(trx: Tx, report: ReportRow, options: { citizen: boolean }): Promise<ReportDetail> {
    return {
      report,
      updates: await repo.listUpdates(trx, [report.id], { publicOnly: true }),
      // The citizen sees their own photos before approval (but not those staff hid).
      photos: (await repo.listPhotos(trx, [report.id], { approvedOnly: !options.citizen })).filter((p) => !p.hidden),
    };
  }

  /** Finds a report by number and checks the secret of its tracking link (a wrong secret looks like no report). */
  private async tracked(trx: Tx, number: string, secret: string) {
    const report = await repo.findReportByNumber(trx, number);
    if (!report || !sameToken(report.secretHash, hashToken(secret).toString('hex'))) throw notFound();
    return report;
  }

  /** The citizen's own view through the secret link: everything public, their photos, their contact details. */
  track(ctx: CallContext, number: string, secret: string) {
    return withCommune(this.db, ctx.communeId, async (trx) =>
      this.details(trx, await this.tracked(trx, number, secret), { citizen: true }),
    );
  }

  /**
   * The citizen's changes: the text and answers while the report is new (a short while after
   * sending, before staff act on it); their contact details may be removed at any time.
   */
  editByCitizen(
    ctx: CallContext,
    number: string,
    secret: string,
    changes: { description?: string; attributes?: Record<string, unknown>; removeContact?: boolean },
  ) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.tracked(trx, number, secret);
      const editsText = changes.description !== undefined || changes.attributes !== undefined;
      if (editsText) this.checkEditable(before);
      let answers: repo.Answers | undefined;
      if (changes.attributes !== undefined) {
        const category = (await categories.findCategory(trx, before.categoryId))!;
        const checked = checkAnswers(category.attributes, changes.attributes, '/body/attributes');
        if (checked.errors.length) throw new AppError('validation_failed', 400, undefined, {}, checked.errors);
        answers = checked.answers;
      }
      const after = await repo.updateReport(trx, before.id, {
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(answers !== undefined ? { attributes: answers } : {}),
        ...(changes.removeContact ? { contactName: null, contactEmail: null, contactPhone: null } : {}),
      });
      if (changes.removeContact)
        await repo.insertUpdate(trx, ctx.communeId, {
          reportId: before.id,
          kind: 'citizen',
          text: null,
          isPublic: false,
          authorLabel: 'citizen',
        });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: changes.removeContact ? 'reports.report.remove_contact' : 'reports.report.citizen_edit',
        entityType: 'report',
        entityId: before.id,
        before: auditView(before),
        after: auditView(after),
      });
      return this.details(trx, after, { citizen: true });
    });
  }

  private checkEditable(report: ReportRow) {
    if (report.status !== 'open' || report.editableUntil < new Date())
      throw new AppError('edit_window_closed', 409, 'problem.edit_window_closed.detail');
  }

  /** Checks the caller may add photos (the citizen within the edit window, up to the limit) before the upload is read. */
  checkPhotosAllowed(ctx: CallContext, number: string, secret: string, max: number) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const report = await this.tracked(trx, number, secret);
      this.checkEditable(report);
      if ((await repo.countPhotos(trx, report.id)) >= max)
        throw new AppError('too_many_photos', 422, 'problem.photos.too_many.detail', { max });
      return report;
    });
  }

  /** Records the citizen's photos (already checked and stored), waiting for staff approval. */
  addCitizenPhotos(
    ctx: CallContext,
    number: string,
    secret: string,
    photos: { fileKey: string; thumbKey: string; width: number; height: number; bytes: number }[],
    max: number,
  ) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const report = await this.tracked(trx, number, secret);
      this.checkEditable(report);
      if ((await repo.countPhotos(trx, report.id)) + photos.length > max)
        throw new AppError('too_many_photos', 422, 'problem.photos.too_many.detail', { max });
      for (const p of photos) {
        const { id } = await repo.insertPhoto(trx, {
          communeId: ctx.communeId,
          reportId: report.id,
          ...p,
          approved: false,
          uploadedBy: 'citizen',
        });
        await recordAudit(trx, ctx.communeId, ctx.actor, {
          action: 'reports.photo.add',
          entityType: 'report',
          entityId: report.id,
          after: { photoId: id, ...p },
        });
      }
      return this.details(trx, report, { citizen: true });
    });
  }

  /** "Not fixed": the citizen reopens a resolved report, with what is still wrong. */
  reopen(ctx: CallContext, number: string, secret: string, reason: string) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await this.tracked(trx, number, secret);
      if (!REOPENABLE.includes(before.status)) {
        throw new AppError('invalid_transition', 409, 'problem.transition.detail', { from: before.status, to: 'open' });
      }
      const after = await repo.updateReport(trx, before.id, { status: 'open', resolvedAt: null, reopened: true });
      await repo.insertUpdate(trx, ctx.communeId, {
        reportId: before.id,
        kind: 'citizen',
        status: 'open',
        text: reason,
        isPublic: true,
        authorLabel: 'citizen',
      });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'reports.report.reopen',
        entityType: 'report',
        entityId: before.id,
        before: auditView(before),
        after: auditView(after),
      });
      await queueUpdate(trx, ctx.communeId, after, reason, this.options.links);
      return this.details(trx, after, { citizen: true });
    });
  }

  /** Follow an existing report (instead of filing a duplicate): its public updates come by email. */
  follow(ctx: CallContext, number: string, email: string, locale: string) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const report = await repo.findReportByNumber(trx, number);
      if (!report?.isPublic) throw notFound();
      await repo.addFollower(trx, ctx.communeId, report.id, email.toLowerCase(), locale);
      await recordAudit(trx, ctx.communeId, ctx.actor, { action: 'reports.report.follow', entityType: 'report', entityId: report.id });
      return report;
    });
  }

  /** A photo file the caller may see: approved and not hidden, or the citizen's own through the secret. */
  photo(ctx: CallContext, number: string, photoId: string, secret: string | undefined) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const report = secret ? await this.tracked(trx, number, secret) : await repo.findReportByNumber(trx, number);
      if (!report || (!secret && !report.isPublic)) throw notFound();
      const photo = await repo.findPhoto(trx, report.id, photoId);
      if (!photo || photo.hidden || (!secret && !photo.approved)) throw notFound();
      return photo;
    });
  }
}

/** A report as the audit log keeps it: personal details are not copied there. */
export function auditView(r: ReportRow) {
  const { contactName, contactEmail, contactPhone, secretHash, ...rest } = r;
  return { ...rest, hasContact: Boolean(contactName || contactEmail || contactPhone) };
}
