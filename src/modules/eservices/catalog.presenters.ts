import type { Multilingual } from '../../platform/db/types.js';
import type { ProcedureRow } from './catalog.repository.js';

const text = (m: unknown) => (m ?? {}) as Multilingual;

export function presentProcedureSummary(p: ProcedureRow) {
  const d = p.definition;
  return {
    id: p.id,
    code: p.code,
    status: p.status,
    category: d.category,
    name: d.name,
    summary: d.summary,
    deadline: d.deadline,
    silence: d.silence,
    fee: d.fee,
    processingDepartment: { id: p.processingDepartmentId, name: text(p.processingDepartmentName) },
  };
}

/**
 * The whole fiche. The art-7 flags of the citizen's documents are not shown: a saved fiche never
 * has one set (the editor refuses them).
 */
export function presentProcedure(p: ProcedureRow) {
  const d = p.definition;
  return {
    ...presentProcedureSummary(p),
    legalReferences: d.legalReferences,
    receivingDepartment: { id: p.receivingDepartmentId, name: text(p.receivingDepartmentName) },
    citizenDocuments: d.citizenDocuments.map((c) => ({
      key: c.key,
      name: c.name,
      required: c.required,
      swornStatementAllowed: c.swornStatementAllowed,
      ...(c.note ? { note: c.note } : {}),
    })),
    fetchedDocuments: d.fetchedDocuments,
    appeals: d.appeals,
    extensionReasons: d.extensionReasons,
    fields: d.fields,
    issuedDocument: d.issuedDocument,
    uncertain: d.uncertain,
    isDemo: p.isDemo,
    updatedAt: p.updatedAt.toISOString(),
  };
}
