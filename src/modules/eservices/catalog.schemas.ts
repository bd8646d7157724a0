import { Type } from 'typebox';
import { multilingual, Nullable, PageQuery, plainText, Strict, TextOut, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import {
  DEADLINE_KINDS,
  type DeadlineKind,
  EXTENSION_REASONS,
  type ExtensionReason,
  FIELD_LIMITS,
  FIELD_TYPES,
  type FieldType,
  PROCEDURE_CATEGORIES,
  type ProcedureCategory,
  SILENCE_EFFECTS,
  type SilenceEffect,
} from './procedure.js';

export const PROCEDURE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ProcedureStatus = (typeof PROCEDURE_STATUSES)[number];

const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const ProcedureStatusT = enumOf<ProcedureStatus>(PROCEDURE_STATUSES);
export const CategoryT = enumOf<ProcedureCategory>(PROCEDURE_CATEGORIES);
export const SilenceT = enumOf<SilenceEffect>(SILENCE_EFFECTS, 'What the silence of the administration past the deadline means');
export const DeadlineKindT = enumOf<DeadlineKind>(DEADLINE_KINDS);
export const ExtensionReasonT = enumOf<ExtensionReason>(EXTENSION_REASONS);
export const ProcedureCode = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', maxLength: LIMITS.codeMax });
const DepartmentCode = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  maxLength: LIMITS.codeMax,
  description: "A department's code",
});
// Keys are checked by checkProcedure (procedure_key, 422) so the editor shows them beside the field.
const Key = Type.String({ minLength: 1, maxLength: 64 });
const Name = multilingual(LIMITS.eservicesNameMax, 'line');
const Note = multilingual(LIMITS.eservicesSummaryMax, 'text');

const DeadlineIn = Strict({
  // Out-of-law values (over 60 days, 30 for investment) are refused by checkProcedure, with the field.
  days: Type.Integer({ minimum: 0, maximum: 1000 }),
  kind: DeadlineKindT,
  investment: Type.Boolean({ description: 'An investment decision: 30 days at most (art 10)' }),
});
const FieldIn = Strict({
  key: Key,
  type: enumOf<FieldType>(FIELD_TYPES),
  label: Name,
  help: Type.Optional(Note),
  required: Type.Boolean(),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: FIELD_LIMITS.textareaMax })),
  min: Type.Optional(Type.Union([Type.Number(), Type.String({ format: 'date' })])),
  max: Type.Optional(Type.Union([Type.Number(), Type.String({ format: 'date' })])),
  options: Type.Optional(Type.Array(Strict({ key: Key, label: Name }), { maxItems: FIELD_LIMITS.optionsMax })),
});
const CitizenDocumentIn = Strict({
  key: Key,
  name: Name,
  required: Type.Boolean(),
  swornStatementAllowed: Type.Boolean({ description: 'Art 8: a sworn statement may replace this document' }),
  note: Type.Optional(Note),
  // Art 7 forbids each of these: accepted here so that setting one is refused with a reason (422).
  legalizedSignature: Type.Optional(Type.Boolean()),
  certifiedCopy: Type.Optional(Type.Boolean()),
  copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  concernsApplicant: Type.Optional(Type.Boolean()),
});
const FetchedDocumentIn = Strict({ key: Key, name: Name, from: Name });

/** A fiche as the office writes it (ProcedureDefinition of procedure.ts) and its publication status. */
export const ProcedureBody = Strict({
  code: ProcedureCode,
  status: ProcedureStatusT,
  category: CategoryT,
  name: Name,
  summary: Note,
  legalReferences: Type.Array(
    Strict({ reference: plainText(LIMITS.eservicesNameMax, 'line'), title: multilingual(LIMITS.eservicesSummaryMax, 'line') }),
    {
      maxItems: LIMITS.eservicesLegalReferencesMax,
    },
  ),
  receivingDepartment: DepartmentCode,
  processingDepartment: DepartmentCode,
  citizenDocuments: Type.Array(CitizenDocumentIn, { maxItems: FIELD_LIMITS.documentsMax }),
  fetchedDocuments: Type.Array(FetchedDocumentIn, { maxItems: FIELD_LIMITS.documentsMax }),
  fee: Nullable(
    Strict({
      amountMad: Type.Number({ minimum: 0, maximum: LIMITS.eservicesFeeMaxMad }),
      legalReference: plainText(LIMITS.nameMax, 'line'),
      note: Type.Optional(Note),
    }),
  ),
  deadline: DeadlineIn,
  silence: SilenceT,
  appeals: Note,
  extensionReasons: Type.Array(ExtensionReasonT, { maxItems: EXTENSION_REASONS.length, uniqueItems: true }),
  fields: Type.Array(FieldIn, { maxItems: FIELD_LIMITS.fieldsMax }),
  issuedDocument: Nullable(Strict({ title: Name })),
  uncertain: Nullable(Note),
});

export const ProcedureListQuery = Strict({
  ...PageQuery,
  q: Type.Optional(plainText(LIMITS.searchMax, 'line')),
  category: Type.Optional(CategoryT),
});
export const CodeParams = Strict({ code: ProcedureCode });

const Department = Type.Object({ id: Uuid, name: TextOut });
const Deadline = Type.Object({ days: Type.Integer(), kind: DeadlineKindT, investment: Type.Boolean() });
const Fee = Nullable(Type.Object({ amountMad: Type.Number(), legalReference: Type.String(), note: Type.Optional(TextOut) }));

export const ProcedureSummary = Type.Object({
  id: Uuid,
  code: Type.String(),
  status: ProcedureStatusT,
  category: CategoryT,
  name: TextOut,
  summary: TextOut,
  deadline: Deadline,
  silence: SilenceT,
  fee: Fee,
  processingDepartment: Department,
});

export const ProcedureResponse = Type.Intersect([
  ProcedureSummary,
  Type.Object({
    legalReferences: Type.Array(Type.Object({ reference: Type.String(), title: TextOut })),
    receivingDepartment: Department,
    citizenDocuments: Type.Array(
      Type.Object({
        key: Type.String(),
        name: TextOut,
        required: Type.Boolean(),
        swornStatementAllowed: Type.Boolean(),
        note: Type.Optional(TextOut),
      }),
    ),
    fetchedDocuments: Type.Array(Type.Object({ key: Type.String(), name: TextOut, from: TextOut })),
    appeals: TextOut,
    extensionReasons: Type.Array(ExtensionReasonT),
    fields: Type.Array(
      Type.Object({
        key: Type.String(),
        type: enumOf<FieldType>(FIELD_TYPES),
        label: TextOut,
        help: Type.Optional(TextOut),
        required: Type.Boolean(),
        maxLength: Type.Optional(Type.Integer()),
        min: Type.Optional(Type.Union([Type.Number(), Type.String()])),
        max: Type.Optional(Type.Union([Type.Number(), Type.String()])),
        options: Type.Optional(Type.Array(Type.Object({ key: Type.String(), label: TextOut }))),
      }),
    ),
    issuedDocument: Nullable(Type.Object({ title: TextOut })),
    uncertain: Nullable(TextOut),
    isDemo: Type.Boolean(),
    updatedAt: Timestamp,
  }),
]);

export const ProcedureListResponse = Type.Object({ items: Type.Array(ProcedureSummary), total: Type.Integer() });
export const CatalogListResponse = Type.Object({ items: Type.Array(ProcedureSummary) });
