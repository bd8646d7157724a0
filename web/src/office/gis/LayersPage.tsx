/** /office/gis: the commune's layers, with their services (OGC API, TileJSON) and exports. */
import { Link } from 'react-router';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { PERMISSIONS, useSession } from '../session';
import './gis.css';
import { type Layer, useFeatureCount, useLayers } from './gis-api';
import { LayerBadges, LayerLinks } from './layer-bits';

export function LayersPage() {
  const t = useT();
  const { can } = useSession();
  const layers = useLayers();
  useDocumentTitle(t.text('gis.layers.title'));
  return (
    <>
      <h1>{t('gis.layers.title')}</h1>
      <p>{t('gis.layers.intro')}</p>
      {can(PERMISSIONS.gisLayersManage) ? (
        <p>
          <Link className="button" to="/office/gis/new">
            <Icon name="plus" size={20} />
            {t('gis.layers.create')}
          </Link>
        </p>
      ) : null}
      {layers.isError ? (
        <ProblemMessage error={layers.error} onRetry={() => void layers.refetch()} />
      ) : layers.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : layers.data.items.length === 0 ? (
        <p className="empty">{t('gis.layers.empty')}</p>
      ) : (
        <ul className="record-list gis-layers">
          {layers.data.items.map((layer) => (
            <li key={layer.code} className="record">
              <LayerRow layer={layer} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function LayerRow({ layer }: { layer: Layer }) {
  const t = useT();
  const ml = useMultilingual();
  const count = useFeatureCount(layer.code);
  const title = ml.text(layer.title) || layer.code;
  return (
    <div className="record-main">
      <h2 className="record-title">
        <Link to={`/office/gis/layers/${layer.code}`}>{ml(layer.title)}</Link>
      </h2>
      <LayerBadges layer={layer} />
      <p className="record-meta">{count.data !== undefined ? t('gis.layer.count', { count: count.data }) : null}</p>
      <LayerLinks layer={layer} title={title}>
        <li>
          <Link to={`/office/gis/layers/${layer.code}`}>{t('gis.layer.open')}</Link>
        </li>
      </LayerLinks>
    </div>
  );
}
