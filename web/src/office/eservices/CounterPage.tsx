/**
 * /office/eservices/counter: an agent files a request for a citizen who came in person — the
 * procedure, the citizen's details and answers (the same form and checks as online), the
 * documents scanned or photographed there, then the deposit; the receipt and the tracking link
 * are handed to the citizen.
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import { DocumentSlotCard } from '../../portal/eservices/ApplyPage';
import {
  type ApplyForm,
  answersForApi,
  checkForm,
  EMPTY_FORM,
  type FormProblems,
  hasProblems,
  type RawAnswer,
} from '../../portal/eservices/apply-form';
import { type Attachment, fieldsOf, type ServiceRequest, useProcedure } from '../../portal/eservices/eservices-api';
import { ProcedureFields } from '../../portal/eservices/ProcedureFields';
import { KeepLink, Receipts } from '../../portal/eservices/RequestPage';
import { documentSlots } from '../../portal/eservices/request-bits';
import { RequestStatusBadge } from '../../portal/eservices/service-bits';
import { latinDigits } from '../../portal/reports/validate';
import { useLocale, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { CheckboxField, FormProblem, fieldErrorsOf, type Option, SelectField, TextInput } from '../forms';
import { PERMISSIONS, useSession } from '../session';
import { fileForCitizen, submitAtCounter, uploadAtCounter, useCatalog } from './eservices-api';
import { EservicesNav } from './office-bits';

interface Filed {
  id: string;
  number: string;
  token: string;
  request: ServiceRequest;
}

export function CounterPage() {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const catalog = useCatalog(can(PERMISSIONS.eservicesCatalog));
  const [code, setCode] = useState('');
  const [filed, setFiled] = useState<Filed | null>(null);
  const [round, setRound] = useState(0);
  useDocumentTitle(t.text('services.office.counter.title'));
  const published = (catalog.data ?? []).filter((p) => p.status === 'published');
  const options: Option<string>[] = [
    { id: '', label: t('services.office.counter.choose'), text: t.text('services.office.counter.choose') },
    ...published.map((p) => ({ id: p.code, label: ml(p.name), text: ml.text(p.name) })),
  ];
  return (
    <>
      <h1>{t('services.office.counter.title')}</h1>
      <EservicesNav />
      <p className="lead">{t('services.office.counter.lead')}</p>
      {catalog.isError ? <ProblemMessage error={catalog.error} onRetry={() => void catalog.refetch()} /> : null}
      {filed ? (
        <CounterDocuments
          key={filed.number}
          filed={filed}
          onDone={(request) => setFiled({ ...filed, request })}
          onAnother={() => {
            setFiled(null);
            setCode('');
            setRound((n) => n + 1);
          }}
        />
      ) : (
        <>
          <SelectField label={t('services.office.counter.procedure')} value={code} onChange={setCode} options={options} />
          {code ? <CounterForm key={`${code}-${round}`} code={code} onFiled={setFiled} /> : null}
        </>
      )}
    </>
  );
}

function CounterForm({ code, onFiled }: { code: string; onFiled(filed: Filed): void }) {
  const t = useT();
  const ml = useMultilingual();
  const locale = useLocale();
  const procedure = useProcedure(code);
  const [form, setForm] = useState<ApplyForm>(EMPTY_FORM);
  // Once checked (going on, saving), the form is checked again as it changes: a fixed field loses its message at once.
  const [checked, setChecked] = useState<'draft' | 'complete' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  if (procedure.isError) return <ProblemMessage error={procedure.error} onRetry={() => void procedure.refetch()} />;
  if (!procedure.data)
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  const p = procedure.data;
  const fields = fieldsOf(p);
  const problems: FormProblems = checked ? checkForm(fields, form, checked === 'complete') : { applicant: {}, answers: {} };
  const server = fieldErrorsOf(error);
  const fieldError = (key: string) => {
    const problem = problems.answers[key];
    return problem ? t(`services.${problem.key}`, problem.values) : server[`answers.${key}`];
  };
  const applicantError = (key: 'name' | 'email' | 'phone') => {
    const problem = problems.applicant[key];
    return problem ? t.text(problem.key, problem.values) : server[`applicant.${key}`];
  };
  const slots = documentSlots(p);
  const update = (patch: Partial<ApplyForm>) => setForm((f) => ({ ...f, ...patch }));

  const handleFile = async () => {
    const found = checkForm(fields, form, true);
    setChecked('complete');
    if (hasProblems(found) || pending) return;
    setPending(true);
    setError(null);
    try {
      const result = await fileForCitizen({
        procedureCode: p.code,
        language: locale,
        applicant: {
          name: form.applicant.name.trim(),
          ...(form.applicant.email.trim() ? { email: form.applicant.email.trim() } : {}),
          ...(form.applicant.phone.trim() ? { phone: latinDigits(form.applicant.phone.trim()) } : {}),
        },
        answers: answersForApi(fields, form),
        consents: form.consents,
        swornStatements: form.swornStatements,
      });
      onFiled({ id: result.request.id, number: result.number, token: result.token, request: result.request });
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Form
      className="counter-form"
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        void handleFile();
      }}
    >
      <fieldset className="ml-fieldset">
        <legend>{t('services.apply.applicant')}</legend>
        <TextInput
          label={t('services.apply.name')}
          value={form.applicant.name}
          onChange={(name) => update({ applicant: { ...form.applicant, name } })}
          error={applicantError('name')}
          isRequired
          dir="auto"
        />
        <div className="field-row">
          <TextInput
            label={t('services.apply.email')}
            type="email"
            value={form.applicant.email}
            onChange={(email) => update({ applicant: { ...form.applicant, email } })}
            error={applicantError('email')}
            dir="ltr"
          />
          <TextInput
            label={t('services.apply.phone')}
            type="tel"
            value={form.applicant.phone}
            onChange={(phone) => update({ applicant: { ...form.applicant, phone } })}
            error={applicantError('phone')}
            dir="ltr"
          />
        </div>
      </fieldset>
      {fields.some((f) => f.type !== 'file') ? (
        <fieldset className="ml-fieldset counter-answers">
          <legend>{t('services.apply.questions')}</legend>
          <ProcedureFields
            fields={fields}
            values={form.answers}
            errors={Object.fromEntries(fields.map((f) => [f.key, fieldError(f.key)]))}
            onChange={(key, value: RawAnswer | undefined) => {
              const answers = { ...form.answers };
              if (value === undefined) delete answers[key];
              else answers[key] = value;
              update({ answers });
            }}
          />
        </fieldset>
      ) : null}
      {slots.some((s) => s.swornStatementAllowed) || p.fetchedDocuments.length > 0 ? (
        <fieldset className="ml-fieldset">
          <legend>{t('services.office.counter.declarations')}</legend>
          {slots
            .filter((s) => s.swornStatementAllowed)
            .map((s) => (
              <CheckboxField
                key={s.key}
                label={t('services.office.counter.sworn', { document: ml.text(s.name) })}
                isSelected={form.swornStatements.includes(s.key)}
                onChange={(on) =>
                  update({ swornStatements: on ? [...form.swornStatements, s.key] : form.swornStatements.filter((k) => k !== s.key) })
                }
              />
            ))}
          {p.fetchedDocuments.map((d) => (
            <CheckboxField
              key={d.key}
              label={t('services.apply.consent', { document: ml.text(d.name), from: ml.text(d.from) })}
              isSelected={form.consents[d.key] === true}
              onChange={(on) => update({ consents: { ...form.consents, [d.key]: on } })}
            />
          ))}
        </fieldset>
      ) : null}
      {error ? <FormProblem error={error} shownFields={['applicant', 'answers']} /> : null}
      <div className="form-actions">
        <Button type="submit" className="button" isPending={pending}>
          {t('services.office.counter.create')}
        </Button>
      </div>
    </Form>
  );
}

function CounterDocuments({ filed, onDone, onAnother }: { filed: Filed; onDone(request: ServiceRequest): void; onAnother(): void }) {
  const t = useT();
  const ml = useMultilingual();
  const procedure = useProcedure(filed.request.procedure.code);
  const [attachments, setAttachments] = useState<Attachment[]>(filed.request.attachments);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const r = filed.request;
  const submitted = r.status !== 'draft';
  const slots = procedure.data ? documentSlots(procedure.data) : [];
  if (submitted) {
    return (
      <section className="panel" aria-labelledby="counter-done">
        <h2 id="counter-done">{t(r.status === 'incomplete' ? 'services.receipt.incompleteTitle' : 'services.receipt.completeTitle')}</h2>
        <p className="record-badges">
          <RequestStatusBadge status={r.status} />
        </p>
        <p className="tracking-number" dir="ltr">
          {r.number}
        </p>
        {r.missingDocuments.length > 0 ? (
          <div className="notice notice-warning">
            <p className="notice-title">{t('services.receipt.missing', { count: r.missingDocuments.length })}</p>
            <ul>
              {r.missingDocuments.map((m) => (
                <li key={m.key}>{ml(m.name)}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <p>{t('services.office.counter.handOver')}</p>
        <Receipts number={r.number} token={filed.token} />
        <KeepLink number={r.number} token={filed.token} keptHere={false} />
        <div className="form-actions">
          <Link className="button" to={`/office/eservices/${filed.id}`}>
            {t('services.office.counter.open')}
          </Link>
          <Button className="button button-secondary" onPress={onAnother}>
            {t('services.office.counter.another')}
          </Button>
        </div>
      </section>
    );
  }
  return (
    <section aria-labelledby="counter-docs">
      <h2 id="counter-docs">{t('services.apply.documents')}</h2>
      <p className="field-hint">{t('services.office.counter.documentsLead', { number: filed.number })}</p>
      <ul className="slot-list">
        {slots.map((s) => (
          <li key={s.key}>
            <DocumentSlotCard
              slot={s}
              session={{ number: filed.number, token: filed.token }}
              attachments={attachments.filter((a) => a.documentKey === s.key)}
              editable={false}
              sworn={r.swornStatements.includes(s.key)}
              upload={(documentKey, file) => uploadAtCounter(filed.id, documentKey, file)}
              onUploaded={(a) => setAttachments((list) => [...list, a])}
            />
          </li>
        ))}
      </ul>
      {error ? <ProblemMessage error={error} /> : null}
      <Button
        className="button"
        isPending={pending}
        onPress={async () => {
          setPending(true);
          setError(null);
          try {
            onDone(await submitAtCounter(filed.id));
          } catch (e) {
            setError(e);
          } finally {
            setPending(false);
          }
        }}
      >
        {t('services.office.counter.deposit')}
      </Button>
    </section>
  );
}
