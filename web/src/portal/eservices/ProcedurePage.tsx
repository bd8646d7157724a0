/**
 * /services/:code: a procedure's fiche as Law 55.19 art 6 lists it — legal references,
 * departments, the documents asked of the citizen (and which a sworn statement may replace),
 * those the commune obtains itself, fee, deadline and how it is counted, the effect of silence,
 * appeals — and what is not certain in it, said plainly. Then "Apply".
 */
import { Link, useParams } from 'react-router';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, PageLoading, useDocumentTitle } from '../../shared/page';
import { isNotFound, type Procedure, useProcedure } from './eservices-api';
import { keptDraft, PROCEDURE_CODE_PATTERN } from './kept-requests';
import { DeadlineText, FeeText, SilenceText } from './service-bits';

export function ProcedurePage() {
  const t = useT();
  const ml = useMultilingual();
  const { code = '' } = useParams();
  const procedure = useProcedure(code, PROCEDURE_CODE_PATTERN.test(code));
  useDocumentTitle(procedure.data ? ml.text(procedure.data.name) : t.text('services.catalog.title'));
  if (!PROCEDURE_CODE_PATTERN.test(code) || isNotFound(procedure.error)) return <NotFoundPage home="/services" />;
  if (procedure.isError)
    return (
      <>
        <BackToCatalog />
        <ProblemMessage error={procedure.error} onRetry={() => void procedure.refetch()} />
      </>
    );
  if (!procedure.data) return <PageLoading />;
  return <Fiche procedure={procedure.data} />;
}

export function BackToCatalog() {
  const t = useT();
  return (
    <p className="back-link">
      <Link to="/services">
        <Icon name="chevron" size={18} />
        {t('services.catalog.back')}
      </Link>
    </p>
  );
}

function Fiche({ procedure: p }: { procedure: Procedure }) {
  const t = useT();
  const ml = useMultilingual();
  const draft = keptDraft(p.code);
  const required = p.citizenDocuments.filter((d) => d.required);
  const optional = p.citizenDocuments.filter((d) => !d.required);
  return (
    <div className="fiche">
      <BackToCatalog />
      <p className="kicker">{t(`services.category.${p.category}`)}</p>
      <h1>{ml(p.name)}</h1>
      {p.isDemo ? (
        <p>
          <span className="badge badge-demo">{t('common.demo.badge')}</span>
        </p>
      ) : null}
      {p.summary ? <p className="lead">{ml(p.summary)}</p> : null}

      {p.uncertain ? (
        <div className="notice notice-uncertain" role="note">
          <p className="notice-title">{t('services.fiche.uncertain')}</p>
          <p>{ml(p.uncertain)}</p>
        </div>
      ) : null}

      <dl className="fiche-facts">
        <div>
          <dt>{t('services.fact.deadline')}</dt>
          <dd>
            <DeadlineText deadline={p.deadline} />
            <span className="fact-note">{t('services.fiche.deadlineFrom')}</span>
          </dd>
        </div>
        <div>
          <dt>{t('services.fact.silence')}</dt>
          <dd>
            <SilenceText silence={p.silence} />
          </dd>
        </div>
        <div>
          <dt>{t('services.fact.fee')}</dt>
          <dd>
            <FeeText fee={p.fee} />
            {p.fee && p.fee.amountMad > 0 && p.fee.legalReference ? (
              <span className="fact-note">{t('services.fiche.feeReference', { reference: p.fee.legalReference })}</span>
            ) : null}
            {p.fee?.note ? <span className="fact-note">{ml(p.fee.note)}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('services.fiche.receiving')}</dt>
          <dd>{ml(p.receivingDepartment.name)}</dd>
        </div>
        <div>
          <dt>{t('services.fiche.processing')}</dt>
          <dd>{ml(p.processingDepartment.name)}</dd>
        </div>
        {p.extensionReasons.length > 0 ? (
          <div>
            <dt>{t('services.fiche.extension')}</dt>
            <dd>
              {t('services.fiche.extensionText', {
                reasons: p.extensionReasons.map((r) => t.text(`services.extension.${r}`)).join(' · '),
              })}
            </dd>
          </div>
        ) : null}
      </dl>

      <ApplyBox code={p.code} resuming={draft !== undefined} />

      <section className="section" aria-labelledby="fiche-documents">
        <h2 id="fiche-documents">{t('services.fiche.documents')}</h2>
        {p.citizenDocuments.length === 0 ? <p className="empty">{t('services.fiche.noDocuments')}</p> : null}
        {required.length > 0 ? <DocumentList documents={required} /> : null}
        {optional.length > 0 ? (
          <>
            <h3>{t('services.fiche.optionalDocuments')}</h3>
            <DocumentList documents={optional} />
          </>
        ) : null}
        <p className="field-hint">{t('services.fiche.art7')}</p>
      </section>

      {p.fetchedDocuments.length > 0 ? (
        <section className="section" aria-labelledby="fiche-fetched">
          <h2 id="fiche-fetched">{t('services.fiche.fetched')}</h2>
          <p>{t('services.fiche.fetchedLead')}</p>
          <ul className="doc-list">
            {p.fetchedDocuments.map((d) => (
              <li key={d.key}>
                <span className="doc-name">{ml(d.name)}</span>
                <span className="doc-note">{t('services.fiche.fetchedFrom', { from: ml.text(d.from) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {p.issuedDocument ? (
        <section className="section" aria-labelledby="fiche-issued">
          <h2 id="fiche-issued">{t('services.fiche.issued')}</h2>
          <p>{ml(p.issuedDocument.title)}</p>
          <p className="field-hint">{t('services.fiche.issuedVerify')}</p>
        </section>
      ) : null}

      <section className="section" aria-labelledby="fiche-appeals">
        <h2 id="fiche-appeals">{t('services.fiche.appeals')}</h2>
        {ml(p.appeals) ? <p className="pre-line">{ml(p.appeals)}</p> : null}
        <p className="field-hint">{t('services.fiche.appealsLaw')}</p>
      </section>

      {p.legalReferences.length > 0 ? (
        <section className="section" aria-labelledby="fiche-law">
          <h2 id="fiche-law">{t('services.fiche.legal')}</h2>
          <ul className="doc-list">
            {p.legalReferences.map((r) => (
              <li key={r.reference}>
                <span className="doc-name">
                  <bdi>{r.reference}</bdi>
                </span>
                {ml(r.title) ? <span className="doc-note">{ml(r.title)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <ApplyBox code={p.code} resuming={draft !== undefined} />
    </div>
  );
}

function DocumentList({ documents }: { documents: Procedure['citizenDocuments'] }) {
  const t = useT();
  const ml = useMultilingual();
  return (
    <ul className="doc-list">
      {documents.map((d) => (
        <li key={d.key}>
          <span className="doc-name">{ml(d.name)}</span>
          {d.note ? <span className="doc-note">{ml(d.note)}</span> : null}
          {d.swornStatementAllowed ? (
            <span className="doc-sworn">
              <Icon name="check" size={16} />
              {t('services.fiche.swornAllowed')}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function ApplyBox({ code, resuming }: { code: string; resuming: boolean }) {
  const t = useT();
  return (
    <div className="apply-box">
      <Link className="button button-apply" to={`/services/${code}/apply`}>
        {t(resuming ? 'services.fiche.resume' : 'services.fiche.apply')}
      </Link>
      <p className="field-hint">{t('services.fiche.applyHint')}</p>
    </div>
  );
}
