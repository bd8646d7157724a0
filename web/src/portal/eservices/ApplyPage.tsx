/**
 * /services/:code/apply: the request, in three steps — your details and the procedure's questions
 * → documents (a file per document, a sworn statement where the fiche allows it, consent for the
 * documents the commune obtains itself) → review and submit. Each step is a history entry
 * (?step=…). The draft is saved on the server when a step is left (and on "save the draft"); this
 * browser keeps its number and secret, so the form resumes it later.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { FIELD_LIMITS } from '../../../../src/modules/eservices/procedure';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useLocale, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, PageLoading, useDocumentTitle } from '../../shared/page';
import { FormProblem, serverFieldErrors, TextField, useProblemText } from '../reports/fields';
import { randomId } from '../reports/kept-reports';
import { Chevron } from '../reports/report-bits';
import { latinDigits } from '../reports/validate';
import {
  type ApplyForm,
  answersForApi,
  answersFromApi,
  checkForm,
  clearMirror,
  EMPTY_FORM,
  type FormProblems,
  filledAnswers,
  hasProblems,
  loadMirror,
  type RawAnswer,
  saveMirror,
} from './apply-form';
import {
  ATTACHMENT_TYPES,
  type Attachment,
  createDraft,
  deleteAttachment,
  fieldsOf,
  isNotFound,
  type Procedure,
  patchDraft,
  requestKey,
  type ServiceRequest,
  submitRequest,
  uploadAttachment,
  useProcedure,
  useServiceRequest,
} from './eservices-api';
import { forgetRequest, type KeptRequest, keptDraft, markSubmitted, PROCEDURE_CODE_PATTERN } from './kept-requests';
import { ProcedureFields } from './ProcedureFields';
import { BackToCatalog } from './ProcedurePage';
import { AnswerText, type DocumentSlot, documentSlots } from './request-bits';
import { ltr, useFieldProblemText, useFileSize } from './service-bits';

const STEPS = ['details', 'documents', 'review'] as const;
type Step = (typeof STEPS)[number];
const isStep = (value: string | null): value is Step => (STEPS as readonly string[]).includes(value ?? '');

/** The page: the procedure, and this browser's draft of it if there is one (a new page per procedure). */
export function ApplyPage() {
  const { code = '' } = useParams();
  return <ApplyRoute key={code} code={code} />;
}

function ApplyRoute({ code }: { code: string }) {
  const t = useT();
  const ml = useMultilingual();
  const procedure = useProcedure(code, PROCEDURE_CODE_PATTERN.test(code));
  // The draft this browser had on arrival: the one the form resumes. A draft the form makes itself
  // later does not count (the form already holds it; waiting for it would unmount the form).
  const [kept, setKept] = useState(() => keptDraft(code));
  const draft = useServiceRequest(kept?.number ?? '', kept?.token);
  const [restarts, setRestarts] = useState(0);
  useDocumentTitle(
    procedure.data ? t.text('services.apply.title', { name: ml.text(procedure.data.name) }) : t.text('services.apply.titleShort'),
  );

  // A draft this browser kept but the server no longer has (or was submitted from elsewhere): start afresh.
  useEffect(() => {
    if (!kept) return;
    const gone = isNotFound(draft.error);
    if (gone) forgetRequest(kept.number);
    else if (draft.data && draft.data.status !== 'draft') markSubmitted(kept.number);
    if (gone || (draft.data && draft.data.status !== 'draft')) setKept(undefined);
  }, [kept, draft.error, draft.data]);

  if (!PROCEDURE_CODE_PATTERN.test(code) || isNotFound(procedure.error)) return <NotFoundPage home="/services" />;
  const loadError = procedure.error ?? (kept && !isNotFound(draft.error) ? draft.error : null);
  if (loadError)
    return (
      <>
        <BackToCatalog />
        <h1>{t('services.apply.titleShort')}</h1>
        <ProblemMessage error={loadError} onRetry={() => void (procedure.error ? procedure.refetch() : draft.refetch())} />
      </>
    );
  const waitingForDraft = kept !== undefined && !draft.data && !isNotFound(draft.error);
  if (!procedure.data || waitingForDraft) return <PageLoading />;
  const usable = kept && draft.data?.status === 'draft' ? { kept, request: draft.data } : null;
  // The wizard starts from the draft found on arrival; a draft it makes itself does not restart it.
  return (
    <ApplyWizard
      key={restarts}
      procedure={procedure.data}
      draft={usable}
      onRestart={() => {
        setKept(undefined);
        setRestarts((n) => n + 1);
      }}
    />
  );
}

interface Session {
  number: string;
  token: string;
}

function initialForm(procedure: Procedure, draft: { kept: KeptRequest; request: ServiceRequest } | null): ApplyForm {
  const mirror = loadMirror(procedure.code);
  // What was typed here last wins over the server's copy of the same draft (it is at least as new).
  if (mirror && mirror.number === (draft?.kept.number ?? null)) return mirror.form;
  if (!draft) return EMPTY_FORM;
  const r = draft.request;
  return {
    applicant: { name: r.applicant.name ?? '', email: r.applicant.email ?? '', phone: r.applicant.phone ?? '' },
    answers: answersFromApi(fieldsOf(procedure), r.answers as Record<string, unknown>),
    consents: { ...(r.consents as Record<string, boolean>) },
    swornStatements: [...r.swornStatements],
  };
}

function ApplyWizard({
  procedure,
  draft,
  onRestart,
}: {
  procedure: Procedure;
  draft: { kept: KeptRequest; request: ServiceRequest } | null;
  onRestart(): void;
}) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const locale = useLocale();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const fields = fieldsOf(procedure);
  const [session, setSession] = useState<Session | null>(draft ? { number: draft.kept.number, token: draft.kept.token } : null);
  const [form, setForm] = useState<ApplyForm>(() => initialForm(procedure, draft));
  // Once checked (going on, saving), the form is checked again as it changes: a fixed field loses its message at once.
  const [checked, setChecked] = useState<'draft' | 'complete' | null>(null);
  const problems: FormProblems = checked ? checkForm(fields, form, checked === 'complete') : { applicant: {}, answers: {} };
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const creation = useRef<{ key: string; body: string } | null>(null);
  const request = useServiceRequest(session?.number ?? '', session?.token);
  const requested = params.get('step');
  const step: Step = isStep(requested) && (requested === 'details' || session) ? requested : 'details';

  const update = useCallback(
    (patch: Partial<ApplyForm>) => {
      setForm((f) => {
        const next = { ...f, ...patch };
        saveMirror(procedure.code, { number: session?.number ?? null, form: next });
        return next;
      });
      setSavedAt(null);
    },
    [procedure.code, session],
  );

  const go = (next: Step) => navigate({ search: next === 'details' ? '' : `?step=${next}` });

  // The step's heading takes focus when the step changes (not on the page's first render).
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstStep = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each step change
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  /** Saves the draft on the server (made at the first save): answers, consents, sworn statements. */
  const save = useMutation({
    mutationFn: async ({ complete }: { complete: boolean }): Promise<Session | null> => {
      const found = checkForm(fields, form, complete);
      setChecked(complete ? 'complete' : 'draft');
      if (hasProblems(found)) return null;
      const email = form.applicant.email.trim();
      const phone = latinDigits(form.applicant.phone.trim());
      const slots = new Set(documentSlots(procedure).map((d) => d.key));
      const fetched = new Set(procedure.fetchedDocuments.map((d) => d.key));
      const common = {
        consents: Object.fromEntries(Object.entries(form.consents).filter(([k]) => fetched.has(k))),
        swornStatements: form.swornStatements.filter((k) => slots.has(k)),
      };
      let current = session;
      if (!current) {
        const body = {
          procedureCode: procedure.code,
          language: locale,
          applicant: { name: form.applicant.name.trim(), ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
          answers: answersForApi(fields, form),
          ...common,
        };
        // The same creation sent again (a retry after a lost answer) carries the same key: one draft, not two.
        const json = JSON.stringify(body);
        if (creation.current?.body !== json) creation.current = { key: `portal-${randomId(16)}`, body: json };
        const created = await createDraft(body, creation.current.key);
        current = { number: created.number, token: created.token };
        queryClient.setQueryData(requestKey(created.number), created.request);
        setSession(current);
      } else {
        // PATCH merges: an emptied answer is sent as '' and an emptied contact as null, so they are cleared.
        const cleared = Object.fromEntries(fields.filter((f) => f.type !== 'file').map((f) => [f.key, '']));
        const saved = await patchDraft(current.number, current.token, {
          applicant: { name: form.applicant.name.trim(), email: email || null, phone: phone || null },
          answers: { ...cleared, ...answersForApi(fields, form) },
          ...common,
        });
        queryClient.setQueryData(requestKey(current.number), saved);
      }
      saveMirror(procedure.code, { number: current.number, form });
      setSavedAt(new Date());
      return current;
    },
  });

  const submit = useMutation({
    mutationFn: async () => {
      const current = await save.mutateAsync({ complete: true });
      if (!current) return null;
      const submitted = await submitRequest(current.number, current.token);
      return { ...current, submitted };
    },
    onSuccess: (result) => {
      if (!result) {
        go('details');
        return;
      }
      // Away from the form first: this page would otherwise react to its draft being submitted.
      navigate(`/services/requests/${encodeURIComponent(result.number)}/receipt`, { replace: true });
      queryClient.setQueryData(requestKey(result.number), result.submitted);
      markSubmitted(result.number);
      clearMirror(procedure.code);
    },
  });

  const serverErrors = serverFieldErrors(save.error ?? submit.error);
  const stepNumber = STEPS.indexOf(step) + 1;
  const attachments = request.data?.attachments ?? draft?.request.attachments ?? [];

  return (
    <div className="apply">
      <p className="back-link">
        <Link to={`/services/${procedure.code}`}>
          <Icon name="chevron" size={18} />
          {t('services.apply.backToFiche')}
        </Link>
      </p>
      <p className="kicker">{ml(procedure.name)}</p>
      <h1>{t('services.apply.titleShort')}</h1>
      <p className="step-count">{t('services.apply.stepOf', { n: stepNumber, total: STEPS.length })}</p>
      {draft && step === 'details' ? (
        <ResumeNotice
          updatedAt={draft.request.updatedAt}
          onRestart={() => {
            forgetRequest(draft.kept.number);
            clearMirror(procedure.code);
            onRestart();
          }}
        />
      ) : null}

      {step === 'details' ? (
        <DetailsStep
          headingRef={headingRef}
          procedure={procedure}
          form={form}
          update={update}
          problems={problems}
          serverErrors={serverErrors}
          error={save.error}
          pending={save.isPending}
          onNext={() =>
            save.mutate(
              { complete: true },
              {
                onSuccess: (saved) => {
                  if (saved) go('documents');
                  else requestAnimationFrame(() => document.querySelector<HTMLElement>('.apply [aria-invalid="true"]')?.focus());
                },
              },
            )
          }
        />
      ) : null}
      {step === 'documents' && session ? (
        <DocumentsStep
          headingRef={headingRef}
          procedure={procedure}
          session={session}
          attachments={attachments}
          form={form}
          update={update}
          error={save.error}
          pending={save.isPending}
          onBack={() => go('details')}
          onNext={() => save.mutate({ complete: true }, { onSuccess: (saved) => (saved ? go('review') : go('details')) })}
        />
      ) : null}
      {step === 'review' && session ? (
        <ReviewStep
          headingRef={headingRef}
          procedure={procedure}
          form={form}
          attachments={attachments}
          error={submit.error}
          pending={submit.isPending}
          onEdit={go}
          onSubmit={() => {
            if (!submit.isPending) submit.mutate();
          }}
        />
      ) : null}
      {step !== 'details' && !session ? <Navigate to={{ search: '' }} replace /> : null}

      {step !== 'review' ? (
        <p className="draft-save">
          <button
            type="button"
            className="button button-quiet"
            aria-disabled={save.isPending || undefined}
            onClick={() => {
              if (!save.isPending) save.mutate({ complete: false });
            }}
          >
            {t('services.apply.saveDraft')}
          </button>
          <span role="status" className="draft-status">
            {savedAt ? t('services.apply.savedAt', { time: fmt.dateTime(savedAt) }) : null}
          </span>
        </p>
      ) : null}
    </div>
  );
}

function ResumeNotice({ updatedAt, onRestart }: { updatedAt: string; onRestart(): void }) {
  const t = useT();
  const fmt = useFormat();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="notice">
      <p>{t('services.apply.resumed', { time: fmt.dateTime(updatedAt) })}</p>
      {confirming ? (
        <div className="step-nav">
          <button type="button" className="button button-danger button-small" onClick={onRestart}>
            {t('services.apply.restartConfirm')}
          </button>
          <button type="button" className="button button-quiet button-small" onClick={() => setConfirming(false)}>
            {t('common.action.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="button button-secondary button-small" onClick={() => setConfirming(true)}>
          {t('services.apply.restart')}
        </button>
      )}
    </div>
  );
}

interface StepProps {
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  procedure: Procedure;
  form: ApplyForm;
  error: unknown;
  pending: boolean;
}

function StepHeading({ headingRef, id, children }: { headingRef: StepProps['headingRef']; id: string; children: ReactNode }) {
  return (
    <h2 id={id} ref={headingRef} tabIndex={-1} className="step-title">
      {children}
    </h2>
  );
}

// ---------------------------------------------------------------------------------------------
// 1. Details and answers

function DetailsStep({
  headingRef,
  procedure,
  form,
  update,
  problems,
  serverErrors,
  error,
  pending,
  onNext,
}: StepProps & {
  update(patch: Partial<ApplyForm>): void;
  problems: FormProblems;
  serverErrors: Record<string, string>;
  onNext(): void;
}) {
  const t = useT();
  const problemText = useProblemText();
  const fieldProblem = useFieldProblemText();
  const fields = fieldsOf(procedure);
  const errors: Record<string, ReactNode> = {};
  for (const f of fields) errors[f.key] = fieldProblem(problems.answers[f.key]) ?? serverErrors[`answers.${f.key}`];
  const setAnswer = (key: string, value: RawAnswer | undefined) => {
    const answers = { ...form.answers };
    if (value === undefined) delete answers[key];
    else answers[key] = value;
    update({ answers });
  };
  const setApplicant = (patch: Partial<ApplyForm['applicant']>) => update({ applicant: { ...form.applicant, ...patch } });
  return (
    <form
      aria-labelledby="step-details"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!pending) onNext();
      }}
    >
      <StepHeading headingRef={headingRef} id="step-details">
        {t('services.apply.details')}
      </StepHeading>
      <fieldset className="form-section">
        <legend>{t('services.apply.applicant')}</legend>
        <p className="field-hint">{t('services.apply.applicantHint')}</p>
        <TextField
          id="applicant-name"
          required
          label={t('services.apply.name')}
          value={form.applicant.name}
          autoComplete="name"
          maxLength={200}
          onChange={(name) => setApplicant({ name })}
          error={problemText(problems.applicant.name) ?? serverErrors['applicant.name']}
        />
        <TextField
          id="applicant-email"
          type="email"
          inputMode="email"
          autoComplete="email"
          dir="ltr"
          label={t('services.apply.email')}
          hint={t('services.apply.emailHint')}
          value={form.applicant.email}
          onChange={(email) => setApplicant({ email })}
          error={problemText(problems.applicant.email) ?? serverErrors['applicant.email']}
        />
        <TextField
          id="applicant-phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          dir="ltr"
          label={t('services.apply.phone')}
          hint={t('services.apply.phoneHint')}
          value={form.applicant.phone}
          onChange={(phone) => setApplicant({ phone })}
          error={problemText(problems.applicant.phone) ?? serverErrors['applicant.phone']}
        />
      </fieldset>
      {fields.some((f) => f.type !== 'file') ? (
        <fieldset className="form-section">
          <legend>{t('services.apply.questions')}</legend>
          <ProcedureFields fields={fields} values={form.answers} errors={errors} onChange={setAnswer} />
        </fieldset>
      ) : null}
      <FormProblem error={error} shownFields={['applicant', 'answers']} />
      <div className="step-nav">
        <button type="submit" className="button" aria-disabled={pending || undefined} data-pending={pending || undefined}>
          {t('services.apply.next')}
          <Chevron to="forward" />
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Documents, sworn statements, consents

function DocumentsStep({
  headingRef,
  procedure,
  session,
  attachments,
  form,
  update,
  error,
  pending,
  onBack,
  onNext,
}: StepProps & {
  session: Session;
  attachments: readonly Attachment[];
  update(patch: Partial<ApplyForm>): void;
  onBack(): void;
  onNext(): void;
}) {
  const t = useT();
  const ml = useMultilingual();
  const slots = documentSlots(procedure);
  return (
    <form
      aria-labelledby="step-documents"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!pending) onNext();
      }}
    >
      <StepHeading headingRef={headingRef} id="step-documents">
        {t('services.apply.documents')}
      </StepHeading>
      {slots.length === 0 ? <p>{t('services.apply.noDocuments')}</p> : <p className="field-hint">{t('services.apply.documentsLead')}</p>}
      <ul className="slot-list">
        {slots.map((slot) => (
          <li key={slot.key}>
            <DocumentSlotCard
              slot={slot}
              session={session}
              attachments={attachments.filter((a) => a.documentKey === slot.key)}
              editable
              sworn={form.swornStatements.includes(slot.key)}
              onSworn={(on) =>
                update({
                  swornStatements: on ? [...form.swornStatements, slot.key] : form.swornStatements.filter((k) => k !== slot.key),
                })
              }
            />
          </li>
        ))}
      </ul>
      {procedure.fetchedDocuments.length > 0 ? (
        <fieldset className="form-section consent-section">
          <legend>{t('services.apply.consents')}</legend>
          <p className="field-hint">{t('services.apply.consentsLead')}</p>
          {procedure.fetchedDocuments.map((d) => (
            <label key={d.key} className="choice consent">
              <input
                type="checkbox"
                checked={form.consents[d.key] === true}
                onChange={(e) => update({ consents: { ...form.consents, [d.key]: e.target.checked } })}
              />
              <span>{t('services.apply.consent', { document: ml.text(d.name), from: ml.text(d.from) })}</span>
            </label>
          ))}
          <p className="field-hint">{t('services.apply.consentsWithout')}</p>
        </fieldset>
      ) : null}
      <FormProblem error={error} shownFields={['consents', 'swornStatements']} />
      <div className="step-nav">
        <button type="submit" className="button" aria-disabled={pending || undefined} data-pending={pending || undefined}>
          {t('services.apply.next')}
          <Chevron to="forward" />
        </button>
        <button type="button" className="button button-quiet" onClick={onBack}>
          <Chevron to="back" />
          {t('services.apply.back')}
        </button>
      </div>
    </form>
  );
}

/**
 * One document: what it is, the files sent for it (each removable while `editable`), adding a
 * file (sent at once), and — where the fiche allows it — a sworn statement in its place (art 8).
 */
export function DocumentSlotCard({
  slot,
  session,
  attachments,
  editable,
  sworn,
  onSworn,
  upload: uploadOverride,
  canAdd = true,
  onUploaded,
}: {
  slot: DocumentSlot;
  session: Session;
  attachments: readonly Attachment[];
  /** Files may be removed (a draft); otherwise only added. */
  editable: boolean;
  sworn?: boolean;
  onSworn?(on: boolean): void;
  /** Files may be added (default: yes). */
  canAdd?: boolean;
  /** Called with each file the server took. */
  onUploaded?(attachment: Attachment): void;
  /** How a file is sent (the office's counter sends through its own route). */
  upload?(documentKey: string, file: File): Promise<Attachment>;
}) {
  const t = useT();
  const ml = useMultilingual();
  const fileSize = useFileSize();
  const queryClient = useQueryClient();
  const id = useId();
  const [refused, setRefused] = useState<{ name: string; reason: 'type' | 'size' } | null>(null);
  const patchCache = (change: (list: Attachment[]) => Attachment[]) =>
    queryClient.setQueryData<ServiceRequest>(requestKey(session.number), (r) =>
      r ? { ...r, attachments: change([...r.attachments]) } : r,
    );
  const upload = useMutation({
    mutationFn: (file: File) =>
      uploadOverride ? uploadOverride(slot.key, file) : uploadAttachment(session.number, session.token, slot.key, file),
    onSuccess: (attachment) => {
      onUploaded?.(attachment);
      patchCache((list) => [...list, attachment]);
      void queryClient.invalidateQueries({ queryKey: requestKey(session.number) });
    },
  });
  const remove = useMutation({
    mutationFn: (attachmentId: string) => deleteAttachment(session.number, session.token, attachmentId),
    onSuccess: (_result, attachmentId) => patchCache((list) => list.filter((a) => a.id !== attachmentId)),
  });
  const handleFile = (file: File | undefined) => {
    setRefused(null);
    upload.reset();
    if (!file) return;
    // An empty type (some older phones): let the server judge the content.
    if (file.type && !ATTACHMENT_TYPES.includes(file.type)) setRefused({ name: file.name, reason: 'type' });
    else if (file.size > FIELD_LIMITS.attachmentBytesMax) setRefused({ name: file.name, reason: 'size' });
    else upload.mutate(file);
  };
  const supplied = attachments.length > 0;
  const state = supplied ? 'supplied' : sworn ? 'sworn' : slot.required ? 'missing' : 'optional';
  const maxSize = fileSize(FIELD_LIMITS.attachmentBytesMax);
  return (
    <article className={`slot slot-${state}`} aria-labelledby={`${id}-name`}>
      <h3 id={`${id}-name`} className="slot-name">
        {ml(slot.name)}
      </h3>
      <p className="slot-state">
        <span className={`badge slot-badge-${state}`}>{t(`services.slot.${state}`)}</span>
        {slot.required ? null : <span className="field-optional">{t('portal.reports.field.optional')}</span>}
      </p>
      {slot.note ? <p className="field-hint">{ml(slot.note)}</p> : null}
      {attachments.length > 0 ? (
        <ul className="file-list">
          {attachments.map((a) => (
            <li key={a.id}>
              <Icon name="document" size={20} />
              <span className="file-name">
                <bdi>{a.filename}</bdi>
                <span className="file-size">{fileSize(a.size)}</span>
              </span>
              {editable ? (
                <button
                  type="button"
                  className="button button-quiet button-small"
                  aria-disabled={remove.isPending || undefined}
                  onClick={() => {
                    if (!remove.isPending) remove.mutate(a.id);
                  }}
                >
                  {t('services.slot.remove')}
                  <span className="visually-hidden"> {a.filename}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {(sworn && !supplied) || !canAdd ? null : (
        <div className="field slot-add">
          <input
            id={id}
            className="file-input"
            type="file"
            accept={ATTACHMENT_TYPES.join(',')}
            disabled={upload.isPending}
            aria-describedby={`${id}-hint`}
            onChange={(e) => {
              handleFile(e.target.files?.[0]);
              // The same file may be chosen again after a failure.
              e.target.value = '';
            }}
          />
          <label htmlFor={id} className="button button-secondary" data-disabled={upload.isPending || undefined}>
            <Icon name="plus" size={20} />
            {upload.isPending ? t('services.slot.sending') : t(supplied ? 'services.slot.addAnother' : 'services.slot.add')}
            <span className="visually-hidden"> — {ml.text(slot.name)}</span>
          </label>
          <p id={`${id}-hint`} className="field-hint">
            {t('services.slot.hint', { size: maxSize, formats: ltr('PDF, JPEG, PNG') })}
          </p>
        </div>
      )}
      <div aria-live="polite">
        {refused ? (
          <p className="field-error">
            <bdi>{refused.name}</bdi> — {t(`services.slot.refused.${refused.reason}`, { size: maxSize, formats: ltr('PDF, JPEG, PNG') })}
          </p>
        ) : null}
        {upload.isError ? <ProblemMessage error={upload.error} compact /> : null}
        {remove.isError ? <ProblemMessage error={remove.error} compact /> : null}
      </div>
      {slot.swornStatementAllowed && onSworn ? (
        <label className="choice sworn">
          <input type="checkbox" checked={sworn === true} onChange={(e) => onSworn(e.target.checked)} />
          <span>{t('services.slot.swornInstead')}</span>
        </label>
      ) : null}
    </article>
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Review and submit

function ReviewStep({
  headingRef,
  procedure,
  form,
  attachments,
  error,
  pending,
  onEdit,
  onSubmit,
}: StepProps & {
  attachments: readonly Attachment[];
  onEdit(step: Step): void;
  onSubmit(): void;
}) {
  const t = useT();
  const ml = useMultilingual();
  const slots = documentSlots(procedure);
  const missing = slots.filter(
    (s) => s.required && !form.swornStatements.includes(s.key) && !attachments.some((a) => a.documentKey === s.key),
  );
  const answered = fieldsOf(procedure).filter((f) => f.type !== 'file' && filledAnswers(form.answers)[f.key] !== undefined);
  return (
    <section aria-labelledby="step-review">
      <StepHeading headingRef={headingRef} id="step-review">
        {t('services.apply.review')}
      </StepHeading>
      <div className="review">
        <dl className="review-list">
          <ReviewItem label={t('services.apply.applicant')} onEdit={() => onEdit('details')}>
            <bdi>{form.applicant.name}</bdi>
            {form.applicant.email ? (
              <>
                <br />
                <span dir="ltr">{form.applicant.email}</span>
              </>
            ) : null}
            {form.applicant.phone ? (
              <>
                <br />
                <span dir="ltr">{form.applicant.phone}</span>
              </>
            ) : null}
          </ReviewItem>
          {answered.map((f) => (
            <ReviewItem key={f.key} label={ml(f.label)} onEdit={() => onEdit('details')}>
              <AnswerText field={f} value={form.answers[f.key]} />
            </ReviewItem>
          ))}
          <ReviewItem label={t('services.apply.documents')} onEdit={() => onEdit('documents')}>
            {slots.length === 0 ? (
              t('services.apply.noDocuments')
            ) : (
              <ul className="review-docs">
                {slots.map((s) => {
                  const files = attachments.filter((a) => a.documentKey === s.key).length;
                  const state =
                    files > 0 ? 'supplied' : form.swornStatements.includes(s.key) ? 'sworn' : s.required ? 'missing' : 'optional';
                  return (
                    <li key={s.key}>
                      {ml(s.name)} — <span className={`slot-word-${state}`}>{t(`services.slot.${state}`)}</span>
                    </li>
                  );
                })}
              </ul>
            )}
          </ReviewItem>
          {procedure.fetchedDocuments.length > 0 ? (
            <ReviewItem label={t('services.apply.consents')} onEdit={() => onEdit('documents')}>
              <ul className="review-docs">
                {procedure.fetchedDocuments.map((d) => (
                  <li key={d.key}>
                    {ml(d.name)} — {t(form.consents[d.key] ? 'services.apply.consentYes' : 'services.apply.consentNo')}
                  </li>
                ))}
              </ul>
            </ReviewItem>
          ) : null}
        </dl>
      </div>
      {missing.length > 0 ? (
        <div className="notice notice-warning" role="note">
          <p className="notice-title">{t('services.apply.missingTitle', { count: missing.length })}</p>
          <ul>
            {missing.map((s) => (
              <li key={s.key}>{ml(s.name)}</li>
            ))}
          </ul>
          <p>{t('services.apply.missingExplain')}</p>
        </div>
      ) : (
        <p className="notice notice-success">{t('services.apply.completeExplain')}</p>
      )}
      <p className="field-hint">{t('services.apply.truthful')}</p>
      <FormProblem error={error} />
      <div className="step-nav">
        <button
          type="button"
          className="button button-send"
          aria-disabled={pending || undefined}
          data-pending={pending || undefined}
          onClick={onSubmit}
        >
          {pending ? t('services.apply.submitting') : t('services.apply.submit')}
        </button>
        <button type="button" className="button button-quiet" onClick={() => onEdit('documents')}>
          <Chevron to="back" />
          {t('services.apply.back')}
        </button>
      </div>
    </section>
  );
}

function ReviewItem({ label, onEdit, children }: { label: ReactNode; onEdit(): void; children: ReactNode }) {
  const t = useT();
  return (
    <div className="review-item">
      <dt>{label}</dt>
      <dd>
        <span className="review-text">{children}</span>
        <button type="button" className="button button-quiet button-small" onClick={onEdit}>
          {t('common.action.edit')}
          <span className="visually-hidden"> — {label}</span>
        </button>
      </dd>
    </div>
  );
}
