/**
 * The GIS core: the commune's layers in PostGIS and their features, served to standard clients
 * by OGC API – Features at `/ogc`. Public layers are open to all; private ones to staff and API
 * keys holding `gis.layers.read`.
 */
import path from 'node:path';
import { definePermissions } from '../../platform/auth/permissions.js';
import type { App, Platform } from '../../platform/platform.js';
import { basemapRoutes } from './basemaps.js';
import { importsRoutes } from './imports.routes.js';
import { ImportsService } from './imports.service.js';
import { layersRoutes } from './layers.routes.js';
import { ogcRoutes } from './ogc.js';
import { osmRoutes } from './osm/osm.routes.js';
import { searchRoutes } from './search.routes.js';
import { tileRoutes } from './tiles.js';

definePermissions({
  'gis.layers.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'gis.layers.manage': ['supervisor'],
  'gis.features.edit': ['supervisor', 'agent', 'technician'],
});

/** Used by the demo seed, inside the commune's transaction. */
export { countLayers, type GeometryType, insertFeature, insertLayer, type LayerAttribute } from './gis.repository.js';
/** The OpenStreetMap import: `madina import osm` runs it; modules send OSM assets to their tables through `registerOsmTarget`. */
export type { OsmFeature } from './osm/assemble.js';
export { importOsmExtract, type OsmImportResult } from './osm/import.js';
export { batches } from './osm/osm.repository.js';
export { type OsmTarget, type OsmWriteContext, registerOsmTarget } from './osm/targets.js';

/** OGC API – Features at /ogc, vector tiles and offline base maps (PMTiles) at /tiles, the layer registry and editor at /api/v1/gis. */
export async function gisModule(app: App, platform: Platform) {
  await ogcRoutes(app, platform);
  await tileRoutes(app, platform);
  await basemapRoutes(app, platform);
  const imports = new ImportsService(platform.db, platform.files, path.join(platform.config.dataDir, 'files'));
  await layersRoutes(app, platform, imports);
  await importsRoutes(app, imports, platform);
  await osmRoutes(app, platform);
  await searchRoutes(app, platform);
}
