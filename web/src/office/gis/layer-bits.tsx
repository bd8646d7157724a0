/** Pieces the layers list and a layer's page share: its badges and its services' links. */
import { useT } from '../../shared/i18n';
import { EXPORT_FORMATS, exportHref, type Layer } from './gis-api';

export function LayerBadges({ layer }: { layer: Layer }) {
  const t = useT();
  return (
    <p className="record-badges">
      <span className="badge">{t(`gis.geometry.${layer.geometryType}`)}</span>
      <span className={layer.isPublic ? 'badge badge-published' : 'badge'}>
        {t(layer.isPublic ? 'gis.layer.public' : 'gis.layer.private')}
      </span>
      <code dir="ltr" className="gis-code">
        {layer.code}
      </code>
    </p>
  );
}

/** OGC API, TileJSON and the exports of a layer (`title`: its name, for the list's accessible name). */
export function LayerLinks({ layer, title, children }: { layer: Layer; title: string; children?: React.ReactNode }) {
  const t = useT();
  return (
    <ul className="gis-links" aria-label={t.text('gis.layer.links', { layer: title })}>
      {children}
      <li>
        <a href={layer.links.ogc}>{t('gis.layer.ogc')}</a>
      </li>
      <li>
        <a href={layer.links.tiles}>{t('gis.layer.tilejson')}</a>
      </li>
      {EXPORT_FORMATS.map((format) => (
        <li key={format}>
          <a href={exportHref(layer.code, format)} download>
            {t(`gis.export.${format}`)}
          </a>
        </li>
      ))}
    </ul>
  );
}
