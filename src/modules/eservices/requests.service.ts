import { createHash, randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { hashToken, newToken, sameToken } from '../../platform/auth/tokens.js';
import type { Database } from '../../platform/db/database.js';
import { sqlState } from '../../platform/db/errors.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { FileStore } from '../../platform/files/store.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { hitRateLimit, tooManyRequests } from '../../platform/http/rate-limit.js';
import { type CheckedAttachment, checkAttachment } from './attachment-check.js';
import * as catalog from './catalog.repository.js';
import { type Links, queueCreated } from './notifications.js';
import { FIELD_LIMITS, normalizeAnswers } from './procedure.js';
import { answersOf, definitionOf } from './requests.presenters.js';
import type { Channel, RequestRow } from './requests.repository.js';
import * as repo from './requests.repository.js';
import {
  answerProblems,
  applyChange,
  checkDeclarations,
  complete,
  deposit,
  documentKeys,
  invalidAnswers,
  loadDetail,
  mergedAnswers,
} from './transitions.js';
import { appealProblem, type Clock, certificateProblem, invalidTransition, loadClock, refused } from './workflow.js';

/** A request as a citizen (or an agent at the counter) fills it in. */
export interface RequestInput {
  procedureCode: string;
  language: string;
  applicant: { name: string; email?: string | null; phone?: string | null };
  answers?: Record<string, unknown>;
  consents?: Record<string, boolean>;
  swornStatements?: string[];
}

export interface RequestPatch {
  applicant?: RequestInput['applicant'];
  answers?: Record<string, unknown>;
  consents?: Record<string, boolean>;
  swornStatements?: string[];
}

export interface CallerMeta {
  ip: string;
  idempotencyKey?: string;
}

export interface Upload {
  documentKey: string;
  filename: string;
  declaredType?: string;
  data: Buffer;
}

export interface RequestsOptions {
  links: Links;
  files: FileStore;
  /** Drafts an anonymous caller may create per address per hour (0: no limit). */
  createLimit: number;
  /** Wrong tracking secrets per address per hour before 429. */
  trackingFailureLimit: number;
  /** The clock the services read ("now"); tests set it. */
  now?: () => Date;
}

/**
 * A wrong guess (a tracking secret that does not match, an unknown number or verification code):
 * the caller sees "not found", the address's failures are counted.
 */
export class WrongGuess extends AppError {
  constructor() {
    super('not_found', 404, 'problem.not_found.detail');
  }
}

const WINDOW = 3600;

export function requestHash(input: unknown) {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/**
 * The citizen's side of e-services: a draft filled in and resumed, attachments, the deposit and
 * its receipt, completing a file, an appeal, the certificate of silence; everything through the
 * request's number and its tracking secret (X-Tracking-Token).
 */
export class RequestsService {
  constructor(
    private readonly db: Database,
    private readonly options: RequestsOptions,
  ) {}

  now() {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Runs `fn` after checking the address has not guessed wrong too often; counts a wrong secret
   * (or an unknown verification code) it throws. The counter lives outside the transaction: a
   * refused guess counts even though its transaction rolls back.
   */
  async guarded<T>(ctx: CallContext, ip: string, fn: () => Promise<T>): Promise<T> {
    const key = `eservices.guess:${ctx.communeId}:${ip}`;
    const limit = this.options.trackingFailureLimit;
    const failures = await withCommune(this.db, ctx.communeId, (trx) => repo.failuresSoFar(trx, key, WINDOW));
    if (failures >= limit) throw tooManyRequests(WINDOW);
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WrongGuess) {
        const hit = await hitRateLimit(this.db.kysely, key, limit, WINDOW);
        if (!hit.allowed) throw tooManyRequests(hit.retryAfter);
      }
      throw err;
    }
  }

  /** The request with this number, if `secret` is its tracking secret (else the same "not found" as no request). */
  async tracked(trx: Tx, number: string, secret: string) {
    const r = await repo.findRequestByNumber(trx, number);
    if (!r || !sameToken(r.tokenHash, hashToken(secret).toString('hex'))) throw new WrongGuess();
    return r;
  }

  private async withTracked<T>(
    ctx: CallContext,
    meta: CallerMeta,
    number: string,
    secret: string,
    fn: (trx: Tx, r: RequestRow) => Promise<T>,
  ) {
    return this.guarded(ctx, meta.ip, () =>
      withCommune(this.db, ctx.communeId, async (trx) => {
        const found = await this.tracked(trx, number, secret);
        // Locked: two changes of one request never interleave.
        const r = (await repo.lockRequest(trx, found.id))!;
        return fn(trx, r);
      }),
    );
  }

  /**
   * Creates a draft request for a published procedure. With an Idempotency-Key, a retry of the
   * same creation returns the first answer (and `replayed`).
   */
  async create(ctx: CallContext, input: RequestInput, meta: CallerMeta & { channel: Channel }) {
    const hash = requestHash({ input, channel: meta.channel });
    if (meta.idempotencyKey) {
      const replay = await this.replay(ctx, meta.idempotencyKey, hash);
      if (replay) return replay;
    }
    if (!ctx.principal && this.options.createLimit > 0) {
      const hit = await hitRateLimit(this.db.kysely, `eservices.create:${ctx.communeId}:${meta.ip}`, this.options.createLimit, WINDOW);
      if (!hit.allowed) throw tooManyRequests(hit.retryAfter);
    }
    try {
      return await withCommune(this.db, ctx.communeId, (trx) => this.insert(trx, ctx, input, meta, hash));
    } catch (err) {
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
      if (seen.requestHash !== hash) throw new AppError('idempotency_key_reused', 422, 'problem.eservices.idempotency_key_reused.detail');
      const r = (await repo.findRequest(trx, seen.requestId))!;
      return { detail: await loadDetail(trx, r), secret: seen.secret, replayed: true };
    });
  }

  private async insert(trx: Tx, ctx: CallContext, input: RequestInput, meta: CallerMeta & { channel: Channel }, hash: string) {
    const procedure = await catalog.findProcedureByCode(trx, input.procedureCode);
    if (procedure?.status !== 'published') throw invalid('/body/procedureCode', 'problem.eservices.procedure_unavailable');
    const p = procedure.definition;
    const problems = [...answerProblems(p, input.answers ?? {}, false), ...checkDeclarations(p, input.consents, input.swornStatements)];
    if (problems.length) throw invalidAnswers(problems);
    const secret = newToken(24);
    const now = this.now();
    const commune = await trx.selectFrom('platform.commune').select('timeZone').where('id', '=', ctx.communeId).executeTakeFirstOrThrow();
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: commune.timeZone, year: 'numeric' }).format(now));
    const id = await repo.insertRequest(trx, ctx.communeId, {
      number: await repo.nextNumber(trx, ctx.communeId, year),
      procedureId: procedure.id,
      departmentId: procedure.processingDepartmentId,
      receivingDepartmentId: procedure.receivingDepartmentId,
      channel: meta.channel,
      language: input.language,
      applicantName: input.applicant.name.trim(),
      applicantEmail: input.applicant.email?.toLowerCase() || null,
      applicantPhone: input.applicant.phone || null,
      answers: normalizeAnswers(p.fields, input.answers ?? {}),
      consents: input.consents ?? {},
      swornStatements: input.swornStatements ?? [],
      tokenHash: hashToken(secret).toString('hex'),
      createdBy: ctx.principal?.kind === 'user' ? ctx.principal.id : null,
      createdAt: now,
    });
    const created = (await repo.findRequest(trx, id))!;
    await repo.insertEvent(trx, ctx.communeId, {
      requestId: id,
      status: 'draft',
      action: 'create',
      actorId: ctx.principal?.kind === 'user' ? ctx.principal.id : null,
      actorLabel: ctx.principal ? ctx.actor.label : 'applicant',
      at: now,
    });
    if (meta.idempotencyKey)
      await repo.insertSubmissionKey(trx, ctx.communeId, { key: meta.idempotencyKey, requestHash: hash, requestId: id, secret });
    await recordAudit(trx, ctx.communeId, ctx.actor, {
      action: meta.channel === 'counter' ? 'eservices.request.counter_create' : 'eservices.request.create',
      entityType: 'eservice_request',
      entityId: id,
      after: { number: created.number, procedure: procedure.code, channel: meta.channel },
    });
    await queueCreated(trx, ctx.communeId, created, secret, this.options.links);
    return { detail: await loadDetail(trx, created), secret, replayed: false };
  }

  get(ctx: CallContext, meta: CallerMeta, number: string, secret: string) {
    return this.guarded(ctx, meta.ip, () =>
      withCommune(this.db, ctx.communeId, async (trx) => loadDetail(trx, await this.tracked(trx, number, secret))),
    );
  }

  /** Changes a draft: the applicant, answers (merged; an empty value clears one), consents, sworn statements. */
  patch(ctx: CallContext, meta: CallerMeta, number: string, secret: string, patch: RequestPatch) {
    return this.withTracked(ctx, meta, number, secret, async (trx, before) => {
      if (before.status !== 'draft') throw refused('not_editable', { status: before.status });
      return loadDetail(trx, await this.applyPatch(trx, ctx, before, patch));
    });
  }

  /** Checks and writes a draft's changes (also the counter's). */
  async applyPatch(trx: Tx, ctx: CallContext, before: RequestRow, patch: RequestPatch) {
    const p = definitionOf(before);
    const answers = mergedAnswers(answersOf(before), patch.answers);
    const problems = [
      ...(patch.answers ? answerProblems(p, answers, false) : []),
      ...checkDeclarations(p, patch.consents, patch.swornStatements),
    ];
    if (problems.length) throw invalidAnswers(problems);
    const after = await repo.updateRequest(trx, before.id, {
      ...(patch.applicant
        ? {
            applicantName: patch.applicant.name.trim(),
            applicantEmail: patch.applicant.email?.toLowerCase() || null,
            applicantPhone: patch.applicant.phone || null,
          }
        : {}),
      ...(patch.answers ? { answers: normalizeAnswers(p.fields, answers) } : {}),
      ...(patch.consents ? { consents: patch.consents } : {}),
      ...(patch.swornStatements ? { swornStatements: patch.swornStatements } : {}),
    });
    await recordAudit(trx, ctx.communeId, ctx.actor, {
      action: 'eservices.request.edit',
      entityType: 'eservice_request',
      entityId: before.id,
      // Which parts changed, never their values (answers may hold a CIN).
      after: { changed: Object.keys(patch) },
    });
    return after;
  }

  /** Before an upload is read: the request exists, the secret is right, it takes attachments now. */
  checkUploadAllowed(ctx: CallContext, meta: CallerMeta, number: string, secret: string) {
    return this.guarded(ctx, meta.ip, () =>
      withCommune(this.db, ctx.communeId, async (trx) => {
        const r = await this.tracked(trx, number, secret);
        await checkAttachable(trx, r);
        return r;
      }),
    );
  }

  /** Checks an uploaded file by its content and stores it; the caller records it with `recordAttachment`. */
  async storeUpload(communeId: string, upload: Upload): Promise<{ checked: CheckedAttachment; fileKey: string }> {
    const checked = await checkAttachment(upload.data, upload.filename, upload.declaredType);
    const fileKey = `${communeId}/eservices/${randomUUID()}.${checked.extension}`;
    await this.options.files.put(fileKey, checked.data, checked.contentType);
    return { checked, fileKey };
  }

  addAttachment(ctx: CallContext, meta: CallerMeta, number: string, secret: string, upload: Upload) {
    return this.uploadWith(ctx, upload, (stored) =>
      this.withTracked(ctx, meta, number, secret, (trx, r) => recordAttachment(trx, ctx, r, upload, stored, 'citizen')),
    );
  }

  /** Checks the file and stores it, then `record`s it; a refusal there removes the stored file again. */
  async uploadWith<T>(ctx: CallContext, upload: Upload, record: (stored: { checked: CheckedAttachment; fileKey: string }) => Promise<T>) {
    const stored = await this.storeUpload(ctx.communeId, upload);
    try {
      return await record(stored);
    } catch (err) {
      await this.options.files.remove(stored.fileKey).catch(() => undefined);
      throw err;
    }
  }

  async deleteAttachment(ctx: CallContext, meta: CallerMeta, number: string, secret: string, attachmentId: string) {
    const fileKey = await this.withTracked(ctx, meta, number, secret, async (trx, r) => {
      if (r.status !== 'draft') throw refused('not_editable', { status: r.status });
      const gone = await repo.deleteAttachment(trx, r.id, attachmentId);
      if (!gone) throw notFound();
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.attachment.delete',
        entityType: 'eservice_request',
        entityId: r.id,
        before: { attachmentId, documentKey: gone.documentKey, sha256: gone.sha256 },
      });
      return gone.fileKey;
    });
    // The file goes once its row is gone for good.
    await this.options.files.remove(fileKey).catch(() => undefined);
  }

  /** Deposits the draft: `incomplete` with the missing documents, or `submitted`. A retry of a deposited request returns it unchanged. */
  submit(ctx: CallContext, meta: CallerMeta, number: string, secret: string) {
    return this.withTracked(ctx, meta, number, secret, async (trx, before) => {
      if (before.status !== 'draft') {
        if (before.depositedAt) return loadDetail(trx, before);
        throw invalidTransition(before.status, 'submit');
      }
      const clock = await loadClock(trx, ctx.communeId);
      return loadDetail(trx, await deposit(trx, ctx, before, clock, this.now(), this.options.links));
    });
  }

  /** Completes an incomplete file, or answers a completion request (the clock resumes). */
  complete(ctx: CallContext, meta: CallerMeta, number: string, secret: string, body: { message?: string; swornStatements?: string[] }) {
    return this.withTracked(ctx, meta, number, secret, async (trx, before) => {
      if (before.status !== 'incomplete' && before.status !== 'needs_completion') throw invalidTransition(before.status, 'complete');
      let r = before;
      if (body.swornStatements?.length) {
        const p = definitionOf(r);
        const problems = checkDeclarations(p, undefined, body.swornStatements);
        if (problems.length) throw invalidAnswers(problems);
        r = await repo.updateRequest(trx, r.id, { swornStatements: [...new Set([...r.swornStatements, ...body.swornStatements])] });
      }
      const clock = await loadClock(trx, ctx.communeId);
      return loadDetail(trx, await complete(trx, ctx, r, clock, this.now(), this.options.links, body.message ?? null));
    });
  }

  /** Art 21: an appeal against a refusal, a silence meaning refusal, or an undelivered silence-as-approval. */
  appeal(ctx: CallContext, meta: CallerMeta, number: string, secret: string, reason: string) {
    return this.withTracked(ctx, meta, number, secret, async (trx, before) => {
      const now = this.now();
      const problem = appealProblem(before, now);
      if (problem) throw problem;
      const clock = await loadClock(trx, ctx.communeId);
      const appealAnswerDueAt = clock.after(now, clock.settings.appealAnswerDays);
      const after = await applyChange(
        trx,
        ctx,
        before,
        {
          status: 'appealed',
          action: 'appeal',
          note: reason,
          changes: { appealFiledAt: now, appealReason: reason, appealStatus: 'filed', appealAnswerDueAt },
          citizen: { event: 'appealed', values: { date: appealAnswerDueAt } },
          staff: 'appealed',
          at: now,
        },
        this.options.links,
      );
      return loadDetail(trx, after);
    });
  }

  /** Arts 19–20: records the citizen's request for the governor's certificate of silence, due within the set days. */
  silenceCertificate(ctx: CallContext, meta: CallerMeta, number: string, secret: string) {
    return this.withTracked(ctx, meta, number, secret, async (trx, before) => {
      const now = this.now();
      const problem = certificateProblem(before, now);
      if (problem) throw problem;
      const clock = await loadClock(trx, ctx.communeId);
      const certificateDueAt = clock.after(now, clock.settings.certificateDays);
      const after = await applyChange(
        trx,
        ctx,
        before,
        {
          action: 'silence_certificate',
          changes: { certificateRequestedAt: now, certificateDueAt },
          citizen: { event: 'certificate_requested', values: { date: certificateDueAt } },
          staff: 'certificate_requested',
          at: now,
        },
        this.options.links,
      );
      return loadDetail(trx, after);
    });
  }

  /** One attachment's file, for its applicant. */
  attachmentFile(ctx: CallContext, meta: CallerMeta, number: string, secret: string, attachmentId: string) {
    return this.guarded(ctx, meta.ip, () =>
      withCommune(this.db, ctx.communeId, async (trx) => {
        const r = await this.tracked(trx, number, secret);
        const a = (await repo.listAttachments(trx, r.id)).find((x) => x.id === attachmentId);
        if (!a) throw notFound();
        return a;
      }),
    );
  }

  loadClock(trx: Tx, communeId: string): Promise<Clock> {
    return loadClock(trx, communeId);
  }
}

/** Attachments are taken while the file is being put together: a draft, an incomplete file, a completion request. */
export async function checkAttachable(trx: Tx, r: RequestRow) {
  if (r.status !== 'draft' && r.status !== 'incomplete' && r.status !== 'needs_completion')
    throw refused('not_attachable', { status: r.status });
  if ((await repo.listAttachments(trx, r.id)).length >= FIELD_LIMITS.attachmentsMax)
    throw new AppError('too_many_attachments', 422, 'problem.eservices.too_many_attachments.detail', { max: FIELD_LIMITS.attachmentsMax });
}

/** Records a checked, stored attachment of a locked request (citizen or staff), after checking its key and the request's state again. */
export async function recordAttachment(
  trx: Tx,
  ctx: CallContext,
  r: RequestRow,
  upload: Upload,
  stored: { checked: CheckedAttachment; fileKey: string },
  by: 'citizen' | 'staff',
) {
  if (!documentKeys(definitionOf(r)).has(upload.documentKey)) throw invalid('/body/documentKey', 'problem.field.unknown_reference');
  await checkAttachable(trx, r);
  const row = await repo.insertAttachment(trx, ctx.communeId, {
    requestId: r.id,
    documentKey: upload.documentKey,
    filename: upload.filename,
    contentType: stored.checked.contentType,
    size: stored.checked.data.length,
    sha256: stored.checked.sha256,
    fileKey: stored.fileKey,
    uploadedBy: by,
  });
  await recordAudit(trx, ctx.communeId, ctx.actor, {
    action: 'eservices.attachment.add',
    entityType: 'eservice_request',
    entityId: r.id,
    after: { attachmentId: row.id, documentKey: row.documentKey, contentType: row.contentType, size: row.size, sha256: row.sha256 },
  });
  return row;
}
