import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  type Answers,
  BERKANE_PROCEDURES,
  countProcedures,
  type Field,
  findProcedureByCode,
  foldsOf,
  insertEvent,
  insertProcedure,
  insertRequest,
  loadClock,
  nextNumber,
  type ProcedureDefinition,
  prepareProcedure,
  SEED_DEPARTMENTS,
  updateRequest,
} from '../modules/eservices/index.js';
import type { Actor } from '../platform/audit/audit.js';
import { recordAudit } from '../platform/audit/audit.js';
import { hashToken } from '../platform/auth/tokens.js';
import type { Tx } from '../platform/db/tenant.js';
import type { Multilingual } from '../platform/db/types.js';

/** The departments e-services need beyond the base chart, with the department each sits under. */
export const ESERVICES_DEPARTMENTS = {
  urbanisme: { parent: 'direction', name: { ar: 'قسم التعمير', fr: "Division de l'urbanisme", en: 'Urban planning division' } },
  affaires_economiques: {
    parent: 'administratif',
    name: { ar: 'مصلحة الشؤون الاقتصادية', fr: 'Service des affaires économiques', en: 'Economic affairs service' },
  },
  legalisation: {
    parent: 'administratif',
    name: {
      ar: 'مكتب تصحيح الإمضاءات ومطابقة النسخ',
      fr: 'Bureau de légalisation des signatures et de certification des copies',
      en: 'Signature legalization office',
    },
  },
} satisfies Record<string, { parent: string; name: Multilingual }>;

/**
 * The tracking secret of every demo request, published on purpose (like the demo password): the
 * demo's requests can be opened on the portal with it. Real requests each get a random secret.
 */
export const DEMO_TRACKING_TOKEN = 'berkane-demo-tracking-2026';

const DEMO_APPLICANT = 'مواطن تجريبي — Demo';
const DEMO_TEXT = 'بيانات تجريبية — données de démonstration';
const DAY = 86_400_000;

/** Departments the fiches name that the commune lacks, created under their parent (or at the root). */
async function ensureDepartments(trx: Tx, communeId: string, actor: Actor) {
  const existing = new Map(
    (await trx.selectFrom('platform.department').select(['id', 'code', 'path']).execute()).map((d) => [d.code, d] as const),
  );
  const needed = new Set(BERKANE_PROCEDURES.flatMap((p) => [p.receivingDepartment, p.processingDepartment]));
  let created = false;
  for (const code of needed) {
    if (existing.has(code)) continue;
    const known = (ESERVICES_DEPARTMENTS as Record<string, { parent: string; name: Multilingual }>)[code];
    const name = known?.name ?? (SEED_DEPARTMENTS as Record<string, Multilingual>)[code] ?? { fr: code };
    const parent = existing.get(known?.parent ?? 'direction') ?? null;
    const id = randomUUID();
    const path = `${parent ? parent.path : '/'}${id}/`;
    await trx
      .insertInto('platform.department')
      .values({ communeId, id, code, name: JSON.stringify(name), parentId: parent?.id ?? null, path })
      .execute();
    await recordAudit(trx, communeId, actor, {
      action: 'platform.department.create',
      entityType: 'department',
      entityId: id,
      after: { code, name },
    });
    existing.set(code, { id, code, path });
    created = true;
  }
  return created;
}

/** Demonstration answers to a fiche's fields: made-up values of the right type, never a real person's. */
function demoAnswers(p: ProcedureDefinition, place: { lat: number; lon: number }): Answers {
  const answers: Answers = {};
  const value = (f: Field): Answers[string] | undefined => {
    switch (f.type) {
      case 'text':
      case 'textarea':
        return DEMO_TEXT.slice(0, f.maxLength ?? 300);
      case 'number':
        return typeof f.min === 'number' ? Math.max(f.min, 1) : 1;
      case 'date':
        return typeof f.min === 'string' ? f.min : '2026-01-15';
      case 'choice':
        return f.options?.[0]?.key;
      case 'cin':
        // A made-up number in the right form.
        return 'ZZ000000';
      case 'address':
        return { ...place, text: DEMO_TEXT };
      case 'file':
        return undefined;
    }
  };
  for (const f of p.fields) {
    const v = value(f);
    if (v !== undefined) answers[f.key] = v;
  }
  return answers;
}

/**
 * The e-services demo of a commune: the departments the fiches need, Berkane's catalog (published,
 * marked demo) and a few demo requests in different states. Does
 * nothing for a part that already exists. The demo's urban planning requests are processed by
 * the admin account (commune-wide), or by an agent an admin adds to the division.
 */
export async function seedEservicesDemo(trx: Tx, communeId: string, actor: Actor): Promise<boolean> {
  const seeded = await ensureDepartments(trx, communeId, actor);
  if ((await countProcedures(trx)) > 0) return seeded;
  const ids = new Map<string, string>();
  for (const input of BERKANE_PROCEDURES) {
    // The same checks as the office's editor: a fiche the law forbids fails the seed loudly.
    const { definition, receiving, processing } = await prepareProcedure(trx, input, `/seed/${input.code}`);
    const row = await insertProcedure(trx, communeId, {
      code: definition.code,
      status: 'published',
      category: definition.category,
      receivingDepartmentId: receiving.id,
      processingDepartmentId: processing.id,
      definition,
      ...foldsOf(definition),
      isDemo: true,
    });
    if (!row) continue;
    ids.set(row.code, row.id);
    await recordAudit(trx, communeId, actor, {
      action: 'eservices.procedure.create',
      entityType: 'eservice_procedure',
      entityId: row.id,
      after: { code: row.code, status: row.status, isDemo: true },
    });
  }
  await seedDemoRequests(trx, communeId, actor, ids);
  return true;
}

interface DemoRequest {
  procedure: string;
  state: 'submitted' | 'incomplete' | 'under_review' | 'rejected' | 'deemed_approved' | 'approved';
  /** Days ago the file was deposited. */
  depositedDaysAgo: number;
}

const DEMO_REQUESTS: DemoRequest[] = [
  { procedure: 'building_permit_small', state: 'submitted', depositedDaysAgo: 2 },
  { procedure: 'shop_operation', state: 'incomplete', depositedDaysAgo: 5 },
  { procedure: 'public_domain_occupation', state: 'under_review', depositedDaysAgo: 10 },
  { procedure: 'repair_permit', state: 'rejected', depositedDaysAgo: 20 },
  { procedure: 'demolition_permit', state: 'deemed_approved', depositedDaysAgo: 90 },
  { procedure: 'establishment_class3', state: 'approved', depositedDaysAgo: 12 },
];

/**
 * Demo requests in different states, written as their history would have (deposit, review,
 * decision), with the clocks the commune's settings give. Their applicant and answers say they are
 * demonstration data; their tracking secret is DEMO_TRACKING_TOKEN.
 */
async function seedDemoRequests(trx: Tx, communeId: string, actor: Actor, procedures: Map<string, string>) {
  const clock = await loadClock(trx, communeId);
  const { rows } = await sql<{ lat: number; lon: number }>`
    SELECT ST_Y(ST_PointOnSurface(boundary)) AS lat, ST_X(ST_PointOnSurface(boundary)) AS lon
      FROM platform.commune WHERE id = ${communeId} AND boundary IS NOT NULL`.execute(trx);
  const place = rows[0] ?? { lat: 34.92, lon: -2.32 };
  const now = Date.now();
  for (const demo of DEMO_REQUESTS) {
    const procedure = procedures.has(demo.procedure) ? await findProcedureByCode(trx, demo.procedure) : undefined;
    const input = BERKANE_PROCEDURES.find((p) => p.code === demo.procedure);
    if (!procedure || !input) continue;
    const procedureId = procedure.id;
    const deposited = new Date(now - demo.depositedDaysAgo * DAY);
    const created = new Date(deposited.getTime() - 3_600_000);
    const id = await insertRequest(trx, communeId, {
      number: await nextNumber(trx, communeId, deposited.getUTCFullYear()),
      procedureId,
      departmentId: procedure.processingDepartmentId,
      receivingDepartmentId: procedure.receivingDepartmentId,
      channel: demo.state === 'approved' ? 'counter' : 'online',
      language: 'ar',
      applicantName: DEMO_APPLICANT,
      applicantEmail: null,
      applicantPhone: null,
      answers: demoAnswers(input, place),
      consents: Object.fromEntries(input.fetchedDocuments.map((d) => [d.key, true])),
      // The documents the fiche lets a sworn statement replace are replaced: the demo has no files.
      swornStatements: input.citizenDocuments.filter((d) => d.swornStatementAllowed).map((d) => d.key),
      tokenHash: hashToken(DEMO_TRACKING_TOKEN).toString('hex'),
      createdBy: null,
      isDemo: true,
      createdAt: created,
    });
    await insertEvent(trx, communeId, { requestId: id, status: 'draft', action: 'create', actorLabel: 'applicant', at: created });
    const frozen = { deadlineDays: input.deadline.days, deadlineKind: input.deadline.kind, silence: input.silence, depositedAt: deposited };
    if (demo.state === 'incomplete') {
      const missing = input.citizenDocuments.filter((d) => d.required).map((d) => ({ key: d.key, name: d.name }));
      const completionDueAt = clock.after(deposited, clock.settings.completionDays);
      await updateRequest(
        trx,
        id,
        { ...frozen, status: 'incomplete', completeAtDeposit: false, missingDocuments: missing, completionDueAt },
        deposited,
      );
      await insertEvent(trx, communeId, { requestId: id, status: 'incomplete', action: 'submit', actorLabel: 'applicant', at: deposited });
    } else {
      const deadlineAt = clock.after(deposited, input.deadline.days, input.deadline.kind);
      const half = new Date(deposited.getTime() + Math.floor((deadlineAt.getTime() - deposited.getTime()) / 2));
      await updateRequest(
        trx,
        id,
        { ...frozen, status: 'submitted', completeAtDeposit: true, completeAt: deposited, deadlineAt, completionRequestUntil: half },
        deposited,
      );
      await insertEvent(trx, communeId, { requestId: id, status: 'submitted', action: 'submit', actorLabel: 'applicant', at: deposited });
      const reviewed = new Date(deposited.getTime() + DAY);
      if (demo.state !== 'submitted' && demo.state !== 'deemed_approved') {
        await updateRequest(trx, id, { status: 'under_review' }, reviewed);
        await insertEvent(trx, communeId, {
          requestId: id,
          status: 'under_review',
          action: 'start_review',
          actorLabel: actor.label,
          at: reviewed,
        });
      }
      const decided = new Date(deposited.getTime() + 5 * DAY);
      if (demo.state === 'rejected') {
        const reasons =
          'طلب تجريبي: المشروع لا يطابق تصميم التهيئة (مثال). — Demande de démonstration : projet non conforme au plan d’aménagement (exemple).';
        await updateRequest(
          trx,
          id,
          {
            status: 'rejected',
            decisionOutcome: 'rejected',
            decisionReasons: reasons,
            decisionAt: decided,
            appealUntil: clock.after(decided, clock.settings.appealDays),
          },
          decided,
        );
        await insertEvent(trx, communeId, {
          requestId: id,
          status: 'rejected',
          action: 'reject',
          note: reasons,
          actorLabel: actor.label,
          at: decided,
        });
      }
      if (demo.state === 'approved') {
        await updateRequest(trx, id, { status: 'approved', decisionOutcome: 'approved', decisionAt: decided }, decided);
        await insertEvent(trx, communeId, { requestId: id, status: 'approved', action: 'approve', actorLabel: actor.label, at: decided });
      }
      if (demo.state === 'deemed_approved' && deadlineAt.getTime() < now) {
        await updateRequest(
          trx,
          id,
          {
            status: 'deemed_approved',
            decisionOutcome: 'deemed_approved',
            decisionAt: deadlineAt,
            deliveryDueAt: clock.after(deadlineAt, clock.settings.deliveryDays),
            appealUntil: clock.after(deadlineAt, clock.settings.appealDays),
          },
          deadlineAt,
        );
        await insertEvent(trx, communeId, {
          requestId: id,
          status: 'deemed_approved',
          action: 'deemed_approved',
          actorLabel: 'eservices clock',
          at: deadlineAt,
        });
      }
    }
    await recordAudit(trx, communeId, actor, {
      action: 'eservices.request.create',
      entityType: 'eservice_request',
      entityId: id,
      after: { isDemo: true, state: demo.state },
    });
  }
}
