/** /office/gis/layers/:code: one layer — its map editor (a chunk of its own, with MapLibre) and its imports. */
import { Suspense } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useMultilingual, useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../../shared/page';
import { PERMISSIONS, useSession } from '../session';
import './gis.css';
import { useLayer } from './gis-api';
import { ImportPanel } from './ImportPanel';
import { LayerBadges, LayerLinks } from './layer-bits';

const LayerEditor = lazyRetry(() => import('./LayerEditor'));

export function LayerPage() {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const { code = '' } = useParams();
  const { layer, ...layers } = useLayer(code);
  const title = layer ? ml.text(layer.title) || layer.code : code;
  useDocumentTitle(t.text('gis.editor.title', { layer: title }));
  if (layers.isError) return <ProblemMessage error={layers.error} onRetry={() => void layers.refetch()} />;
  if (layers.isPending)
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  if (!layer) return <NotFoundPage home="/office/gis" />;
  const canEdit = can(PERMISSIONS.gisFeaturesEdit);
  return (
    <>
      <h1>{t('gis.editor.title', { layer: title })}</h1>
      <p>
        <Link to="/office/gis">{t('gis.backToLayers')}</Link>
      </p>
      <LayerBadges layer={layer} />
      <LayerLinks layer={layer} title={title} />
      <ErrorBoundary>
        <Suspense fallback={<div className="map-placeholder gis-map-placeholder" aria-busy="true" />}>
          <LayerEditor layer={layer} canEdit={canEdit} />
        </Suspense>
      </ErrorBoundary>
      {canEdit ? <ImportPanel layer={layer} /> : null}
    </>
  );
}
