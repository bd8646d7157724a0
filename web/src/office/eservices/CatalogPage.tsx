/** /office/eservices/catalog: the commune's procedures in every status, each opening its editor. */
import { Link } from 'react-router';
import { DeadlineText, SilenceText } from '../../portal/eservices/service-bits';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { useCatalog } from './eservices-api';
import { EservicesNav } from './office-bits';

export function CatalogPage() {
  const t = useT();
  const ml = useMultilingual();
  const catalog = useCatalog();
  useDocumentTitle(t.text('services.office.catalog.title'));
  return (
    <>
      <div className="page-head">
        <h1>{t('services.office.catalog.title')}</h1>
        <Link className="button" to="/office/eservices/catalog/new">
          <Icon name="plus" size={20} />
          {t('services.office.catalog.create')}
        </Link>
      </div>
      <EservicesNav />
      <p className="lead">{t('services.office.catalog.lead')}</p>
      {catalog.isError ? (
        <ProblemMessage error={catalog.error} onRetry={() => void catalog.refetch()} />
      ) : catalog.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : catalog.data.length === 0 ? (
        <p className="empty">{t('services.office.catalog.empty')}</p>
      ) : (
        <ul className="record-list">
          {catalog.data.map((p) => (
            <li key={p.id} className={p.status === 'archived' ? 'record record-inactive' : 'record'}>
              <div className="record-main">
                <p className="record-title">
                  {ml(p.name)}
                  <span className={`badge badge-${p.status}`}>{t(`services.office.catalog.status.${p.status}`)}</span>
                </p>
                <p className="record-meta">
                  <code dir="ltr">{p.code}</code> · {t(`services.category.${p.category}`)} · {ml(p.processingDepartment.name)}
                </p>
                <p className="record-meta">
                  <DeadlineText deadline={p.deadline} /> · <SilenceText silence={p.silence} short />
                </p>
              </div>
              <Link
                className="button button-secondary button-small"
                to={`/office/eservices/catalog/${p.id}`}
                aria-label={t.text('services.office.catalog.editNamed', { name: ml.text(p.name) })}
              >
                {t('common.action.edit')}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
