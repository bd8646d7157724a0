/**
 * /office/eservices/:id: one request — the applicant, the answers, the files (opened from here),
 * consents and sworn statements, its clocks and history — and, beside it, the assignment and the
 * actions the server allows in its current status (`availableActions`), each with its form.
 * Every read of this page is audited by the server (eservices.request.viewed).
 */
import { type ReactNode, useState } from 'react';
import { Button, Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import type { Field } from '../../../../src/modules/eservices/procedure';
import { LIMITS } from '../../../../src/platform/limits';
import { ProblemError } from '../../api/client';
import { fieldsOf } from '../../portal/eservices/eservices-api';
import { AnswerText, ClockList, documentSlots, History } from '../../portal/eservices/request-bits';
import { RequestStatusBadge, useFileSize } from '../../portal/eservices/service-bits';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { ENDONYMS, HTML_LANG, isLocale, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../../shared/page';
import { CheckboxField, FormProblem, fieldErrorsOf, TextInput } from '../forms';
import { PERMISSIONS, useSession } from '../session';
import {
  openAttachment,
  openIssuedDocument,
  type StaffAction,
  type StaffProcedure,
  type StaffRequest,
  useAssign,
  useRequestProcedure,
  useRevoke,
  useStaff,
  useStaffAction,
  useStaffRequest,
} from './eservices-api';
import { OverdueMark } from './office-bits';

export function RequestPage() {
  const t = useT();
  const { id = '' } = useParams();
  const request = useStaffRequest(id);
  if (request.isError) {
    if (request.error instanceof ProblemError && (request.error.status === 404 || request.error.status === 400))
      return <NotFoundPage home="/office/eservices" />;
    return <ProblemMessage error={request.error} onRetry={() => void request.refetch()} />;
  }
  if (request.isPending)
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  return <RequestView request={request.data} />;
}

function RequestView({ request: r }: { request: StaffRequest }) {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const procedure = useRequestProcedure(r.procedure, can(PERMISSIONS.eservicesCatalog));
  useDocumentTitle(t.text('services.request.title', { number: r.number }));
  const canProcess = can(PERMISSIONS.eservicesProcess);
  return (
    <>
      <p className="back-link">
        <Link to="/office/eservices">
          <Icon name="chevron" size={18} />
          {t('services.office.backToQueue')}
        </Link>
      </p>
      <div className="page-head">
        <h1>{t('services.request.title', { number: r.number })}</h1>
        <p className="record-badges">
          <RequestStatusBadge status={r.status} />
          {r.overdue ? <OverdueMark /> : null}
          {r.channel === 'counter' ? <span className="badge">{t('services.office.channel.counter')}</span> : null}
          {r.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
        </p>
      </div>
      <p className="lead">
        {ml(r.procedure.name)} · {ml(r.department.name)}
      </p>
      <div className="report-layout">
        <div className="report-main">
          <Applicant request={r} />
          <Answers request={r} procedure={procedure.data} />
          <Files request={r} procedure={procedure.data} />
          <Outcome request={r} />
          <IssuedDocuments request={r} />
          <section className="panel" aria-labelledby="request-history-title">
            <h2 id="request-history-title">{t('services.request.history')}</h2>
            <History
              request={r}
              extra={(h) => {
                const actor = (h as { actor?: string | null }).actor;
                // The server names the applicant and its clock job with fixed labels; staff by name.
                const named = actor === 'applicant' ? 'applicant' : actor === 'eservices clock' ? 'clock' : null;
                return actor ? <p className="record-meta">{named ? t(`services.office.actor.${named}`) : <bdi>{actor}</bdi>}</p> : null;
              }}
            />
          </section>
        </div>
        <div className="report-side">
          <section className="panel" aria-labelledby="request-clocks-title">
            <h2 id="request-clocks-title">{t('services.request.clocks')}</h2>
            <ClockList request={r} staff />
          </section>
          {canProcess ? <Actions request={r} procedure={procedure.data} /> : null}
          {canProcess ? <Assign request={r} /> : null}
        </div>
      </div>
    </>
  );
}

function Applicant({ request: r }: { request: StaffRequest }) {
  const t = useT();
  const fmt = useFormat();
  return (
    <section className="panel" aria-labelledby="request-applicant-title">
      <h2 id="request-applicant-title">{t('services.apply.applicant')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('services.apply.name')}</dt>
          <dd>
            <bdi>{r.applicant.name}</bdi>
          </dd>
        </div>
        {r.applicant.email ? (
          <div>
            <dt>{t('services.apply.email')}</dt>
            <dd>
              <a href={`mailto:${r.applicant.email}`} dir="ltr">
                {r.applicant.email}
              </a>
            </dd>
          </div>
        ) : null}
        {r.applicant.phone ? (
          <div>
            <dt>{t('services.apply.phone')}</dt>
            <dd>
              <a href={`tel:${r.applicant.phone.replace(/[^\d+]/g, '')}`} dir="ltr">
                {r.applicant.phone}
              </a>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('services.office.filedOn')}</dt>
          <dd>
            <time dateTime={r.createdAt}>{fmt.dateTime(r.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('services.office.language')}</dt>
          <dd>{isLocale(r.language) ? <span lang={HTML_LANG[r.language]}>{ENDONYMS[r.language]}</span> : r.language}</dd>
        </div>
      </dl>
    </section>
  );
}

function Answers({ request: r, procedure }: { request: StaffRequest; procedure: StaffProcedure | undefined }) {
  const t = useT();
  const ml = useMultilingual();
  const fields: Field[] = procedure ? fieldsOf(procedure) : [];
  const known = new Set(fields.map((f) => f.key));
  const extra = Object.keys(r.answers).filter((k) => !known.has(k));
  return (
    <section className="panel" aria-labelledby="request-answers-title">
      <h2 id="request-answers-title">{t('services.office.answers')}</h2>
      {Object.keys(r.answers).length === 0 ? <p className="empty">{t('services.office.noAnswers')}</p> : null}
      <dl className="facts">
        {fields
          .filter((f) => r.answers[f.key] !== undefined)
          .map((f) => (
            <div key={f.key}>
              <dt>{ml(f.label)}</dt>
              <dd>
                <AnswerText field={f} value={r.answers[f.key]} />
              </dd>
            </div>
          ))}
        {extra.map((k) => (
          <div key={k}>
            <dt>
              <code dir="ltr">{k}</code>
            </dt>
            <dd>
              <bdi>{JSON.stringify(r.answers[k])}</bdi>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The documents of the fiche, each with its files (opened here), its sworn statement, or "missing". */
function Files({ request: r, procedure }: { request: StaffRequest; procedure: StaffProcedure | undefined }) {
  const t = useT();
  const ml = useMultilingual();
  const fileSize = useFileSize();
  const [error, setError] = useState<unknown>(null);
  const slots = procedure ? documentSlots(procedure) : [];
  const keys = new Set(slots.map((s) => s.key));
  const stray = r.attachments.filter((a) => !keys.has(a.documentKey));
  const missing = new Set(r.missingDocuments.map((m) => m.key));
  const open = (a: StaffRequest['attachments'][number]) => {
    setError(null);
    openAttachment(r.id, a).catch(setError);
  };
  return (
    <section className="panel" aria-labelledby="request-files-title">
      <h2 id="request-files-title">{t('services.office.files')}</h2>
      {error ? <ProblemMessage error={error} compact /> : null}
      <ul className="office-slots">
        {slots.map((s) => {
          const files = r.attachments.filter((a) => a.documentKey === s.key);
          const sworn = r.swornStatements.includes(s.key);
          const state = files.length > 0 ? 'supplied' : sworn ? 'sworn' : s.required ? 'missing' : 'optional';
          return (
            <li key={s.key} className={`slot slot-${state}`}>
              <p className="slot-name">{ml(s.name)}</p>
              <p className="slot-state">
                <span className={`badge slot-badge-${state}`}>{t(`services.slot.${state}`)}</span>
                {missing.has(s.key) ? <span className="badge">{t('services.office.listedMissing')}</span> : null}
              </p>
              {files.length > 0 ? (
                <ul className="file-list">
                  {files.map((a) => (
                    <li key={a.id}>
                      <Icon name="document" size={20} />
                      <span className="file-name">
                        <bdi>{a.filename}</bdi>
                        <span className="file-size">
                          {fileSize(a.size)} · <code dir="ltr">{a.sha256.slice(0, 12)}</code>
                        </span>
                      </span>
                      <Button className="button button-secondary button-small" onPress={() => open(a)}>
                        {t('services.office.open')}
                        <span className="visually-hidden"> {a.filename}</span>
                      </Button>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
        {stray.map((a) => (
          <li key={a.id} className="slot">
            <p className="slot-name">
              <code dir="ltr">{a.documentKey}</code>
            </p>
            <Button className="button button-secondary button-small" onPress={() => open(a)}>
              <bdi>{a.filename}</bdi>
            </Button>
          </li>
        ))}
      </ul>
      {procedure && procedure.fetchedDocuments.length > 0 ? (
        <>
          <h3>{t('services.office.fetched')}</h3>
          <ul className="review-docs">
            {procedure.fetchedDocuments.map((d) => (
              <li key={d.key}>
                {ml(d.name)} ({ml(d.from)}) — {t(r.consents[d.key] ? 'services.apply.consentYes' : 'services.apply.consentNo')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function Outcome({ request: r }: { request: StaffRequest }) {
  const t = useT();
  const fmt = useFormat();
  if (!r.completionMessage && !r.decision && !r.appeal) return null;
  return (
    <section className="panel" aria-labelledby="request-outcome-title">
      <h2 id="request-outcome-title">{t('services.office.exchanges')}</h2>
      {r.completionMessage ? (
        <>
          <h3>{t('services.office.completionMessage')}</h3>
          <p className="pre-line report-text" dir="auto">
            {r.completionMessage}
          </p>
        </>
      ) : null}
      {r.decision ? (
        <>
          <h3>
            {t('services.decision.title')} — {t(`services.decision.${r.decision.outcome}`)} ({fmt.date(r.decision.at)})
          </h3>
          {r.decision.reasons ? (
            <p className="pre-line report-text" dir="auto">
              {r.decision.reasons}
            </p>
          ) : null}
        </>
      ) : null}
      {r.appeal ? (
        <>
          <h3>
            {t('services.appeal.title')} — {t(`services.appeal.state.${r.appeal.status}`)} ({fmt.date(r.appeal.filedAt)})
          </h3>
          <p className="pre-line report-text" dir="auto">
            {r.appeal.reason}
          </p>
          {r.appeal.answer ? (
            <>
              <h4>
                {t('services.appeal.answer')}
                {r.appeal.outcome ? <> — {t(`services.appeal.outcome.${r.appeal.outcome}`)}</> : null}
              </h4>
              <p className="pre-line report-text" dir="auto">
                {r.appeal.answer}
              </p>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function IssuedDocuments({ request: r }: { request: StaffRequest }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const { can } = useSession();
  const [error, setError] = useState<unknown>(null);
  if (r.documents.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="request-docs-title">
      <h2 id="request-docs-title">{t('services.documents.title')}</h2>
      {error ? <ProblemMessage error={error} compact /> : null}
      <ul className="issued-list">
        {r.documents.map((d) => (
          <li key={d.code} className={d.revokedAt ? 'issued issued-revoked' : 'issued'}>
            <p className="issued-title">
              <Icon name="document" size={22} />
              {ml(d.title)}
            </p>
            <p className="record-meta">
              <code dir="ltr">{d.code}</code> · {t('services.documents.issuedOn', { date: fmt.date(d.issuedAt) })}
              {d.revokedAt ? (
                <>
                  {' · '}
                  <span className="badge badge-revoked">{t('services.verify.revokedBadge')}</span>
                </>
              ) : null}
            </p>
            <div className="issued-actions">
              <Button
                className="button button-secondary button-small"
                onPress={() => {
                  setError(null);
                  openIssuedDocument(r.id, d.code).catch(setError);
                }}
              >
                {t('services.office.open')}
              </Button>
              <a href={`/verify/${encodeURIComponent(d.code)}`} target="_blank" rel="noopener">
                {t('services.documents.verify')}
              </a>
            </div>
            {!d.revokedAt && can(PERMISSIONS.eservicesRevoke) ? <Revoke requestId={r.id} code={d.code} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Revoke({ requestId, code }: { requestId: string; code: string }) {
  const t = useT();
  const revoke = useRevoke(requestId);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const errors = fieldErrorsOf(revoke.error);
  if (!open)
    return (
      <Button className="button button-secondary button-small danger-text" onPress={() => setOpen(true)}>
        {t('services.office.revoke')}
      </Button>
    );
  return (
    <Form
      className="revoke-form"
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        revoke.mutate({ code, reason }, { onSuccess: () => setOpen(false) });
      }}
    >
      {revoke.error ? <FormProblem error={revoke.error} shownFields={['reason']} /> : null}
      <TextInput
        label={t('services.office.revokeReason')}
        description={t('services.office.revokeHint')}
        value={reason}
        onChange={setReason}
        error={errors.reason}
        multiline
        isRequired
        maxLength={LIMITS.eservicesReasonsMax}
        dir="auto"
      />
      <div className="form-actions">
        <Button type="submit" className="button button-danger" isPending={revoke.isPending}>
          {t('services.office.revokeConfirm')}
        </Button>
        <Button className="button button-quiet" onPress={() => setOpen(false)}>
          {t('common.action.cancel')}
        </Button>
      </div>
    </Form>
  );
}

// ---------------------------------------------------------------------------------------------
// Actions

/** The order the actions are offered in: the usual next step first. */
const ACTION_ORDER: StaffAction[] = [
  'start_review',
  'accept_completion',
  'approve',
  'reject',
  'request_completion',
  'extend',
  'issue',
  'close',
  'answer_appeal',
  'return',
];

function Actions({ request: r, procedure }: { request: StaffRequest; procedure: StaffProcedure | undefined }) {
  const t = useT();
  const available = ACTION_ORDER.filter((a) => r.availableActions.includes(a));
  const [chosen, setChosen] = useState<StaffAction | null>(null);
  const current = chosen && available.includes(chosen) ? chosen : (available[0] ?? null);
  return (
    <section className="panel panel-actions" aria-labelledby="request-actions-title">
      <h2 id="request-actions-title">{t('services.office.actions')}</h2>
      {available.length === 0 ? (
        <p className="empty">{t('services.office.noActions')}</p>
      ) : (
        <>
          {available.length > 1 ? (
            <RadioGroup
              className="radio-group action-choice"
              value={current}
              onChange={(v) => setChosen(v as StaffAction)}
              aria-label={t.text('services.office.chooseAction')}
            >
              {available.map((a) => (
                <Radio key={a} value={a} className="radio">
                  <span className="radio-mark" aria-hidden="true" />
                  <span className="radio-label">{t(`services.office.action.${a}`)}</span>
                </Radio>
              ))}
            </RadioGroup>
          ) : null}
          {current ? <ActionForm key={current} action={current} request={r} procedure={procedure} /> : null}
        </>
      )}
    </section>
  );
}

function ActionForm({
  action,
  request: r,
  procedure,
}: {
  action: StaffAction;
  request: StaffRequest;
  procedure: StaffProcedure | undefined;
}) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const run = useStaffAction(r.id);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [holderVisible, setHolderVisible] = useState(false);
  const [outcome, setOutcome] = useState<'upheld' | 'dismissed'>('upheld');
  const reasons = procedure?.extensionReasons ?? [];
  const [reason, setReason] = useState<string>(reasons[0] ?? 'technical_study');
  const [days, setDays] = useState('30');
  const [done, setDone] = useState(false);
  const errors = fieldErrorsOf(run.error);
  const slots = procedure ? documentSlots(procedure) : [];

  const submit = () => {
    setDone(false);
    const onSuccess = () => {
      setDone(true);
      setText('');
    };
    switch (action) {
      case 'request_completion':
        return run.mutate({ action, missingDocuments: missing, message: text }, { onSuccess });
      case 'approve':
        return run.mutate({ action, ...(text.trim() ? { note: text } : {}) }, { onSuccess });
      case 'reject':
        return run.mutate({ action, reasons: text }, { onSuccess });
      case 'extend':
        return run.mutate({ action, reason: reason as 'technical_study' | 'public_inquiry', days: Number(days) }, { onSuccess });
      case 'issue':
        return run.mutate({ action, holderVisible }, { onSuccess });
      case 'answer_appeal':
        return run.mutate({ action, outcome, answer: text }, { onSuccess });
      default:
        return run.mutate({ action } as never, { onSuccess });
    }
  };

  let body: ReactNode = null;
  switch (action) {
    case 'request_completion':
      body = (
        <>
          <p className="field-hint">
            {r.clocks.completionRequestUntil
              ? t('services.office.completionOnce', { date: fmt.dateTime(r.clocks.completionRequestUntil) })
              : t('services.office.completionOnceNoDate')}
          </p>
          <fieldset className="ml-fieldset">
            <legend>{t('services.office.pickMissing')}</legend>
            {errors.missingDocuments ? <p className="field-error">{errors.missingDocuments}</p> : null}
            {slots.map((s) => (
              <CheckboxField
                key={s.key}
                label={ml(s.name)}
                isSelected={missing.includes(s.key)}
                onChange={(on) => setMissing(on ? [...missing, s.key] : missing.filter((k) => k !== s.key))}
              />
            ))}
          </fieldset>
          <TextInput
            label={t('services.office.messageToCitizen')}
            value={text}
            onChange={setText}
            error={errors.message}
            multiline
            isRequired
            maxLength={LIMITS.eservicesReasonsMax}
            dir="auto"
          />
        </>
      );
      break;
    case 'approve':
      body = (
        <TextInput
          label={t('services.office.noteOptional')}
          value={text}
          onChange={setText}
          error={errors.note}
          multiline
          maxLength={LIMITS.eservicesReasonsMax}
          dir="auto"
        />
      );
      break;
    case 'reject':
      body = (
        <TextInput
          label={t('services.office.reasons')}
          description={t('services.office.reasonsHint')}
          value={text}
          onChange={setText}
          error={errors.reasons}
          multiline
          isRequired
          maxLength={LIMITS.eservicesReasonsMax}
          dir="auto"
        />
      );
      break;
    case 'extend':
      body = (
        <>
          <RadioGroup className="radio-group" value={reason} onChange={setReason}>
            <Label className="field-label">{t('services.office.extendReason')}</Label>
            {reasons.map((x) => (
              <Radio key={x} value={x} className="radio">
                <span className="radio-mark" aria-hidden="true" />
                <span className="radio-label">{t(`services.extension.${x}`)}</span>
              </Radio>
            ))}
          </RadioGroup>
          <TextInput
            className="field-short"
            label={t('services.office.extendDays')}
            description={t('services.office.extendHint')}
            type="number"
            value={days}
            onChange={setDays}
            error={errors.days}
            isRequired
            dir="ltr"
          />
        </>
      );
      break;
    case 'issue':
      body = (
        <>
          <p className="field-hint">{t('services.office.issueHint')}</p>
          <CheckboxField label={t('services.office.holderVisible')} isSelected={holderVisible} onChange={setHolderVisible} />
        </>
      );
      break;
    case 'answer_appeal':
      body = (
        <>
          <RadioGroup className="radio-group" value={outcome} onChange={(v) => setOutcome(v === 'dismissed' ? 'dismissed' : 'upheld')}>
            <Label className="field-label">{t('services.office.appealOutcome')}</Label>
            {(['upheld', 'dismissed'] as const).map((o) => (
              <Radio key={o} value={o} className="radio">
                <span className="radio-mark" aria-hidden="true" />
                <span>
                  <span className="radio-label">{t(`services.appeal.outcome.${o}`)}</span>
                  <span className="radio-hint">{t(`services.office.appealOutcomeHint.${o}`)}</span>
                </span>
              </Radio>
            ))}
          </RadioGroup>
          <TextInput
            label={t('services.office.appealAnswer')}
            value={text}
            onChange={setText}
            error={errors.answer}
            multiline
            isRequired
            maxLength={LIMITS.eservicesReasonsMax}
            dir="auto"
          />
        </>
      );
      break;
    default:
      body = <p className="field-hint">{t(`services.office.actionHint.${action}`)}</p>;
  }

  return (
    <Form
      className="action-form"
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        if (!run.isPending) submit();
      }}
    >
      {run.error ? (
        <FormProblem error={run.error} shownFields={['missingDocuments', 'message', 'note', 'reasons', 'reason', 'days', 'answer']} />
      ) : null}
      {body}
      <div className="form-actions">
        <Button type="submit" className={action === 'reject' ? 'button button-danger' : 'button'} isPending={run.isPending}>
          {t(`services.office.action.${action}`)}
        </Button>
      </div>
      <div aria-live="polite">{done ? <p className="notice notice-success notice-compact">{t('services.office.done')}</p> : null}</div>
    </Form>
  );
}

function Assign({ request: r }: { request: StaffRequest }) {
  const t = useT();
  const { me, can } = useSession();
  const assign = useAssign(r.id);
  const staff = useStaff(can(PERMISSIONS.usersRead));
  const mine = r.assignee?.id === me.user.id;
  const others = (staff.data ?? []).filter((u) => u.id !== me.user.id && u.role !== 'contractor' && u.role !== 'viewer');
  const [chosen, setChosen] = useState('');
  return (
    <section className="panel" aria-labelledby="request-assign-title">
      <h2 id="request-assign-title">{t('services.office.assign')}</h2>
      <p>{r.assignee ? t('services.office.assignedTo', { name: r.assignee.name }) : t('services.office.unassigned')}</p>
      {assign.error ? <ProblemMessage error={assign.error} compact /> : null}
      <div className="form-actions">
        {mine ? null : (
          <Button className="button button-secondary" onPress={() => assign.mutate(me.user.id)} isPending={assign.isPending}>
            {t('services.office.takeIt')}
          </Button>
        )}
        {r.assignee ? (
          <Button className="button button-quiet" onPress={() => assign.mutate(null)} isPending={assign.isPending}>
            {t('services.office.release')}
          </Button>
        ) : null}
      </div>
      {others.length > 0 ? (
        <div className="assign-other">
          <label className="field-label" htmlFor="assign-other">
            {t('services.office.assignOther')}
          </label>
          <div className="assign-row">
            <select id="assign-other" value={chosen} onChange={(e) => setChosen(e.target.value)}>
              <option value="">—</option>
              {others.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName}
                </option>
              ))}
            </select>
            <Button className="button button-secondary" isDisabled={!chosen} onPress={() => assign.mutate(chosen)}>
              {t('services.office.assignSubmit')}
            </Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
