/**
 * /services/requests/:number/receipt: the receipt (récépissé, Law 55.19 art 10) right after
 * submitting — "file deposited" (complete: the deadline runs) or "file being deposited" with the
 * exhaustive list of what is missing, given once, and the date by which to complete it — with
 * its number, its PDF in Arabic and French, and the tracking link to keep.
 */
import { Link, useParams } from 'react-router';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, PageLoading, useDocumentTitle } from '../../shared/page';
import { useServiceRequest } from './eservices-api';
import { REQUEST_NUMBER_PATTERN } from './kept-requests';
import { KeepLink, Receipts, useTrackingToken } from './RequestPage';
import { DeadlineText, SilenceText } from './service-bits';

export function ReceiptPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const { number = '' } = useParams();
  const { token } = useTrackingToken(number);
  const request = useServiceRequest(number, token);
  const r = request.data;
  const incomplete = r?.status === 'incomplete';
  useDocumentTitle(t.text(incomplete ? 'services.receipt.incompleteTitle' : 'services.receipt.completeTitle'));
  if (!REQUEST_NUMBER_PATTERN.test(number)) return <NotFoundPage home="/services" />;
  if (!token) {
    return (
      <>
        <h1>{t('services.request.title', { number })}</h1>
        <p>{t('services.request.noToken')}</p>
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
  if (!r) return <PageLoading />;
  const trackingUrl = `/services/requests/${encodeURIComponent(r.number)}`;
  return (
    <div className="receipt">
      <div className={incomplete ? 'receipt-head receipt-head-incomplete' : 'receipt-head'}>
        <span className="sent-icon" aria-hidden="true">
          <Icon name={incomplete ? 'clock' : 'check'} size={32} />
        </span>
        <h1>{t(incomplete ? 'services.receipt.incompleteTitle' : 'services.receipt.completeTitle')}</h1>
      </div>
      <p className="lead">{t('services.receipt.lead', { procedure: ml.text(r.procedure.name) })}</p>
      <dl className="sent-facts">
        <div>
          <dt>{t('services.receipt.number')}</dt>
          <dd className="tracking-number" dir="ltr">
            {r.number}
          </dd>
        </div>
        {r.clocks.depositedAt ? (
          <div>
            <dt>{t('services.clock.depositedAt')}</dt>
            <dd>
              <time dateTime={r.clocks.depositedAt}>{fmt.dateTime(r.clocks.depositedAt)}</time>
            </dd>
          </div>
        ) : null}
        {incomplete && r.clocks.completionDueAt ? (
          <div>
            <dt>{t('services.clock.completionDueAt')}</dt>
            <dd>
              <time dateTime={r.clocks.completionDueAt}>{fmt.date(r.clocks.completionDueAt)}</time>
            </dd>
          </div>
        ) : null}
        {!incomplete && r.clocks.deadlineAt ? (
          <div>
            <dt>{t('services.clock.deadlineAt')}</dt>
            <dd>
              <time dateTime={r.clocks.deadlineAt}>{fmt.date(r.clocks.deadlineAt)}</time>
            </dd>
          </div>
        ) : null}
      </dl>

      {incomplete ? (
        <section className="notice notice-warning missing-list" aria-labelledby="receipt-missing">
          <h2 id="receipt-missing" className="notice-title">
            {t('services.receipt.missing', { count: r.missingDocuments.length })}
          </h2>
          <ul>
            {r.missingDocuments.map((m) => (
              <li key={m.key}>{ml(m.name)}</li>
            ))}
          </ul>
          <p>
            {t('services.receipt.incompleteExplain', {
              date: r.clocks.completionDueAt ? fmt.date(r.clocks.completionDueAt) : '—',
            })}
          </p>
          <p>
            <Link className="button" to={trackingUrl}>
              {t('services.receipt.completeNow')}
            </Link>
          </p>
        </section>
      ) : (
        <div className="notice notice-success">
          <p>
            {t('services.receipt.completeExplain')} <DeadlineText deadline={r.procedure.deadline} />.
          </p>
          <p>
            <SilenceText silence={r.procedure.silence} />
          </p>
        </div>
      )}

      <Receipts number={r.number} token={token} />
      <KeepLink number={r.number} token={token} />
      <ul className="sent-links">
        <li>
          <Link className="button" to={trackingUrl}>
            {t('services.receipt.track')}
          </Link>
        </li>
        <li>
          <Link to="/services/mine">{t('services.mine.title')}</Link>
        </li>
        <li>
          <Link to="/services">{t('services.catalog.title')}</Link>
        </li>
      </ul>
    </div>
  );
}
