import { randomBytes } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, reaches } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import type { FileStore } from '../../platform/files/store.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { catalog as messages } from '../../platform/i18n/index.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { sha256 } from './attachment-check.js';
import type { Links } from './notifications.js';
import { type DocumentData, documentPdf, type PdfCommune, type ReceiptData, receiptPdf } from './pdfs.js';
import type { Text } from './procedure.js';
import { definitionOf, missingOf, type RequestDetail } from './requests.presenters.js';
import type { DocumentRow, RequestRow } from './requests.repository.js';
import * as repo from './requests.repository.js';
import { type RequestsService, WrongGuess } from './requests.service.js';
import { generateSigningKey, signPdf } from './signing.js';
import { applyChange } from './transitions.js';

export const REVOKE = 'eservices.documents.revoke';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A verification code: 12 base32 characters (60 random bits), printed on the document and in its QR code. */
export function newVerificationCode(): string {
  const bytes = randomBytes(8);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let code = '';
  for (let i = 0; i < 12; i++) code += BASE32[Number((bits >> BigInt(5 * i)) & 31n)];
  return code;
}

/** A message of the server's catalogs in the languages a document is written in. */
function textOf(key: string): Text {
  const out: Text = {};
  for (const l of ['ar', 'fr', 'en'] as const) {
    const v = messages(l)[key];
    if (v) out[l] = v;
  }
  return out;
}

export const verifyUrl = (links: Links, code: string) => `${links.publicUrl}/verify/${code}`;

async function communeOf(trx: Tx, communeId: string): Promise<{ commune: PdfCommune; timeZone: string }> {
  const c = await trx
    .selectFrom('platform.commune')
    .select(['code', 'name', 'timeZone'])
    .where('id', '=', communeId)
    .executeTakeFirstOrThrow();
  return { commune: { code: c.code, name: c.name as Text, province: null }, timeZone: c.timeZone };
}

/** Issued documents (signed PDFs), their verification and revocation, the commune's signing keys, receipts. */
export class DocumentsService {
  constructor(
    private readonly db: Database,
    readonly files: FileStore,
    private readonly links: Links,
    private readonly requests: RequestsService,
    private readonly secrets: SecretBox,
  ) {}

  /** The commune's current signing key, made (and audited) the first time one is needed; its private half is sealed at rest. */
  async signingKey(trx: Tx, ctx: Pick<CallContext, 'communeId' | 'actor'>) {
    const current = await repo.currentSigningKey(trx);
    if (current) return { ...current, privateKeyPem: this.secrets.open(current.privateKeyPem) };
    const key = generateSigningKey();
    await repo.insertSigningKey(trx, ctx.communeId, { ...key, privateKeyPem: this.secrets.seal(key.privateKeyPem) });
    await recordAudit(trx, ctx.communeId, ctx.actor, {
      action: 'eservices.signing_key.create',
      entityType: 'eservice_signing_key',
      entityId: key.fingerprint,
      after: { fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem },
    });
    return key;
  }

  /**
   * Issues the decision's document: the PDF in Arabic and French with a verification code and its
   * QR code, signed with the commune's Ed25519 key, stored, recorded; the request becomes `issued`.
   */
  async issue(trx: Tx, ctx: CallContext, before: RequestRow, holderVisible: boolean, now: Date): Promise<RequestRow> {
    const key = await this.signingKey(trx, ctx);
    const p = definitionOf(before);
    const { commune, timeZone } = await communeOf(trx, ctx.communeId);
    const code = newVerificationCode();
    const title: Text = p.issuedDocument?.title ?? p.name;
    const decision = textOf(`eservices.decision.${before.decisionOutcome ?? 'approved'}`);
    const data: DocumentData = {
      commune,
      code,
      title,
      procedure: { code: before.procedureCode, name: p.name },
      requestNumber: before.number,
      department: (before.departmentName ?? null) as Text | null,
      holder: holderVisible ? before.applicantName : null,
      decision,
      issuedAt: now,
      publicUrl: this.links.publicUrl,
      keyFingerprint: key.fingerprint,
      timeZone,
    };
    const signed = signPdf(await documentPdf(data), key, {
      code,
      title,
      commune: { code: commune.code, name: commune.name },
      procedure: { code: before.procedureCode, name: p.name },
      issuedAt: now.toISOString(),
      holder: holderVisible ? before.applicantName : null,
    });
    const fileKey = `${ctx.communeId}/eservices/documents/${code}.pdf`;
    await this.files.put(fileKey, signed, 'application/pdf');
    await repo.insertDocument(trx, ctx.communeId, {
      requestId: before.id,
      code,
      title,
      decision,
      holderName: before.applicantName,
      holderVisible,
      fileKey,
      sha256: sha256(signed),
      keyFingerprint: key.fingerprint,
      issuedBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
      issuedAt: now,
    });
    return applyChange(
      trx,
      ctx,
      before,
      { status: 'issued', action: 'issue', changes: {}, citizen: { event: 'issued', values: { code } }, at: now },
      this.links,
    );
  }

  /** The receipt (récépissé, art 10) of a deposited request, in Arabic or French. */
  async receipt(ctx: CallContext, d: RequestDetail, lang: 'ar' | 'fr'): Promise<Buffer> {
    const r = d.request;
    if (!r.depositedAt) throw new AppError('not_deposited', 409, 'problem.eservices.not_deposited.detail');
    const { commune, timeZone } = await withCommune(this.db, ctx.communeId, (trx) => communeOf(trx, ctx.communeId));
    return receiptPdf(receiptData(d, commune, timeZone, this.links), lang);
  }

  /** The signed PDF of an issued document of this request. */
  documentOf(d: RequestDetail, code: string): DocumentRow {
    const doc = d.documents.find((x) => x.code === code);
    if (!doc) throw notFound();
    return doc;
  }

  /** What /verify/{code} shows: authentic or revoked, by whom and when, the SHA-256; the holder only if they chose. */
  verify(ctx: CallContext, ip: string, code: string) {
    return this.requests.guarded(ctx, ip, () =>
      withCommune(this.db, ctx.communeId, async (trx) => {
        const doc = /^[A-Z2-7]{12}$/.test(code) ? await repo.findDocumentByCode(trx, code) : undefined;
        if (!doc) throw new WrongGuess();
        const r = (await repo.findRequest(trx, doc.requestId))!;
        const commune = await trx.selectFrom('platform.commune').select(['name']).where('id', '=', ctx.communeId).executeTakeFirstOrThrow();
        return presentVerification(doc, r, commune.name as Text);
      }),
    );
  }

  signingKeys(ctx: CallContext) {
    return withCommune(this.db, ctx.communeId, (trx) => repo.listSigningKeys(trx));
  }

  /** Revokes an issued document (the verification page says so from now on); the holder is told. */
  revoke(ctx: CallContext, code: string, reason: string) {
    const principal = ctx.principal;
    authorize(principal, REVOKE);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const doc = await repo.findDocumentByCode(trx, code);
      const r = doc && (await repo.lockRequest(trx, doc.requestId));
      if (!doc || !r || !reaches(principal, [r.departmentPath])) throw notFound();
      if (doc.revokedAt) throw new AppError('already_revoked', 409, 'problem.eservices.already_revoked.detail');
      await repo.revokeDocument(trx, code, reason, principal.kind === 'user' ? principal.id : null);
      await applyChange(
        trx,
        ctx,
        r,
        { action: 'revoke_document', note: reason, citizen: { event: 'document_revoked', values: { code, reasons: reason } } },
        this.links,
      );
      const commune = await trx.selectFrom('platform.commune').select(['name']).where('id', '=', ctx.communeId).executeTakeFirstOrThrow();
      return presentVerification((await repo.findDocumentByCode(trx, code))!, r, commune.name as Text);
    });
  }
}

export function presentVerification(doc: DocumentRow, r: RequestRow, commune: Text) {
  return {
    code: doc.code,
    status: doc.revokedAt ? ('revoked' as const) : ('valid' as const),
    title: JSON.parse(doc.titleJson) as Text,
    procedure: definitionOf(r).name,
    commune,
    department: (r.departmentName ?? {}) as Multilingual,
    issuedAt: doc.issuedAt.toISOString(),
    sha256: doc.sha256,
    holder: doc.holderVisible ? doc.holderName : null,
    decision: doc.decisionJson ? (JSON.parse(doc.decisionJson) as Text) : null,
    revokedAt: doc.revokedAt ? doc.revokedAt.toISOString() : null,
    revocationReason: doc.revocationReason,
    keyFingerprint: doc.keyFingerprint,
  };
}

/** What the receipt shows: "file deposited" with the answer's due date once the file is complete, else "file being deposited" with the missing documents. */
function receiptData(d: RequestDetail, commune: PdfCommune, timeZone: string, links: Links): ReceiptData {
  const r = d.request;
  const p = definitionOf(r);
  const complete = r.completeAt !== null;
  return {
    commune,
    number: r.number,
    depositedAt: (complete ? r.completeAt : r.depositedAt) ?? new Date(),
    procedure: {
      code: r.procedureCode,
      name: p.name,
      deadline: { days: r.deadlineDays ?? p.deadline.days, kind: r.deadlineKind ?? p.deadline.kind },
      silence: r.silence ?? p.silence,
    },
    applicantName: r.applicantName,
    channel: r.channel,
    department: (r.departmentName ?? null) as Text | null,
    status: complete ? 'submitted' : 'incomplete',
    deadlineAt: complete ? r.deadlineAt : null,
    missingDocuments: complete ? [] : missingOf(r),
    completionDueAt: complete ? null : r.completionDueAt,
    publicUrl: links.publicUrl,
    timeZone,
  };
}
