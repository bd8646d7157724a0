/**
 * /verify/:code — where an issued document's QR code leads: whether the document is authentic or
 * REVOKED (said so it cannot be missed), what it is, who issued it and when, and the SHA-256 of
 * the PDF the commune signed. No personal data beyond the holder's name, and that only when the
 * holder chose to show it.
 */
import '../reports/reports.css';
import './eservices.css';
import { useParams } from 'react-router';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { PageLoading, useDocumentTitle } from '../../shared/page';
import { isNotFound, useVerification, type Verification } from './eservices-api';

const CODE = /^[A-Za-z0-9-]{1,64}$/;
/** The command line that checks a downloaded PDF without the network (a command, not a message). */
const OFFLINE_CHECK = 'npx madina verify document.pdf';

export default function VerifyPage() {
  const t = useT();
  const { code = '' } = useParams();
  const valid = CODE.test(code);
  const verification = useVerification(code, valid);
  useDocumentTitle(t.text('services.verify.title'));
  const unknown = !valid || isNotFound(verification.error);
  return (
    <div className="verify">
      <h1>{t('services.verify.title')}</h1>
      <p className="verify-code">
        {t('services.verify.code')} <code dir="ltr">{code}</code>
      </p>
      {unknown ? (
        <div className="verdict verdict-unknown" role="alert">
          <span className="verdict-icon" aria-hidden="true">
            ?
          </span>
          <div>
            <p className="verdict-title">{t('services.verify.unknown')}</p>
            <p>{t('services.verify.unknownDetail')}</p>
          </div>
        </div>
      ) : verification.isError ? (
        <ProblemMessage error={verification.error} onRetry={() => void verification.refetch()} />
      ) : verification.data ? (
        <Verdict v={verification.data} />
      ) : (
        <PageLoading />
      )}
      <section className="section verify-how" aria-labelledby="verify-how">
        <h2 id="verify-how">{t('services.verify.howTitle')}</h2>
        <p>{t('services.verify.how')}</p>
        <p>
          <code dir="ltr" className="command">
            {OFFLINE_CHECK}
          </code>
        </p>
        <p>
          <a href="/api/v1/eservices/signing-keys">{t('services.verify.keys')}</a>
        </p>
      </section>
    </div>
  );
}

function Verdict({ v }: { v: Verification }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const revoked = v.status === 'revoked';
  return (
    <>
      <div className={revoked ? 'verdict verdict-revoked' : 'verdict verdict-valid'} role="status" data-status={v.status}>
        <span className="verdict-icon" aria-hidden="true">
          {revoked ? '✕' : <Icon name="check" size={32} />}
        </span>
        <div>
          <p className="verdict-title">{t(revoked ? 'services.verify.revoked' : 'services.verify.valid')}</p>
          <p>{t(revoked ? 'services.verify.revokedDetail' : 'services.verify.validDetail')}</p>
          {revoked && v.revokedAt ? (
            <p>
              <strong>{t('services.verify.revokedAt', { date: fmt.date(v.revokedAt) })}</strong>
            </p>
          ) : null}
          {revoked && v.revocationReason ? (
            <p>
              {t('services.verify.reason')} <bdi className="pre-line">{v.revocationReason}</bdi>
            </p>
          ) : null}
        </div>
      </div>
      <dl className="facts verify-facts">
        <div>
          <dt>{t('services.verify.document')}</dt>
          <dd>{ml(v.title)}</dd>
        </div>
        <div>
          <dt>{t('services.verify.procedure')}</dt>
          <dd>{ml(v.procedure)}</dd>
        </div>
        <div>
          <dt>{t('services.verify.issuer')}</dt>
          <dd>
            {ml(v.commune)}
            {ml(v.department) ? <> · {ml(v.department)}</> : null}
          </dd>
        </div>
        <div>
          <dt>{t('services.verify.issuedAt')}</dt>
          <dd>
            <time dateTime={v.issuedAt}>{fmt.date(v.issuedAt)}</time>
          </dd>
        </div>
        {v.holder ? (
          <div>
            <dt>{t('services.verify.holder')}</dt>
            <dd>
              <bdi>{v.holder}</bdi>
            </dd>
          </div>
        ) : null}
        {v.decision && ml(v.decision) ? (
          <div>
            <dt>{t('services.verify.decision')}</dt>
            <dd>{ml(v.decision)}</dd>
          </div>
        ) : null}
        <div className="fact-wide">
          <dt>{t('services.verify.sha256')}</dt>
          <dd>
            <code dir="ltr" className="hash">
              {v.sha256}
            </code>
          </dd>
        </div>
        <div className="fact-wide">
          <dt>{t('services.verify.key')}</dt>
          <dd>
            <code dir="ltr" className="hash">
              {v.keyFingerprint}
            </code>
          </dd>
        </div>
      </dl>
      {v.holder ? null : <p className="field-hint">{t('services.verify.noHolder')}</p>}
    </>
  );
}
