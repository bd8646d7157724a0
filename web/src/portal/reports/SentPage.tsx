/** After sending: the tracking number, the expected date, the link to keep, and the photos going up. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, PageLoading, useDocumentTitle } from '../../shared/page';
import { pendingPhotos } from './draft';
import { NUMBER_PATTERN, trackingLink, useKeptReports } from './kept-reports';
import { isOpen, ltr } from './report-bits';
import { trackedKey, uploadPhotos, useTrackedReport } from './reports-api';

export function SentPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const { number = '' } = useParams();
  const token = useKeptReports().find((r) => r.number === number)?.token;
  const tracked = useTrackedReport(number, token);
  useDocumentTitle(t.text('portal.reports.sent.title'));
  if (!NUMBER_PATTERN.test(number)) return <NotFoundPage />;
  if (!token) {
    // Another device, or storage cleared: the report is there, its secret is not.
    return (
      <>
        <h1>{t('portal.reports.sent.title')}</h1>
        <p>{t('portal.reports.sent.noToken', { number })}</p>
        <p>
          <Link to={`/reports/${number}`}>{t('portal.reports.sent.see')}</Link>
        </p>
      </>
    );
  }
  const report = tracked.data;
  return (
    <div className="sent">
      <div className="sent-head">
        <span className="sent-icon" aria-hidden="true">
          <Icon name="check" size={32} />
        </span>
        <h1>{t('portal.reports.sent.title')}</h1>
      </div>
      {tracked.isError && !report ? <ProblemMessage error={tracked.error} onRetry={() => void tracked.refetch()} /> : null}
      {!report && !tracked.isError ? <PageLoading /> : null}
      {report ? (
        <>
          <p className="lead">{t('portal.reports.sent.lead', { category: ml.text(report.category.name) })}</p>
          <dl className="sent-facts">
            <div>
              <dt>{t('portal.reports.sent.number')}</dt>
              <dd className="tracking-number" dir="ltr">
                {report.number}
              </dd>
            </div>
            {isOpen(report.status) ? (
              <div>
                <dt>{t('portal.reports.sent.expected')}</dt>
                <dd>
                  <time dateTime={report.expectedBy}>{fmt.date(report.expectedBy)}</time>
                </dd>
              </div>
            ) : null}
          </dl>
          {report.contact.email ? <p>{t('portal.reports.sent.mailed', { email: ltr(report.contact.email) })}</p> : null}
          <PhotoUploads number={number} token={token} />
          <KeepLink number={number} token={token} />
          <ul className="sent-links">
            <li>
              <Link className="button" to={`/reports/${number}`}>
                {t('portal.reports.sent.see')}
              </Link>
            </li>
            <li>
              <Link className="button button-secondary" to="/reports/new">
                {t('portal.reports.sent.another')}
              </Link>
            </li>
            <li>
              <Link to="/reports/mine">{t('portal.reports.mine.title')}</Link>
            </li>
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** The tracking link: shown, copyable, with what it is for. */
export function KeepLink({ number, token }: { number: string; token: string }) {
  const t = useT();
  const link = trackingLink(number, token);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const canCopy = typeof navigator !== 'undefined' && !!navigator.clipboard;
  return (
    <section className="keep-link" aria-labelledby="keep-link-title">
      <h2 id="keep-link-title">{t('portal.reports.link.title')}</h2>
      <p>{t('portal.reports.link.why')}</p>
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
            {t('portal.reports.link.copy')}
          </button>
          <span role="status">
            {copied === 'yes' ? t('portal.reports.link.copied') : copied === 'no' ? t('portal.reports.link.copyFailed') : null}
          </span>
        </p>
      ) : null}
      <p className="field-hint">{t('portal.reports.link.kept')}</p>
    </section>
  );
}

// One upload per report at a time, whatever renders it (React's StrictMode runs effects twice).
const uploading = new Set<string>();

/** Sends the photos chosen before sending the report, now that it has its number and secret. */
function PhotoUploads({ number, token }: { number: string; token: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [total] = useState(() => pendingPhotos.forReport(number).length);
  const [sent, setSent] = useState(0);
  const upload = useMutation({
    mutationFn: async () => {
      if (uploading.has(number)) return;
      uploading.add(number);
      try {
        await uploadPhotos(number, token, pendingPhotos.forReport(number), (file, report) => {
          pendingPhotos.done(number, file);
          setSent((n) => n + 1);
          queryClient.setQueryData(trackedKey(number), report);
        });
      } finally {
        uploading.delete(number);
      }
    },
  });
  const started = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: starts once, on arrival
  useEffect(() => {
    if (started.current || total === 0) return;
    started.current = true;
    upload.mutate();
  }, []);
  if (total === 0) return null;
  const left = pendingPhotos.forReport(number).length;
  return (
    <div className="photo-uploads">
      <p role="status" className={left === 0 ? 'notice notice-success' : 'notice'}>
        {left === 0
          ? t('portal.reports.sent.photosDone', { count: sent })
          : upload.isError
            ? t('portal.reports.sent.photosLeft', { count: left })
            : t('portal.reports.sent.photosSending', { sent, total })}
      </p>
      {upload.isError && left > 0 ? <ProblemMessage error={upload.error} onRetry={() => upload.mutate()} /> : null}
    </div>
  );
}
