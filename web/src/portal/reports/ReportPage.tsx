/**
 * One report: what anyone may see (status, place, text, approved photos, public history), and,
 * when this browser has the secret of its tracking link (from the link's fragment, or kept in
 * "my reports"), the citizen's own view: their answers and contact details, editing and adding
 * photos for a short while, removing their details, and "not fixed — reopen".
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useFormat } from '../../shared/format';
import { useLocale, useMultilingual, useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, PageLoading, useDocumentTitle } from '../../shared/page';
import { AttributeFields } from './AttributeFields';
import { FormProblem, serverFieldErrors, TextField, useProblemText } from './fields';
import { forgetReport, keepReport, NUMBER_PATTERN, tokenFromHash, useKeptReports } from './kept-reports';
import { PhotoPicker } from './PhotoPicker';
import { isOpen, ltr, OwnPhoto, PlaceText, PublicPhotos, StatusBadge, Timeline } from './report-bits';
import {
  type Attribute,
  isNotFound,
  PHOTOS_MAX,
  type PublicReportDetail,
  type TrackedReport,
  trackedKey,
  uploadPhotos,
  useCategories,
  useEditTracked,
  useFollow,
  usePublicReport,
  useReopen,
  useTrackedReport,
} from './reports-api';
import { KeepLink } from './SentPage';
import { checkAnswers, checkDescription, checkEmail, type FieldProblem, LIMITS, type RawAnswers, rawAnswers } from './validate';

const ReportsMap = lazyRetry(() => import('./ReportsMap'));

export function ReportPage() {
  const t = useT();
  const { number = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const kept = useKeptReports().find((r) => r.number === number);
  const fromLink = tokenFromHash(location.hash);
  const token = fromLink ?? kept?.token;

  // The secret from the link goes into this browser's "my reports", and out of the address bar
  // (so it is not copied along with the address, nor left in the history).
  useEffect(() => {
    if (!fromLink || !NUMBER_PATTERN.test(number)) return;
    keepReport(number, fromLink);
    navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: location.state });
  }, [fromLink, number, location.pathname, location.search, location.state, navigate]);

  const tracked = useTrackedReport(number, token);
  const badLink = token !== undefined && isNotFound(tracked.error);
  const pub = usePublicReport(number, { enabled: NUMBER_PATTERN.test(number) && (token === undefined || badLink) });
  useDocumentTitle(t.text('portal.reports.detail.title', { number }));

  if (!NUMBER_PATTERN.test(number)) return <NotFoundPage />;
  const report: PublicReportDetail | TrackedReport | undefined = (token && !badLink ? tracked.data : undefined) ?? pub.data;
  const loadError = token && !badLink ? tracked.error : pub.error;
  const own = token && !badLink && tracked.data ? tracked.data : null;

  return (
    <div className="report-page">
      {badLink ? (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">{t('portal.reports.detail.badLink')}</p>
          <p>{t('portal.reports.detail.badLinkDetail')}</p>
          <button type="button" className="button button-secondary button-small" onClick={() => forgetReport(number)}>
            {t('portal.reports.detail.forget')}
          </button>
        </div>
      ) : null}
      {report ? (
        <ReportView report={report} own={own} token={own ? token : undefined} />
      ) : loadError ? (
        isNotFound(loadError) ? (
          <NotFoundPage home="/reports" />
        ) : (
          <>
            <h1>{t('portal.reports.detail.title', { number })}</h1>
            <ProblemMessage error={loadError} onRetry={() => void (token && !badLink ? tracked.refetch() : pub.refetch())} />
          </>
        )
      ) : (
        <PageLoading />
      )}
    </div>
  );
}

function ReportView({ report, own, token }: { report: PublicReportDetail; own: TrackedReport | null; token: string | undefined }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const open = isOpen(report.status);
  const focus = useMemo(() => report.location ?? undefined, [report.location]);
  const onMap = useMemo(() => [report], [report]);
  return (
    <>
      <p className="kicker">{t('portal.reports.detail.title', { number: report.number })}</p>
      <h1>{ml(report.category.name)}</h1>
      <p className="report-meta">
        <StatusBadge status={report.status} />
        {report.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
      </p>
      <dl className="facts">
        <Fact label={t('portal.reports.detail.sent')}>
          <time dateTime={report.createdAt}>{fmt.date(report.createdAt)}</time>
        </Fact>
        {open ? (
          <Fact label={t('portal.reports.detail.expected')}>
            <time dateTime={report.expectedBy}>{fmt.date(report.expectedBy)}</time>
          </Fact>
        ) : null}
        {report.resolvedAt ? (
          <Fact label={t('portal.reports.detail.resolved')}>
            <time dateTime={report.resolvedAt}>{fmt.date(report.resolvedAt)}</time>
          </Fact>
        ) : null}
        <Fact label={t('portal.reports.detail.place')}>
          <PlaceText report={report} />
        </Fact>
        {report.resolution.responsibleBody ? (
          <Fact label={t('portal.reports.detail.responsibleBody')}>
            <bdi>{report.resolution.responsibleBody}</bdi>
          </Fact>
        ) : null}
        {report.resolution.duplicateOf ? (
          <Fact label={t('portal.reports.detail.duplicateOf')}>
            <Link to={`/reports/${report.resolution.duplicateOf}`}>
              {t('portal.reports.numberShort', { number: report.resolution.duplicateOf })}
            </Link>
          </Fact>
        ) : null}
      </dl>
      {/* The answer that closed it; once reopened, the history still has it. */}
      {report.resolution.note && !open ? (
        <div className="notice">
          <p className="notice-title">{t('portal.reports.detail.resolutionNote')}</p>
          <p className="pre-line" dir="auto">
            {report.resolution.note}
          </p>
        </div>
      ) : null}

      <section className="section" aria-labelledby="report-description">
        <h2 id="report-description">{t('portal.reports.detail.description')}</h2>
        {/* The citizen's text: rendered as text (React escapes it), line breaks kept by CSS. */}
        {report.description !== null ? (
          <p className="pre-line report-text" dir="auto">
            {report.description}
          </p>
        ) : (
          <p className="empty">{t('portal.reports.detail.hidden')}</p>
        )}
      </section>

      {own && token ? (
        <OwnPhotos report={own} token={token} />
      ) : report.photos.length > 0 ? (
        <section className="section" aria-labelledby="report-photos">
          <h2 id="report-photos">{t('portal.reports.detail.photos')}</h2>
          <PublicPhotos photos={report.photos} />
        </section>
      ) : null}

      {report.location ? (
        <section className="section" aria-labelledby="report-map">
          <h2 id="report-map">{t('portal.reports.detail.map')}</h2>
          <ErrorBoundary>
            <Suspense fallback={<div className="map-placeholder map-small-placeholder" aria-busy="true" />}>
              <ReportsMap reports={onMap} focus={focus} />
            </Suspense>
          </ErrorBoundary>
        </section>
      ) : null}

      <section className="section" aria-labelledby="report-history">
        <h2 id="report-history">{t('portal.reports.detail.history')}</h2>
        <Timeline updates={report.updates} />
      </section>

      {own && token ? <OwnSection report={own} token={token} /> : open ? <FollowSection number={report.number} /> : null}
    </>
  );
}

function Fact({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The citizen's photos, approved or waiting (fetched with the secret), and adding more while allowed. */
function OwnPhotos({ report, token }: { report: TrackedReport; token: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<File[]>([]);
  const [sent, setSent] = useState(0);
  const upload = useMutation({
    mutationFn: (chosen: File[]) =>
      uploadPhotos(report.number, token, chosen, (file, updated) => {
        setFiles((list) => list.filter((f) => f !== file));
        setSent((n) => n + 1);
        queryClient.setQueryData(trackedKey(report.number), updated);
      }),
  });
  const room = PHOTOS_MAX - report.photos.length;
  if (report.photos.length === 0 && !report.canEdit) return null;
  return (
    <section className="section" aria-labelledby="report-photos">
      <h2 id="report-photos">{t('portal.reports.detail.photos')}</h2>
      {report.photosPending > 0 ? (
        <p className="field-hint">{t('portal.reports.detail.photosPending', { count: report.photosPending })}</p>
      ) : null}
      {report.photos.length > 0 ? (
        <ul className="photo-grid">
          {report.photos.map((p, i) => (
            <li key={p.id}>
              <OwnPhoto number={report.number} token={token} photo={p} alt={t.text('portal.reports.photo.alt', { n: i + 1 })} />
            </li>
          ))}
        </ul>
      ) : null}
      {report.canEdit && room > 0 ? (
        <form
          className="add-photos"
          onSubmit={(event) => {
            event.preventDefault();
            if (files.length > 0 && !upload.isPending) upload.mutate(files);
          }}
        >
          <PhotoPicker files={files} onChange={setFiles} max={room} label={t.text('portal.reports.detail.addPhotos')} />
          {upload.isError ? <ProblemMessage error={upload.error} compact /> : null}
          {upload.isSuccess && sent > 0 && files.length === 0 ? (
            <p className="notice notice-success" role="status">
              {t('portal.reports.sent.photosDone', { count: sent })}
            </p>
          ) : null}
          {files.length > 0 ? (
            <button type="submit" className="button" aria-disabled={upload.isPending || undefined}>
              {upload.isPending ? t('portal.reports.detail.sendingPhotos') : t('portal.reports.detail.sendPhotos', { count: files.length })}
            </button>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

/** Only with the secret: answers, contact details, changes, reopening, the link. */
function OwnSection({ report, token }: { report: TrackedReport; token: string }) {
  const t = useT();
  const fmt = useFormat();
  const navigate = useNavigate();
  const categories = useCategories();
  const attributes = categories.data?.find((c) => c.code === report.category.code)?.attributes ?? [];
  return (
    <section className="section own-section" aria-labelledby="own-title">
      <h2 id="own-title">{t('portal.reports.own.title')}</h2>
      <p className="field-hint">{t('portal.reports.own.lead')}</p>
      {report.canEdit ? <p className="notice">{t('portal.reports.own.editUntil', { time: fmt.dateTime(report.editableUntil) })}</p> : null}
      <Answers attributes={attributes} answers={report.attributes} />
      {report.canEdit ? <EditForm report={report} token={token} attributes={attributes} /> : null}
      <Contact report={report} token={token} />
      {report.canReopen ? <Reopen report={report} token={token} /> : null}
      <KeepLink number={report.number} token={token} />
      <p>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            forgetReport(report.number);
            navigate('/reports/mine');
          }}
        >
          {t('portal.reports.detail.forget')}
        </button>
      </p>
    </section>
  );
}

function Answers({ attributes, answers }: { attributes: readonly Attribute[]; answers: TrackedReport['attributes'] }) {
  const ml = useMultilingual();
  const fmt = useFormat();
  const shown = attributes.filter((a) => answers[a.code] !== undefined);
  if (shown.length === 0) return null;
  const valueText = (a: Attribute, value: string | number | string[]): ReactNode => {
    const name = (key: string) => ml.text(a.values?.find((v) => v.key === key)?.name) || key;
    if (Array.isArray(value)) return fmt.list(value.map(name));
    if (a.datatype === 'singlevaluelist') return name(String(value));
    if (a.datatype === 'datetime') return fmt.dateTime(String(value));
    if (a.datatype === 'number') return fmt.number(Number(value));
    return <bdi className="pre-line">{String(value)}</bdi>;
  };
  return (
    <dl className="facts answers">
      {shown.map((a) => (
        <Fact key={a.code} label={ml(a.description) || a.code}>
          {valueText(a, answers[a.code]!)}
        </Fact>
      ))}
    </dl>
  );
}

function EditForm({ report, token, attributes }: { report: TrackedReport; token: string; attributes: readonly Attribute[] }) {
  const t = useT();
  const problemText = useProblemText();
  const edit = useEditTracked(report.number, token);
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(report.description ?? '');
  const [answers, setAnswers] = useState<RawAnswers>(() => rawAnswers(attributes, report.attributes));
  const [problems, setProblems] = useState<{ description?: FieldProblem; answers: Record<string, FieldProblem> }>({ answers: {} });
  const server = serverFieldErrors(edit.error);
  if (!editing) {
    return (
      <p>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setDescription(report.description ?? '');
            setAnswers(rawAnswers(attributes, report.attributes));
            edit.reset();
            setEditing(true);
          }}
        >
          {t('portal.reports.own.edit')}
        </button>
        {edit.isSuccess ? (
          <span className="inline-status" role="status">
            {t('portal.reports.own.saved')}
          </span>
        ) : null}
      </p>
    );
  }
  const errors: Record<string, ReactNode> = {};
  for (const a of attributes) errors[a.code] = problemText(problems.answers[a.code]) ?? server[`attributes.${a.code}`];
  return (
    <form
      className="edit-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const d = checkDescription(description);
        const checked = checkAnswers(attributes, answers);
        setProblems({ description: d, answers: checked.errors });
        if (d || Object.keys(checked.errors).length > 0 || edit.isPending) return;
        edit.mutate(
          { description, ...(attributes.length > 0 ? { attributes: checked.answers } : {}) },
          { onSuccess: () => setEditing(false) },
        );
      }}
    >
      <h3>{t('portal.reports.own.edit')}</h3>
      <TextField
        multiline
        required
        rows={6}
        counter
        label={t('portal.reports.details.description')}
        value={description}
        maxLength={LIMITS.descriptionMax}
        onChange={setDescription}
        error={problemText(problems.description) ?? server.description}
      />
      <AttributeFields
        attributes={attributes}
        values={answers}
        errors={errors}
        onChange={(code, v) => setAnswers((a) => ({ ...a, [code]: v }))}
      />
      <FormProblem error={edit.error} shownFields={['description', 'attributes']} />
      <div className="step-nav">
        <button type="submit" className="button" aria-disabled={edit.isPending || undefined}>
          {t('common.action.save')}
        </button>
        <button type="button" className="button button-quiet" onClick={() => setEditing(false)}>
          {t('common.action.cancel')}
        </button>
      </div>
    </form>
  );
}

function Contact({ report, token }: { report: TrackedReport; token: string }) {
  const t = useT();
  const edit = useEditTracked(report.number, token);
  const [confirming, setConfirming] = useState(false);
  const { name, email, phone } = report.contact;
  const has = Boolean(name || email || phone);
  return (
    <section className="contact-box" aria-labelledby="own-contact">
      <h3 id="own-contact">{t('portal.reports.own.contact')}</h3>
      {has ? (
        <>
          <p className="field-hint">{t('portal.reports.own.contactPrivate')}</p>
          <dl className="facts">
            {name ? (
              <Fact label={t('portal.reports.contact.name')}>
                <bdi>{name}</bdi>
              </Fact>
            ) : null}
            {email ? (
              <Fact label={t('portal.reports.contact.email')}>
                <span dir="ltr">{email}</span>
              </Fact>
            ) : null}
            {phone ? (
              <Fact label={t('portal.reports.contact.phone')}>
                <span dir="ltr">{phone}</span>
              </Fact>
            ) : null}
          </dl>
          {confirming ? (
            <fieldset className="confirm">
              <legend>{t('portal.reports.own.removeQuestion')}</legend>
              <div className="step-nav">
                <button
                  type="button"
                  className="button button-danger"
                  aria-disabled={edit.isPending || undefined}
                  onClick={() => {
                    if (!edit.isPending) edit.mutate({ removeContact: true }, { onSuccess: () => setConfirming(false) });
                  }}
                >
                  {t('portal.reports.own.removeConfirm')}
                </button>
                <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
                  {t('common.action.cancel')}
                </button>
              </div>
            </fieldset>
          ) : (
            <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
              {t('portal.reports.own.remove')}
            </button>
          )}
          {edit.error ? <ProblemMessage error={edit.error} compact /> : null}
        </>
      ) : (
        <p role="status">{edit.isSuccess ? t('portal.reports.own.removed') : t('portal.reports.own.noContact')}</p>
      )}
    </section>
  );
}

function Reopen({ report, token }: { report: TrackedReport; token: string }) {
  const t = useT();
  const problemText = useProblemText();
  const reopen = useReopen(report.number, token);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const server = serverFieldErrors(reopen.error);
  return (
    <form
      className="reopen-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const p = checkDescription(reason);
        setProblem(p);
        if (!p && !reopen.isPending) reopen.mutate(reason, { onSuccess: () => setReason('') });
      }}
    >
      <h3>{t('portal.reports.own.reopenTitle')}</h3>
      <TextField
        multiline
        required
        rows={3}
        label={t('portal.reports.own.reopenReason')}
        hint={t('portal.reports.own.reopenHint')}
        value={reason}
        maxLength={LIMITS.descriptionMax}
        onChange={(v) => {
          setReason(v);
          setProblem(undefined);
        }}
        error={problemText(problem) ?? server.reason}
      />
      <FormProblem error={reopen.error} shownFields={['reason']} />
      <button type="submit" className="button" aria-disabled={reopen.isPending || undefined}>
        {t('portal.reports.own.reopen')}
      </button>
    </form>
  );
}

/** Anyone may follow an open report by email (its public updates). */
function FollowSection({ number }: { number: string }) {
  const t = useT();
  const locale = useLocale();
  const problemText = useProblemText();
  const follow = useFollow();
  const id = useId();
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const server = serverFieldErrors(follow.error);
  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id}>{t('portal.reports.follow.title')}</h2>
      {follow.isSuccess ? (
        <p className="notice notice-success" role="status">
          {t('portal.reports.follow.doneDetail', { email: ltr(email.trim()) })}
        </p>
      ) : (
        <form
          className="follow-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const p = checkEmail(email);
            setProblem(p);
            if (!p && !follow.isPending) follow.mutate({ number, email: email.trim(), locale });
          }}
        >
          <TextField
            type="email"
            inputMode="email"
            autoComplete="email"
            dir="ltr"
            required
            label={t('portal.reports.follow.email')}
            hint={t('portal.reports.follow.hint')}
            value={email}
            onChange={(v) => {
              setEmail(v);
              setProblem(undefined);
            }}
            error={problemText(problem) ?? server.email}
          />
          {follow.error && !server.email ? <ProblemMessage error={follow.error} compact /> : null}
          <button type="submit" className="button button-secondary" aria-disabled={follow.isPending || undefined}>
            {t('portal.reports.follow.submitHere')}
          </button>
        </form>
      )}
    </section>
  );
}
