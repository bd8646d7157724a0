/**
 * /services/requests/:number: the citizen's request, read with the secret of its tracking link
 * (from the link's fragment, or kept in this browser): its status in words, what is missing and
 * how to complete it, the commune's request for more, the decision and its reasons, the appeal,
 * the receipts and issued documents to download, every deadline and every step.
 */
import { type ReactNode, useEffect, useId, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { FIELD_LIMITS } from '../../../../src/modules/eservices/procedure';
import { LIMITS } from '../../../../src/platform/limits';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { ENDONYMS, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, PageLoading, useDocumentTitle } from '../../shared/page';
import { FormProblem, serverFieldErrors, TextField } from '../reports/fields';
import { DocumentSlotCard } from './ApplyPage';
import { downloadPdf, fieldsOf, isNotFound, type ServiceRequest, useProcedure, useServiceRequest, useTrackedAction } from './eservices-api';
import { forgetRequest, keepRequest, REQUEST_NUMBER_PATTERN, requestLink, tokenFromHash, useKeptRequests } from './kept-requests';
import { AnswerText, ClockList, type DocumentSlot, documentSlots, History } from './request-bits';
import { RequestStatusBadge } from './service-bits';

/** The request's number and secret: from the link (then kept, and taken out of the address bar) or from this browser. */
export function useTrackingToken(number: string): { token: string | undefined; fromLink: boolean } {
  const location = useLocation();
  const navigate = useNavigate();
  const kept = useKeptRequests().find((r) => r.number === number);
  const fromLink = tokenFromHash(location.hash);
  useEffect(() => {
    if (!fromLink || !REQUEST_NUMBER_PATTERN.test(number)) return;
    keepRequest({ number, token: fromLink, procedure: kept?.procedure ?? 'unknown', draft: kept?.draft ?? false });
    navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: location.state });
  }, [fromLink, number, kept, location.pathname, location.search, location.state, navigate]);
  return { token: fromLink ?? kept?.token, fromLink: fromLink !== null };
}

export function RequestPage() {
  const t = useT();
  const { number = '' } = useParams();
  const { token } = useTrackingToken(number);
  const request = useServiceRequest(number, token);
  useDocumentTitle(t.text('services.request.title', { number }));

  // The procedure's code is known once the request is read: keep it beside the secret.
  useEffect(() => {
    if (request.data && token)
      keepRequest({ number, token, procedure: request.data.procedure.code, draft: request.data.status === 'draft' });
  }, [request.data, number, token]);

  if (!REQUEST_NUMBER_PATTERN.test(number)) return <NotFoundPage home="/services" />;
  if (!token) {
    return (
      <>
        <h1>{t('services.request.title', { number })}</h1>
        <p>{t('services.request.noToken')}</p>
        <p>
          <Link to="/services/mine">{t('services.mine.title')}</Link>
        </p>
      </>
    );
  }
  if (isNotFound(request.error)) {
    return (
      <>
        <h1>{t('services.request.title', { number })}</h1>
        <div className="notice notice-error" role="alert">
          <p className="notice-title">{t('services.request.badLink')}</p>
          <p>{t('services.request.badLinkDetail')}</p>
          <button type="button" className="button button-secondary button-small" onClick={() => forgetRequest(number)}>
            {t('services.request.forget')}
          </button>
        </div>
      </>
    );
  }
  if (request.isError)
    return (
      <>
        <h1>{t('services.request.title', { number })}</h1>
        <ProblemMessage error={request.error} onRetry={() => void request.refetch()} />
      </>
    );
  if (!request.data) return <PageLoading />;
  return <Tracking request={request.data} token={token} />;
}

function Tracking({ request: r, token }: { request: ServiceRequest; token: string }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const navigate = useNavigate();
  const procedure = useProcedure(r.procedure.code);
  return (
    <div className="tracking">
      <p className="kicker">{t('services.request.title', { number: r.number })}</p>
      <h1>{ml(r.procedure.name)}</h1>
      <p className="report-meta">
        <RequestStatusBadge status={r.status} />
        {r.clocks.depositedAt ? <span>{t('services.request.depositedOn', { date: fmt.date(r.clocks.depositedAt) })}</span> : null}
      </p>
      <div className={`status-explain status-explain-${r.status}`}>
        <p>{t(`services.explain.${r.status}`, explainValues(r, fmt.date))}</p>
      </div>

      {r.status === 'draft' ? (
        <p>
          <Link className="button" to={`/services/${r.procedure.code}/apply`}>
            {t('services.fiche.resume')}
          </Link>
        </p>
      ) : null}

      <Missing request={r} token={token} slots={procedure.data ? documentSlots(procedure.data) : []} />
      <Decision request={r} />
      <Documents request={r} token={token} />
      <Appeal request={r} token={token} />
      <Certificate request={r} token={token} />

      <section className="section" aria-labelledby="tracking-clocks">
        <h2 id="tracking-clocks">{t('services.request.clocks')}</h2>
        <ClockList request={r} />
      </section>

      <section className="section" aria-labelledby="tracking-history">
        <h2 id="tracking-history">{t('services.request.history')}</h2>
        <History request={r} />
      </section>

      {r.status !== 'draft' ? <Receipts number={r.number} token={token} /> : null}

      <details className="answers-box">
        <summary>{t('services.request.yourAnswers')}</summary>
        <dl className="facts">
          <div>
            <dt>{t('services.apply.name')}</dt>
            <dd>
              <bdi>{r.applicant.name}</bdi>
            </dd>
          </div>
          {procedure.data
            ? fieldsOf(procedure.data)
                .filter((f) => f.type !== 'file' && r.answers[f.key] !== undefined)
                .map((f) => (
                  <div key={f.key}>
                    <dt>{ml(f.label)}</dt>
                    <dd>
                      <AnswerText field={f} value={r.answers[f.key]} />
                    </dd>
                  </div>
                ))
            : null}
        </dl>
      </details>

      <KeepLink number={r.number} token={token} />
      <p>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            forgetRequest(r.number);
            navigate('/services/mine');
          }}
        >
          {t('services.request.forget')}
        </button>
      </p>
    </div>
  );
}

/** Values the status sentences may use. */
export function explainValues(r: ServiceRequest, date: (iso: string) => string): Record<string, string> {
  const c = r.clocks;
  const values: Record<string, string> = {};
  // Every clock has a value (a message may name one that is not set yet).
  for (const [key, value] of Object.entries(c)) values[key] = typeof value === 'string' && /^\d{4}-/.test(value) ? date(value) : '—';
  values.deadline = c.extendedTo ? date(c.extendedTo) : c.deadlineAt ? date(c.deadlineAt) : '—';
  values.completionDue = c.completionDueAt ? date(c.completionDueAt) : '—';
  values.appealUntil = c.appealUntil ? date(c.appealUntil) : '—';
  values.silence = r.procedure.silence;
  values.draftDays = String(LIMITS.eservicesDraftDays);
  return values;
}

/** What is missing (frozen at deposit or asked by the commune once), a file for each, then "I have completed my file". */
function Missing({ request: r, token, slots }: { request: ServiceRequest; token: string; slots: DocumentSlot[] }) {
  const t = useT();
  const fmt = useFormat();
  const action = useTrackedAction(r.number, token);
  const [message, setMessage] = useState('');
  // What the citizen may do now is the server's word (availableActions).
  const open = r.status === 'incomplete' || r.status === 'needs_completion';
  if (!open) return null;
  const canAttach = r.availableActions.includes('attach');
  const canComplete = r.availableActions.includes('complete');
  const server = serverFieldErrors(action.error);
  return (
    <section className="section missing-section" aria-labelledby="tracking-missing">
      <h2 id="tracking-missing">{t(r.status === 'incomplete' ? 'services.missing.title' : 'services.missing.askedTitle')}</h2>
      {r.status === 'incomplete' && r.clocks.completionDueAt ? (
        <p>{t('services.missing.until', { date: fmt.date(r.clocks.completionDueAt) })}</p>
      ) : null}
      {r.status === 'needs_completion' && r.completionMessage ? (
        <blockquote className="agent-message">
          <p className="notice-title">{t('services.missing.agentMessage')}</p>
          <p className="pre-line" dir="auto">
            {r.completionMessage}
          </p>
        </blockquote>
      ) : null}
      {r.missingDocuments.length > 0 ? (
        <ul className="slot-list">
          {r.missingDocuments.map((m) => {
            const slot = slots.find((s) => s.key === m.key) ?? { key: m.key, name: m.name, required: true, swornStatementAllowed: false };
            return (
              <li key={m.key}>
                <DocumentSlotCard
                  slot={{ ...slot, name: m.name }}
                  session={{ number: r.number, token }}
                  attachments={r.attachments.filter((a) => a.documentKey === m.key)}
                  editable={false}
                  canAdd={canAttach}
                />
              </li>
            );
          })}
        </ul>
      ) : null}
      {canComplete ? (
        <form
          className="complete-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!action.isPending) action.mutate({ kind: 'complete', ...(message.trim() ? { message: message.trim() } : {}) });
          }}
        >
          {r.status === 'needs_completion' ? (
            <TextField
              multiline
              rows={3}
              label={t('services.missing.reply')}
              value={message}
              maxLength={FIELD_LIMITS.textareaMax}
              onChange={setMessage}
              error={server.message}
            />
          ) : null}
          <FormProblem error={action.error} shownFields={['message']} />
          <p className="field-hint">{t('services.missing.completeHint')}</p>
          <button
            type="submit"
            className="button"
            aria-disabled={action.isPending || undefined}
            data-pending={action.isPending || undefined}
          >
            <Icon name="check" size={20} />
            {t('services.missing.complete')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

function Decision({ request: r }: { request: ServiceRequest }) {
  const t = useT();
  const fmt = useFormat();
  const d = r.decision;
  if (!d) return null;
  return (
    <section className={`section decision decision-${d.outcome}`} aria-labelledby="tracking-decision">
      <h2 id="tracking-decision">{t('services.decision.title')}</h2>
      <p className="decision-outcome">
        {t(`services.decision.${d.outcome}`)} · <time dateTime={d.at}>{fmt.date(d.at)}</time>
      </p>
      {d.reasons ? (
        <>
          <h3>{t('services.decision.reasons')}</h3>
          <p className="pre-line" dir="auto">
            {d.reasons}
          </p>
        </>
      ) : null}
    </section>
  );
}

function Documents({ request: r, token }: { request: ServiceRequest; token: string }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (r.documents.length === 0) return null;
  return (
    <section className="section documents-section" aria-labelledby="tracking-documents">
      <h2 id="tracking-documents">{t('services.documents.title')}</h2>
      <ul className="issued-list">
        {r.documents.map((d) => (
          <li key={d.code} className={d.revokedAt ? 'issued issued-revoked' : 'issued'}>
            <p className="issued-title">
              <Icon name="document" size={22} />
              {ml(d.title)}
            </p>
            <p className="report-meta">
              <span>{t('services.documents.issuedOn', { date: fmt.date(d.issuedAt) })}</span>
              {d.revokedAt ? <span className="badge badge-revoked">{t('services.verify.revokedBadge')}</span> : null}
            </p>
            <div className="issued-actions">
              <button
                type="button"
                className="button"
                aria-disabled={busy === d.code || undefined}
                data-pending={busy === d.code || undefined}
                onClick={() => {
                  if (busy) return;
                  setBusy(d.code);
                  setError(null);
                  downloadPdf({ kind: 'document', number: r.number, token, code: d.code })
                    .catch(setError)
                    .finally(() => setBusy(null));
                }}
              >
                {t('services.documents.download')}
              </button>
              <Link to={`/verify/${encodeURIComponent(d.code)}`}>{t('services.documents.verify')}</Link>
            </div>
          </li>
        ))}
      </ul>
      {error ? <ProblemMessage error={error} compact /> : null}
    </section>
  );
}

function Appeal({ request: r, token }: { request: ServiceRequest; token: string }) {
  const t = useT();
  const fmt = useFormat();
  const action = useTrackedAction(r.number, token);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ReactNode>(null);
  const a = r.appeal;
  if (a) {
    return (
      <section className="section" aria-labelledby="tracking-appeal">
        <h2 id="tracking-appeal">{t('services.appeal.title')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('services.appeal.filedAt')}</dt>
            <dd>{fmt.date(a.filedAt)}</dd>
          </div>
          <div>
            <dt>{t('services.appeal.status')}</dt>
            <dd>{t(`services.appeal.state.${a.status}`)}</dd>
          </div>
        </dl>
        <p className="pre-line appeal-reason" dir="auto">
          {a.reason}
        </p>
        {a.answer ? (
          <>
            <h3>
              {t('services.appeal.answer')}
              {a.outcome ? <> — {t(`services.appeal.outcome.${a.outcome}`)}</> : null}
            </h3>
            <p className="pre-line" dir="auto">
              {a.answer}
            </p>
          </>
        ) : null}
      </section>
    );
  }
  const until = r.clocks.appealUntil;
  if (!r.availableActions.includes('appeal')) return null;
  const server = serverFieldErrors(action.error);
  return (
    <section className="section" aria-labelledby="tracking-appeal">
      <h2 id="tracking-appeal">{t('services.appeal.title')}</h2>
      <p>{until ? t('services.appeal.lead', { date: fmt.date(until) }) : t('services.appeal.leadNoDate')}</p>
      <form
        className="appeal-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim() === '') {
            setProblem(t('portal.reports.error.required'));
            return;
          }
          setProblem(null);
          if (!action.isPending) action.mutate({ kind: 'appeal', reason: reason.trim() });
        }}
      >
        <TextField
          multiline
          required
          rows={5}
          counter
          label={t('services.appeal.reason')}
          hint={t('services.appeal.reasonHint')}
          value={reason}
          maxLength={FIELD_LIMITS.textareaMax}
          onChange={(v) => {
            setReason(v);
            setProblem(null);
          }}
          error={problem ?? server.reason}
        />
        <FormProblem error={action.error} shownFields={['reason']} />
        <button type="submit" className="button" aria-disabled={action.isPending || undefined} data-pending={action.isPending || undefined}>
          {t('services.appeal.submit')}
        </button>
      </form>
    </section>
  );
}

/** After a deemed approval: the decision is due within 7 days; failing that, the governor's certificate of silence (art 20). */
function Certificate({ request: r, token }: { request: ServiceRequest; token: string }) {
  const t = useT();
  const fmt = useFormat();
  const action = useTrackedAction(r.number, token);
  if (r.status !== 'deemed_approved') return null;
  const c = r.clocks;
  if (c.certificateRequestedAt) {
    return (
      <section className="section" aria-labelledby="tracking-certificate">
        <h2 id="tracking-certificate">{t('services.certificate.title')}</h2>
        <p>
          {t('services.certificate.requested', {
            date: fmt.date(c.certificateRequestedAt),
            due: c.certificateDueAt ? fmt.date(c.certificateDueAt) : '—',
          })}
        </p>
      </section>
    );
  }
  const late = c.deliveryDueAt !== null && new Date(c.deliveryDueAt).getTime() < Date.now();
  return (
    <section className="section" aria-labelledby="tracking-certificate">
      <h2 id="tracking-certificate">{t('services.certificate.title')}</h2>
      <p>
        {t(late ? 'services.certificate.late' : 'services.certificate.wait', { date: c.deliveryDueAt ? fmt.date(c.deliveryDueAt) : '—' })}
      </p>
      {r.availableActions.includes('silence_certificate') ? (
        <>
          {action.error ? <ProblemMessage error={action.error} compact /> : null}
          <button
            type="button"
            className="button button-secondary"
            aria-disabled={action.isPending || undefined}
            onClick={() => {
              if (!action.isPending) action.mutate({ kind: 'certificate' });
            }}
          >
            {t('services.certificate.ask')}
          </button>
        </>
      ) : null}
    </section>
  );
}

/** The receipt (récépissé, art 10) as PDF, in Arabic or French. */
export function Receipts({ number, token }: { number: string; token: string }) {
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'ar' | 'fr' | null>(null);
  const get = (lang: 'ar' | 'fr') => {
    if (busy) return;
    setBusy(lang);
    setError(null);
    downloadPdf({ kind: 'receipt', number, token, lang })
      .catch(setError)
      .finally(() => setBusy(null));
  };
  return (
    <section className="section" aria-labelledby="receipt-pdf">
      <h2 id="receipt-pdf">{t('services.receipt.pdf')}</h2>
      <div className="issued-actions">
        <button type="button" className="button button-secondary" aria-disabled={busy === 'ar' || undefined} onClick={() => get('ar')}>
          <Icon name="document" size={20} />
          <span>
            {t('services.receipt.pdfIn')}{' '}
            <span lang="ar" dir="rtl">
              {ENDONYMS.ar}
            </span>
          </span>
        </button>
        <button type="button" className="button button-secondary" aria-disabled={busy === 'fr' || undefined} onClick={() => get('fr')}>
          <Icon name="document" size={20} />
          <span>
            {t('services.receipt.pdfIn')}{' '}
            <span lang="fr" dir="ltr">
              {ENDONYMS.fr}
            </span>
          </span>
        </button>
      </div>
      {error ? <ProblemMessage error={error} compact /> : null}
    </section>
  );
}

/** The tracking link: shown, copyable, with what it is for. */
export function KeepLink({ number, token, keptHere = true }: { number: string; token: string; keptHere?: boolean }) {
  const t = useT();
  const id = useId();
  const link = requestLink(number, token);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const canCopy = typeof navigator !== 'undefined' && !!navigator.clipboard;
  return (
    <section className="keep-link" aria-labelledby={id}>
      <h2 id={id}>{t('services.link.title')}</h2>
      <p>{t('services.link.why')}</p>
      <p className="link-box" dir="ltr">
        <a href={link}>{link}</a>
      </p>
      {canCopy ? (
        <p className="link-actions">
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => {
              navigator.clipboard.writeText(link).then(
                () => setCopied('yes'),
                () => setCopied('no'),
              );
            }}
          >
            {t('services.link.copy')}
          </button>
          <span role="status">{copied === 'yes' ? t('services.link.copied') : copied === 'no' ? t('services.link.copyFailed') : null}</span>
        </p>
      ) : null}
      {keptHere ? <p className="field-hint">{t('services.link.kept')}</p> : null}
    </section>
  );
}
