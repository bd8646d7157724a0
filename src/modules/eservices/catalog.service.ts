import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, type FieldError, notFound } from '../../platform/http/errors.js';
import { LIMITS } from '../../platform/limits.js';
import * as repo from './catalog.repository.js';
import type { ProcedureStatus } from './catalog.schemas.js';
import { checkProcedure, type FieldProblem, type ProcedureDefinition, searchFold, type Text } from './procedure.js';

export const CATALOG = 'eservices.catalog.manage';

/** A fiche as the office sends it: the definition and its publication status. */
export type ProcedureInput = ProcedureDefinition & { status: ProcedureStatus };

/** Field problems of procedure.ts as the problem's field list, pointing into `base` (e.g. `/body`). */
export function fieldErrors(problems: FieldProblem[], base: string): FieldError[] {
  return problems.map((p) => ({
    pointer: `${base}/${p.field.replace(/\./g, '/')}`,
    key: p.key,
    ...(p.values ? { values: p.values } : {}),
  }));
}

export const invalidProcedure = (fields: FieldError[]) =>
  new AppError('invalid_procedure', 422, 'problem.invalid_procedure.detail', {}, fields);

const texts = (t: Text | null | undefined) => (t ? Object.values(t).filter((x): x is string => typeof x === 'string') : []);

/** The folded texts the portal's search matches: names (every language), and names + summary + code. */
export function foldsOf(d: ProcedureDefinition) {
  const nameFold = texts(d.name).map(searchFold).join(' | ');
  const searchText = [nameFold, ...texts(d.summary).map(searchFold), d.code.replace(/[_-]/g, ' ')].join(' | ');
  return { nameFold, searchFold: searchText };
}

/** The definition as stored: only the fields of ProcedureDefinition, in their order. */
export function definitionOf(input: ProcedureDefinition): ProcedureDefinition {
  return {
    code: input.code,
    category: input.category,
    name: input.name,
    summary: input.summary,
    legalReferences: input.legalReferences,
    receivingDepartment: input.receivingDepartment,
    processingDepartment: input.processingDepartment,
    citizenDocuments: input.citizenDocuments,
    fetchedDocuments: input.fetchedDocuments,
    fee: input.fee,
    deadline: input.deadline,
    silence: input.silence,
    appeals: input.appeals,
    extensionReasons: input.extensionReasons,
    fields: input.fields,
    issuedDocument: input.issuedDocument,
    uncertain: input.uncertain,
  };
}

/**
 * Checks a fiche (art 7's forbidden demands, art 10's deadline, the form's coherence) and resolves
 * its departments; throws 422 with every problem at once. Used by the office and by the seed.
 */
export async function prepareProcedure(trx: Tx, input: ProcedureDefinition, base = '/body') {
  const definition = definitionOf(input);
  const problems = fieldErrors(checkProcedure(definition), base);
  const departments = await repo.findDepartmentsByCode(trx, [definition.receivingDepartment, definition.processingDepartment]);
  const byCode = new Map(departments.map((d) => [d.code, d]));
  const receiving = byCode.get(definition.receivingDepartment);
  const processing = byCode.get(definition.processingDepartment);
  if (!receiving) problems.push({ pointer: `${base}/receivingDepartment`, key: 'problem.field.unknown_reference' });
  if (!processing) problems.push({ pointer: `${base}/processingDepartment`, key: 'problem.field.unknown_reference' });
  if (problems.length || !receiving || !processing) throw invalidProcedure(problems);
  return { definition, receiving, processing };
}

/** The catalog: the public list and fiches, and the office's editor. */
export class CatalogService {
  constructor(private readonly db: Database) {}

  /** Published procedures, searched (Arabic letter variants and diacritics ignored) and ranked. */
  listPublic(ctx: CallContext, q: { q?: string; category?: string; limit: number; offset: number }) {
    const phrase = searchFold(q.q ?? '').slice(0, LIMITS.searchMax);
    const words = [...new Set(phrase.split(' ').filter(Boolean))].slice(0, 8);
    return withCommune(this.db, ctx.communeId, (trx) =>
      repo.listProcedures(trx, { statuses: ['published'], category: q.category, words, phrase, limit: q.limit, offset: q.offset }),
    );
  }

  /** A published fiche; a draft or archived one is not found. */
  getPublic(ctx: CallContext, code: string) {
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const p = await repo.findProcedureByCode(trx, code);
      if (p?.status !== 'published') throw notFound();
      return p;
    });
  }

  listAll(ctx: CallContext) {
    authorize(ctx.principal, CATALOG);
    return withCommune(this.db, ctx.communeId, async (trx) => (await repo.listProcedures(trx, {})).rows);
  }

  get(ctx: CallContext, id: string) {
    authorize(ctx.principal, CATALOG);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const p = await repo.findProcedure(trx, id);
      if (!p) throw notFound();
      return p;
    });
  }

  create(ctx: CallContext, input: ProcedureInput) {
    const principal = ctx.principal;
    authorize(principal, CATALOG);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const { definition, receiving, processing } = await prepareProcedure(trx, input);
      // A supervisor writes the fiches of the departments they lead, an admin any.
      authorize(principal, CATALOG, [processing.path]);
      const row = await repo.insertProcedure(trx, ctx.communeId, {
        code: definition.code,
        status: input.status,
        category: definition.category,
        receivingDepartmentId: receiving.id,
        processingDepartmentId: processing.id,
        definition,
        ...foldsOf(definition),
      });
      if (!row) throw new AppError('conflict', 409, 'problem.eservices.procedure_code_taken.detail', { code: definition.code });
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'eservices.procedure.create',
        entityType: 'eservice_procedure',
        entityId: row.id,
        after: { code: row.code, status: row.status, definition },
      });
      return row;
    });
  }

  update(ctx: CallContext, id: string, input: ProcedureInput) {
    const principal = ctx.principal;
    authorize(principal, CATALOG);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findProcedure(trx, id);
      if (!before) throw notFound();
      authorize(principal, CATALOG, [before.processingDepartmentPath]);
      const { definition, receiving, processing } = await prepareProcedure(trx, input);
      authorize(principal, CATALOG, [processing.path]);
      const after = await repo.updateProcedure(trx, id, {
        code: definition.code,
        status: input.status,
        category: definition.category,
        receivingDepartmentId: receiving.id,
        processingDepartmentId: processing.id,
        definition,
        ...foldsOf(definition),
      });
      if (!after) throw new AppError('conflict', 409, 'problem.eservices.procedure_code_taken.detail', { code: definition.code });
      const action =
        before.status !== after.status && after.status === 'published'
          ? 'publish'
          : before.status !== after.status && after.status === 'archived'
            ? 'archive'
            : 'update';
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: `eservices.procedure.${action}`,
        entityType: 'eservice_procedure',
        entityId: id,
        before: { code: before.code, status: before.status, definition: before.definition },
        after: { code: after.code, status: after.status, definition },
      });
      return after;
    });
  }
}
