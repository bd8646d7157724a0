/**
 * /office/eservices/catalog/new and /office/eservices/catalog/:id — a procedure's fiche (Law 55.19
 * art 6): names, legal references, departments, the documents asked of the citizen and those the
 * commune obtains itself, fee, deadline, effect of silence, appeals, extension, the form's
 * questions, the document issued, what is uncertain. Checked here with procedure.ts's
 * `checkProcedure` (art 7's forbidden demands, art 10's maximum deadline, the keys) — the very
 * check the server makes — and the problems, the server's as well, shown beside their fields.
 */
import { type ReactNode, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import {
  checkProcedure,
  DEADLINE_KINDS,
  type DeadlineKind,
  EXTENSION_REASONS,
  type ExtensionReason,
  FIELD_LIMITS,
  FIELD_TYPES,
  type FieldType,
  PROCEDURE_CATEGORIES,
  type ProcedureCategory,
  type ProcedureDefinition,
  SILENCE_EFFECTS,
  type SilenceEffect,
  type Text,
} from '../../../../src/modules/eservices/procedure';
import { LIMITS } from '../../../../src/platform/limits';
import { fieldsOf } from '../../portal/eservices/eservices-api';
import { Icon } from '../../shared/Icon';
import { type Multilingual, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../../shared/page';
import {
  CheckboxField,
  cleanMultilingual,
  errorsUnder,
  FormProblem,
  fieldErrorsOf,
  MultilingualInput,
  type Option,
  SelectField,
  TextInput,
} from '../forms';
import { departmentTree, flattenTree, useDepartments } from '../org-api';
import { type ProcedureBody, type StaffProcedure, useSaveProcedure, useStaffProcedure } from './eservices-api';
import './styles';

type Status = ProcedureBody['status'];
const STATUSES: Status[] = ['draft', 'published', 'archived'];

interface DocDraft {
  rowKey: string;
  key: string;
  name: Multilingual;
  required: boolean;
  swornStatementAllowed: boolean;
  note: Multilingual;
}
interface FetchedDraft {
  rowKey: string;
  key: string;
  name: Multilingual;
  from: Multilingual;
}
interface OptionDraft {
  rowKey: string;
  key: string;
  label: Multilingual;
}
interface FieldDraft {
  rowKey: string;
  key: string;
  type: FieldType;
  label: Multilingual;
  help: Multilingual;
  required: boolean;
  maxLength: string;
  min: string;
  max: string;
  options: OptionDraft[];
}
interface RefDraft {
  rowKey: string;
  reference: string;
  title: Multilingual;
}
interface Draft {
  code: string;
  status: Status;
  category: ProcedureCategory;
  name: Multilingual;
  summary: Multilingual;
  legalReferences: RefDraft[];
  receivingDepartment: string;
  processingDepartment: string;
  citizenDocuments: DocDraft[];
  fetchedDocuments: FetchedDraft[];
  feeOn: boolean;
  feeAmount: string;
  feeReference: string;
  feeNote: Multilingual;
  deadlineDays: string;
  deadlineKind: DeadlineKind;
  investment: boolean;
  silence: SilenceEffect;
  appeals: Multilingual;
  extensionReasons: ExtensionReason[];
  fields: FieldDraft[];
  issuedOn: boolean;
  issuedTitle: Multilingual;
  uncertainOn: boolean;
  uncertain: Multilingual;
}

let rowKeys = 0;
const row = () => `row-${++rowKeys}`;

const EMPTY: Draft = {
  code: '',
  status: 'draft',
  category: 'other',
  name: {},
  summary: {},
  legalReferences: [],
  receivingDepartment: '',
  processingDepartment: '',
  citizenDocuments: [],
  fetchedDocuments: [],
  feeOn: false,
  feeAmount: '',
  feeReference: '',
  feeNote: {},
  deadlineDays: '30',
  deadlineKind: 'calendar',
  investment: false,
  silence: 'refusal',
  appeals: {},
  extensionReasons: [],
  fields: [],
  issuedOn: true,
  issuedTitle: {},
  uncertainOn: false,
  uncertain: {},
};

function draftOf(p: StaffProcedure, codeOf: (id: string) => string): Draft {
  return {
    code: p.code,
    status: p.status,
    category: p.category,
    name: p.name,
    summary: p.summary,
    legalReferences: p.legalReferences.map((r) => ({ rowKey: row(), reference: r.reference, title: r.title })),
    receivingDepartment: codeOf(p.receivingDepartment.id),
    processingDepartment: codeOf(p.processingDepartment.id),
    citizenDocuments: p.citizenDocuments.map((d) => ({
      rowKey: row(),
      key: d.key,
      name: d.name,
      required: d.required,
      swornStatementAllowed: d.swornStatementAllowed,
      note: d.note ?? {},
    })),
    fetchedDocuments: p.fetchedDocuments.map((d) => ({ rowKey: row(), key: d.key, name: d.name, from: d.from })),
    feeOn: p.fee !== null,
    feeAmount: p.fee ? String(p.fee.amountMad) : '',
    feeReference: p.fee?.legalReference ?? '',
    feeNote: p.fee?.note ?? {},
    deadlineDays: String(p.deadline.days),
    deadlineKind: p.deadline.kind,
    investment: p.deadline.investment,
    silence: p.silence,
    appeals: p.appeals,
    extensionReasons: [...p.extensionReasons],
    fields: fieldsOf(p).map((f) => ({
      rowKey: row(),
      key: f.key,
      type: f.type,
      label: f.label,
      help: f.help ?? {},
      required: f.required,
      maxLength: f.maxLength !== undefined ? String(f.maxLength) : '',
      min: f.min !== undefined ? String(f.min) : '',
      max: f.max !== undefined ? String(f.max) : '',
      options: (f.options ?? []).map((o) => ({ rowKey: row(), key: o.key, label: o.label })),
    })),
    issuedOn: p.issuedDocument !== null,
    issuedTitle: p.issuedDocument?.title ?? {},
    uncertainOn: p.uncertain !== null,
    uncertain: p.uncertain ?? {},
  };
}

const ml = (m: Multilingual) => cleanMultilingual(m) as Text;
const optionalMl = (m: Multilingual) => (Object.keys(cleanMultilingual(m)).length > 0 ? ml(m) : undefined);
const bound = (type: FieldType, value: string): number | string | undefined => {
  if (value.trim() === '') return undefined;
  if (type === 'date') return value.trim();
  const n = Number(value.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
};

function definitionOf(d: Draft): ProcedureDefinition {
  return {
    code: d.code.trim(),
    category: d.category,
    name: ml(d.name),
    summary: ml(d.summary),
    legalReferences: d.legalReferences.map((r) => ({ reference: r.reference.trim(), title: ml(r.title) })),
    receivingDepartment: d.receivingDepartment,
    processingDepartment: d.processingDepartment,
    citizenDocuments: d.citizenDocuments.map((x) => {
      const note = optionalMl(x.note);
      return {
        key: x.key.trim(),
        name: ml(x.name),
        required: x.required,
        swornStatementAllowed: x.swornStatementAllowed,
        ...(note ? { note } : {}),
      };
    }),
    fetchedDocuments: d.fetchedDocuments.map((x) => ({ key: x.key.trim(), name: ml(x.name), from: ml(x.from) })),
    fee: d.feeOn
      ? {
          amountMad: Number(d.feeAmount.replace(',', '.')) || 0,
          legalReference: d.feeReference.trim(),
          ...(optionalMl(d.feeNote) ? { note: optionalMl(d.feeNote) } : {}),
        }
      : null,
    deadline: { days: Number(d.deadlineDays), kind: d.deadlineKind, investment: d.investment },
    silence: d.silence,
    appeals: ml(d.appeals),
    extensionReasons: d.extensionReasons,
    fields: d.fields.map((f) => {
      const help = optionalMl(f.help);
      const min = bound(f.type, f.min);
      const max = bound(f.type, f.max);
      const maxLength = f.maxLength.trim() ? Number(f.maxLength) : undefined;
      return {
        key: f.key.trim(),
        type: f.type,
        label: ml(f.label),
        required: f.required,
        ...(help ? { help } : {}),
        ...((f.type === 'text' || f.type === 'textarea') && maxLength ? { maxLength } : {}),
        ...((f.type === 'number' || f.type === 'date') && min !== undefined ? { min } : {}),
        ...((f.type === 'number' || f.type === 'date') && max !== undefined ? { max } : {}),
        ...(f.type === 'choice' ? { options: f.options.map((o) => ({ key: o.key.trim(), label: ml(o.label) })) } : {}),
      };
    }),
    issuedDocument: d.issuedOn ? { title: ml(d.issuedTitle) } : null,
    uncertain: d.uncertainOn ? ml(d.uncertain) : null,
  };
}

/** /office/eservices/catalog/new and /office/eservices/catalog/:id */
export function ProcedureEditor() {
  const t = useT();
  const { id } = useParams();
  const location = useLocation();
  const procedure = useStaffProcedure(id);
  const departments = useDepartments();
  if (id && (procedure.isPending || departments.isPending))
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  if (id && procedure.isError) {
    const status = (procedure.error as { status?: number }).status;
    if (status === 404 || status === 400) return <NotFoundPage home="/office/eservices/catalog" />;
    return <ProblemMessage error={procedure.error} onRetry={() => void procedure.refetch()} />;
  }
  const codeOf = (deptId: string) => departments.data?.find((d) => d.id === deptId)?.code ?? '';
  const existing = id ? (procedure.data ?? null) : null;
  const justSaved = (location.state as { saved?: boolean } | null)?.saved === true;
  return (
    <EditorForm
      key={existing?.id ?? 'new'}
      existing={existing}
      initial={existing ? draftOf(existing, codeOf) : EMPTY}
      justSaved={justSaved}
    />
  );
}

function EditorForm({ existing, initial, justSaved }: { existing: StaffProcedure | null; initial: Draft; justSaved: boolean }) {
  const t = useT();
  const mlText = useMultilingual();
  const navigate = useNavigate();
  const save = useSaveProcedure();
  const departments = useDepartments();
  const [d, setD] = useState<Draft>(initial);
  // Checked as the user types once a save has been tried: a fixed field loses its message at once.
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState(justSaved);
  const set = (patch: Partial<Draft>) => {
    setD((x) => ({ ...x, ...patch }));
    setSaved(false);
  };
  useDocumentTitle(
    existing ? t.text('services.office.catalog.editNamed', { name: mlText.text(existing.name) }) : t.text('services.office.catalog.create'),
  );

  const localProblems = () => {
    const definition = definitionOf(d);
    const found: Record<string, ReactNode> = {};
    for (const p of checkProcedure(definition)) found[p.field] ??= t(`services.${p.key}`, p.values);
    if (!definition.receivingDepartment) found.receivingDepartment = t('portal.reports.error.required');
    if (!definition.processingDepartment) found.processingDepartment = t('portal.reports.error.required');
    return found;
  };
  const problems = checked ? localProblems() : {};
  // The server's field errors (after a save) and the local check's, by path (`citizenDocuments.0`, `deadline.days`…).
  const errors: Record<string, ReactNode> = { ...fieldErrorsOf(save.error), ...problems };
  const under = (path: string) => errorsUnder(errors as Record<string, string>, path) as Record<string, ReactNode>;

  const departmentOptions: Option<string>[] = flattenTree(departmentTree(departments.data ?? [])).map((x) => ({
    id: x.code,
    label: <span style={{ paddingInlineStart: `${x.depth}rem` }}>{mlText(x.name)}</span>,
    text: mlText.text(x.name),
  }));
  const choose: Option<string> = {
    id: '',
    label: t('services.office.editor.chooseDepartment'),
    text: t.text('services.office.editor.chooseDepartment'),
  };

  const handleSave = () => {
    setSaved(false);
    const definition = definitionOf(d);
    const found = localProblems();
    setChecked(true);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() =>
        document
          .querySelector<HTMLElement>('.procedure-editor [aria-invalid="true"], .procedure-editor .field-error')
          ?.scrollIntoView({ block: 'center' }),
      );
      return;
    }
    const body = { ...definition, status: d.status } as ProcedureBody;
    save.mutate(
      { id: existing?.id ?? null, body },
      {
        onSuccess: (p) => {
          setSaved(true);
          if (!existing) navigate(`/office/eservices/catalog/${p.id}`, { replace: true, state: { saved: true } });
        },
      },
    );
  };

  const mlErrors = (path: string) => under(path) as Record<string, string | undefined>;

  return (
    <div className="procedure-editor">
      <p className="back-link">
        <Link to="/office/eservices/catalog">
          <Icon name="chevron" size={18} />
          {t('services.office.catalog.back')}
        </Link>
      </p>
      <h1>
        {existing ? t('services.office.catalog.editNamed', { name: mlText.text(existing.name) }) : t('services.office.catalog.create')}
      </h1>
      <p className="field-hint">{t('services.office.editor.lead')}</p>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          handleSave();
        }}
      >
        {save.error ? <FormProblem error={save.error} shownFields={Object.keys(definitionOf(EMPTY)).concat('status')} /> : null}
        {Object.keys(problems).length > 0 ? (
          <div className="notice notice-error" role="alert">
            <p className="notice-title">{t('services.office.editor.problems', { count: Object.keys(problems).length })}</p>
          </div>
        ) : null}

        <fieldset className="ml-fieldset">
          <legend>{t('services.office.editor.identity')}</legend>
          <div className="field-row">
            {existing ? (
              <div className="field">
                <span className="field-label">{t('services.office.editor.code')}</span>
                <code dir="ltr">{existing.code}</code>
              </div>
            ) : (
              <TextInput
                label={t('services.office.editor.code')}
                description={t('services.office.editor.codeHint')}
                value={d.code}
                onChange={(code) => set({ code })}
                error={errors.code as string}
                isRequired
                maxLength={LIMITS.codeMax}
                dir="ltr"
              />
            )}
            <SelectField
              label={t('services.office.editor.status')}
              value={d.status}
              onChange={(status) => set({ status })}
              options={STATUSES.map((s) => ({
                id: s,
                label: t(`services.office.catalog.status.${s}`),
                text: t.text(`services.office.catalog.status.${s}`),
              }))}
              error={errors.status as string}
            />
            <SelectField
              label={t('services.office.editor.category')}
              value={d.category}
              onChange={(category) => set({ category })}
              options={PROCEDURE_CATEGORIES.map((c) => ({
                id: c,
                label: t(`services.category.${c}`),
                text: t.text(`services.category.${c}`),
              }))}
            />
          </div>
          <MultilingualInput
            legend={t('services.office.editor.name')}
            value={d.name}
            onChange={(name) => set({ name })}
            errors={mlErrors('name')}
          />
          <MultilingualInput
            legend={t('services.office.editor.summary')}
            value={d.summary}
            onChange={(summary) => set({ summary })}
            errors={mlErrors('summary')}
            multiline
          />
        </fieldset>

        <fieldset className="ml-fieldset">
          <legend>{t('services.office.editor.departments')}</legend>
          <div className="field-row">
            <SelectField
              label={t('services.fiche.receiving')}
              value={d.receivingDepartment}
              onChange={(receivingDepartment) => set({ receivingDepartment })}
              options={d.receivingDepartment ? departmentOptions : [choose, ...departmentOptions]}
              error={errors.receivingDepartment as string}
            />
            <SelectField
              label={t('services.fiche.processing')}
              value={d.processingDepartment}
              onChange={(processingDepartment) => set({ processingDepartment })}
              options={d.processingDepartment ? departmentOptions : [choose, ...departmentOptions]}
              error={errors.processingDepartment as string}
            />
          </div>
        </fieldset>

        <fieldset className="ml-fieldset">
          <legend>{t('services.office.editor.deadlineAndSilence')}</legend>
          <div className="field-row">
            <TextInput
              label={t('services.office.editor.deadlineDays')}
              description={t('services.office.editor.deadlineHint', {
                max: FIELD_LIMITS.deadlineDaysMax,
                investment: FIELD_LIMITS.investmentDeadlineDaysMax,
              })}
              type="number"
              value={d.deadlineDays}
              onChange={(deadlineDays) => set({ deadlineDays })}
              error={errors['deadline.days'] as string}
              isRequired
              dir="ltr"
            />
            <SelectField
              label={t('services.office.editor.deadlineKind')}
              value={d.deadlineKind}
              onChange={(deadlineKind) => set({ deadlineKind })}
              options={DEADLINE_KINDS.map((k) => ({
                id: k,
                label: t(`services.office.editor.kind.${k}`),
                text: t.text(`services.office.editor.kind.${k}`),
              }))}
            />
          </div>
          <CheckboxField
            label={t('services.office.editor.investment')}
            isSelected={d.investment}
            onChange={(investment) => set({ investment })}
          />
          <SelectField
            label={t('services.fact.silence')}
            value={d.silence}
            onChange={(silence) => set({ silence })}
            options={SILENCE_EFFECTS.map((s) => ({ id: s, label: t(`services.silence.${s}`), text: t.text(`services.silence.${s}`) }))}
          />
          <fieldset className="checks">
            <legend className="field-label">{t('services.fiche.extension')}</legend>
            {EXTENSION_REASONS.map((r) => (
              <CheckboxField
                key={r}
                label={t(`services.extension.${r}`)}
                isSelected={d.extensionReasons.includes(r)}
                onChange={(on) => set({ extensionReasons: on ? [...d.extensionReasons, r] : d.extensionReasons.filter((x) => x !== r) })}
              />
            ))}
          </fieldset>
          <MultilingualInput
            legend={t('services.fiche.appeals')}
            value={d.appeals}
            onChange={(appeals) => set({ appeals })}
            errors={mlErrors('appeals')}
            multiline
          />
        </fieldset>

        <fieldset className="ml-fieldset">
          <legend>{t('services.fact.fee')}</legend>
          <CheckboxField label={t('services.office.editor.feeOn')} isSelected={d.feeOn} onChange={(feeOn) => set({ feeOn })} />
          {d.feeOn ? (
            <>
              <div className="field-row">
                <TextInput
                  label={t('services.office.editor.feeAmount')}
                  type="number"
                  value={d.feeAmount}
                  onChange={(feeAmount) => set({ feeAmount })}
                  error={errors['fee.amountMad'] as string}
                  isRequired
                  dir="ltr"
                />
                <TextInput
                  label={t('services.office.editor.feeReference')}
                  value={d.feeReference}
                  onChange={(feeReference) => set({ feeReference })}
                  error={errors['fee.legalReference'] as string}
                  isRequired
                  maxLength={LIMITS.nameMax}
                  dir="auto"
                />
              </div>
              <MultilingualInput
                legend={t('services.office.editor.feeNote')}
                value={d.feeNote}
                onChange={(feeNote) => set({ feeNote })}
                errors={mlErrors('fee.note')}
              />
            </>
          ) : null}
        </fieldset>

        <ListSection
          title={t('services.office.editor.legal')}
          addLabel={t('services.office.editor.addLegal')}
          error={errors.legalReferences}
          onAdd={() => set({ legalReferences: [...d.legalReferences, { rowKey: row(), reference: '', title: {} }] })}
          max={LIMITS.eservicesLegalReferencesMax}
          count={d.legalReferences.length}
        >
          {d.legalReferences.map((r, i) => {
            const e = under(`legalReferences.${i}`);
            const change = (patch: Partial<RefDraft>) =>
              set({ legalReferences: d.legalReferences.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
            return (
              <ListItem
                key={r.rowKey}
                legend={t('services.office.editor.legalN', { n: i + 1 })}
                error={e['']}
                onRemove={() => set({ legalReferences: d.legalReferences.filter((_, j) => j !== i) })}
              >
                <TextInput
                  label={t('services.office.editor.reference')}
                  value={r.reference}
                  onChange={(reference) => change({ reference })}
                  error={e.reference as string}
                  isRequired
                  dir="auto"
                />
                <MultilingualInput
                  legend={t('services.office.editor.referenceTitle')}
                  value={r.title}
                  onChange={(title) => change({ title })}
                  errors={errorsUnder(e as Record<string, string>, 'title')}
                />
              </ListItem>
            );
          })}
        </ListSection>

        <ListSection
          title={t('services.fiche.documents')}
          hint={t('services.office.editor.documentsHint')}
          addLabel={t('services.office.editor.addDocument')}
          error={errors.citizenDocuments}
          onAdd={() =>
            set({
              citizenDocuments: [
                ...d.citizenDocuments,
                { rowKey: row(), key: '', name: {}, required: true, swornStatementAllowed: false, note: {} },
              ],
            })
          }
          max={FIELD_LIMITS.documentsMax}
          count={d.citizenDocuments.length}
        >
          {d.citizenDocuments.map((x, i) => {
            const e = under(`citizenDocuments.${i}`);
            const change = (patch: Partial<DocDraft>) =>
              set({ citizenDocuments: d.citizenDocuments.map((y, j) => (j === i ? { ...y, ...patch } : y)) });
            return (
              <ListItem
                key={x.rowKey}
                legend={t('services.office.editor.documentN', { n: i + 1 })}
                error={e['']}
                onRemove={() => set({ citizenDocuments: d.citizenDocuments.filter((_, j) => j !== i) })}
              >
                <KeyInput value={x.key} onChange={(key) => change({ key })} error={e.key} />
                <MultilingualInput
                  legend={t('services.office.editor.documentName')}
                  value={x.name}
                  onChange={(name) => change({ name })}
                  errors={errorsUnder(e as Record<string, string>, 'name')}
                />
                <CheckboxField
                  label={t('services.office.editor.required')}
                  isSelected={x.required}
                  onChange={(required) => change({ required })}
                />
                <CheckboxField
                  label={t('services.fiche.swornAllowed')}
                  isSelected={x.swornStatementAllowed}
                  onChange={(swornStatementAllowed) => change({ swornStatementAllowed })}
                />
                <MultilingualInput
                  legend={t('services.office.editor.note')}
                  value={x.note}
                  onChange={(note) => change({ note })}
                  errors={errorsUnder(e as Record<string, string>, 'note')}
                />
              </ListItem>
            );
          })}
        </ListSection>

        <ListSection
          title={t('services.fiche.fetched')}
          hint={t('services.office.editor.fetchedHint')}
          addLabel={t('services.office.editor.addFetched')}
          error={errors.fetchedDocuments}
          onAdd={() => set({ fetchedDocuments: [...d.fetchedDocuments, { rowKey: row(), key: '', name: {}, from: {} }] })}
          max={FIELD_LIMITS.documentsMax}
          count={d.fetchedDocuments.length}
        >
          {d.fetchedDocuments.map((x, i) => {
            const e = under(`fetchedDocuments.${i}`);
            const change = (patch: Partial<FetchedDraft>) =>
              set({ fetchedDocuments: d.fetchedDocuments.map((y, j) => (j === i ? { ...y, ...patch } : y)) });
            return (
              <ListItem
                key={x.rowKey}
                legend={t('services.office.editor.fetchedN', { n: i + 1 })}
                error={e['']}
                onRemove={() => set({ fetchedDocuments: d.fetchedDocuments.filter((_, j) => j !== i) })}
              >
                <KeyInput value={x.key} onChange={(key) => change({ key })} error={e.key} />
                <MultilingualInput
                  legend={t('services.office.editor.documentName')}
                  value={x.name}
                  onChange={(name) => change({ name })}
                  errors={errorsUnder(e as Record<string, string>, 'name')}
                />
                <MultilingualInput
                  legend={t('services.office.editor.fetchedFrom')}
                  value={x.from}
                  onChange={(from) => change({ from })}
                  errors={errorsUnder(e as Record<string, string>, 'from')}
                />
              </ListItem>
            );
          })}
        </ListSection>

        <ListSection
          title={t('services.office.editor.fields')}
          hint={t('services.office.editor.fieldsHint')}
          addLabel={t('services.office.editor.addField')}
          error={errors.fields}
          onAdd={() =>
            set({
              fields: [
                ...d.fields,
                { rowKey: row(), key: '', type: 'text', label: {}, help: {}, required: true, maxLength: '', min: '', max: '', options: [] },
              ],
            })
          }
          max={FIELD_LIMITS.fieldsMax}
          count={d.fields.length}
        >
          {d.fields.map((f, i) => (
            <FieldEditor
              key={f.rowKey}
              n={i + 1}
              field={f}
              errors={under(`fields.${i}`)}
              onChange={(patch) => set({ fields: d.fields.map((y, j) => (j === i ? { ...y, ...patch } : y)) })}
              onRemove={() => set({ fields: d.fields.filter((_, j) => j !== i) })}
            />
          ))}
        </ListSection>

        <fieldset className="ml-fieldset">
          <legend>{t('services.fiche.issued')}</legend>
          <CheckboxField label={t('services.office.editor.issuedOn')} isSelected={d.issuedOn} onChange={(issuedOn) => set({ issuedOn })} />
          {d.issuedOn ? (
            <MultilingualInput
              legend={t('services.office.editor.issuedTitle')}
              value={d.issuedTitle}
              onChange={(issuedTitle) => set({ issuedTitle })}
              errors={mlErrors('issuedDocument.title')}
            />
          ) : null}
        </fieldset>

        <fieldset className="ml-fieldset">
          <legend>{t('services.fiche.uncertain')}</legend>
          <CheckboxField
            label={t('services.office.editor.uncertainOn')}
            isSelected={d.uncertainOn}
            onChange={(uncertainOn) => set({ uncertainOn })}
          />
          {d.uncertainOn ? (
            <MultilingualInput
              legend={t('services.office.editor.uncertainText')}
              value={d.uncertain}
              onChange={(uncertain) => set({ uncertain })}
              errors={mlErrors('uncertain')}
              multiline
            />
          ) : null}
        </fieldset>

        {saved ? (
          <p className="notice notice-success" role="status">
            {t('services.office.editor.saved')}
          </p>
        ) : null}
        <div className="form-actions sticky-actions">
          <Button type="submit" className="button" isPending={save.isPending}>
            {t('common.action.save')}
          </Button>
          <Link className="button button-secondary" to="/office/eservices/catalog">
            {t('common.action.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  );
}

function KeyInput({ value, onChange, error }: { value: string; onChange(v: string): void; error: ReactNode }) {
  const t = useT();
  return (
    <TextInput
      className="field-short"
      label={t('services.office.editor.key')}
      description={t('services.office.editor.keyHint')}
      value={value}
      onChange={(v) => onChange(v.toLowerCase())}
      error={error as string}
      isRequired
      maxLength={FIELD_LIMITS.keyMax}
      dir="ltr"
    />
  );
}

function ListSection({
  title,
  hint,
  addLabel,
  error,
  onAdd,
  max,
  count,
  children,
}: {
  title: ReactNode;
  hint?: ReactNode;
  addLabel: ReactNode;
  error: ReactNode;
  onAdd(): void;
  max: number;
  count: number;
  children: ReactNode;
}) {
  return (
    <section className="section editor-list">
      <h2>{title}</h2>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {error ? <p className="field-error">{error}</p> : null}
      <ol className="editor-items">{children}</ol>
      <Button className="button button-secondary" isDisabled={count >= max} onPress={onAdd}>
        <Icon name="plus" size={20} />
        {addLabel}
      </Button>
    </section>
  );
}

function ListItem({ legend, error, onRemove, children }: { legend: ReactNode; error: ReactNode; onRemove(): void; children: ReactNode }) {
  const t = useT();
  return (
    <li className="editor-item">
      <fieldset className="ml-fieldset" data-invalid={error ? true : undefined}>
        <legend>{legend}</legend>
        {error ? (
          <p className="field-error item-problem" role="alert">
            {error}
          </p>
        ) : null}
        {children}
        <div className="form-actions">
          <Button className="button button-quiet button-small danger-text" onPress={onRemove}>
            {t('common.action.remove')}
            <span className="visually-hidden"> — {legend}</span>
          </Button>
        </div>
      </fieldset>
    </li>
  );
}

function FieldEditor({
  n,
  field: f,
  errors: e,
  onChange,
  onRemove,
}: {
  n: number;
  field: FieldDraft;
  errors: Record<string, ReactNode>;
  onChange(patch: Partial<FieldDraft>): void;
  onRemove(): void;
}) {
  const t = useT();
  const typeOptions: Option<FieldType>[] = FIELD_TYPES.map((x) => ({
    id: x,
    label: t(`services.office.editor.type.${x}`),
    text: t.text(`services.office.editor.type.${x}`),
  }));
  return (
    <ListItem legend={t('services.office.editor.fieldN', { n })} error={e['']} onRemove={onRemove}>
      <div className="field-row">
        <KeyInput value={f.key} onChange={(key) => onChange({ key })} error={e.key} />
        <SelectField
          label={t('services.office.editor.fieldType')}
          value={f.type}
          onChange={(type) =>
            onChange({ type, options: type === 'choice' && f.options.length === 0 ? [{ rowKey: row(), key: '', label: {} }] : f.options })
          }
          options={typeOptions}
        />
      </div>
      <MultilingualInput
        legend={t('services.office.editor.fieldLabel')}
        value={f.label}
        onChange={(label) => onChange({ label })}
        errors={errorsUnder(e as Record<string, string>, 'label')}
      />
      <MultilingualInput
        legend={t('services.office.editor.fieldHelp')}
        value={f.help}
        onChange={(help) => onChange({ help })}
        errors={errorsUnder(e as Record<string, string>, 'help')}
      />
      <CheckboxField label={t('services.office.editor.required')} isSelected={f.required} onChange={(required) => onChange({ required })} />
      {f.type === 'text' || f.type === 'textarea' ? (
        <TextInput
          className="field-short"
          label={t('services.office.editor.maxLength')}
          type="number"
          value={f.maxLength}
          onChange={(maxLength) => onChange({ maxLength })}
          error={e.maxLength as string}
          dir="ltr"
        />
      ) : null}
      {f.type === 'number' || f.type === 'date' ? (
        <div className="field-row">
          <TextInput
            label={t('services.office.editor.min')}
            type={f.type === 'date' ? 'date' : 'number'}
            value={f.min}
            onChange={(min) => onChange({ min })}
            error={e.min as string}
            dir="ltr"
          />
          <TextInput
            label={t('services.office.editor.max')}
            type={f.type === 'date' ? 'date' : 'number'}
            value={f.max}
            onChange={(max) => onChange({ max })}
            error={e.max as string}
            dir="ltr"
          />
        </div>
      ) : null}
      {f.type === 'choice' ? (
        <div className="values">
          <h3>{t('services.office.editor.options')}</h3>
          {e.options ? <p className="field-error">{e.options}</p> : null}
          <ol className="value-list">
            {f.options.map((o, k) => {
              const oe = errorsUnder(e as Record<string, string>, `options.${k}`);
              const setOption = (patch: Partial<OptionDraft>) =>
                onChange({ options: f.options.map((x, m) => (m === k ? { ...x, ...patch } : x)) });
              return (
                <li key={o.rowKey} className="value-row">
                  <TextInput
                    className="field-short"
                    label={t('services.office.editor.optionKey', { n: k + 1 })}
                    value={o.key}
                    onChange={(key) => setOption({ key: key.toLowerCase() })}
                    error={oe.key}
                    isRequired
                    maxLength={FIELD_LIMITS.keyMax}
                    dir="ltr"
                  />
                  <MultilingualInput
                    legend={t('services.office.editor.optionLabel', { n: k + 1 })}
                    value={o.label}
                    onChange={(label) => setOption({ label })}
                    errors={errorsUnder(oe, 'label')}
                  />
                  <Button
                    className="button button-quiet button-small danger-text"
                    onPress={() => onChange({ options: f.options.filter((_, m) => m !== k) })}
                  >
                    {t('common.action.remove')}
                    <span className="visually-hidden"> — {t('services.office.editor.optionKey', { n: k + 1 })}</span>
                  </Button>
                </li>
              );
            })}
          </ol>
          <Button
            className="button button-secondary button-small"
            isDisabled={f.options.length >= FIELD_LIMITS.optionsMax}
            onPress={() => onChange({ options: [...f.options, { rowKey: row(), key: '', label: {} }] })}
          >
            <Icon name="plus" size={18} />
            {t('services.office.editor.addOption')}
          </Button>
        </div>
      ) : null}
    </ListItem>
  );
}
