/**
 * The GIS layers an OpenStreetMap extract fills: the base map (streets, buildings, places) and
 * the assets of modules still to come (waste baskets and containers for cleanliness, bus stops
 * for transport). Each layer is created on first import, public, with a typed schema, marked as
 * imported from OSM and carrying the ODbL attribution in its description.
 */
import type { Multilingual } from '../../../platform/db/types.js';
import { AppError } from '../../../platform/http/errors.js';
import type { AttributeType, GeometryType, LayerAttribute } from '../gis.repository.js';
import { findLayerByCode, insertLayer } from '../gis.repository.js';
import type { OsmFeature } from './assemble.js';
import { layerSource, markLayerSource, type OsmShape, upsertOsmFeatures } from './osm.repository.js';
import type { Tags } from './reader.js';
import type { OsmTarget } from './targets.js';

/** What the Open Database License asks to be shown wherever the data is. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

const text = (ar: string, fr: string, en: string): Multilingual => ({ ar, fr, en });
const attribute = (name: string, type: AttributeType, title: Multilingual): LayerAttribute => ({ name, type, title, required: false });

const OSM_ID = attribute('osm_id', 'string', text('معرف OpenStreetMap', 'Identifiant OpenStreetMap', 'OpenStreetMap id'));
const NAMES = [
  attribute('name', 'string', text('الاسم', 'Nom', 'Name')),
  attribute('name_ar', 'string', text('الاسم بالعربية', 'Nom en arabe', 'Name in Arabic')),
  attribute('name_fr', 'string', text('الاسم بالفرنسية', 'Nom en français', 'Name in French')),
  attribute('name_zgh', 'string', text('الاسم بالأمازيغية', 'Nom en amazighe', 'Name in Tamazight')),
  attribute('name_en', 'string', text('الاسم بالإنجليزية', 'Nom en anglais', 'Name in English')),
];
const names = (tags: Tags) => ({
  name: tags.name,
  name_ar: tags['name:ar'],
  name_fr: tags['name:fr'],
  name_zgh: tags['name:zgh'],
  name_en: tags['name:en'],
});

const DESCRIPTION = text(
  'مستورد من OpenStreetMap. © مساهمو OpenStreetMap، بموجب رخصة قاعدة البيانات المفتوحة (ODbL).',
  'Importé d’OpenStreetMap. © les contributeurs d’OpenStreetMap, sous licence ODbL.',
  'Imported from OpenStreetMap. © OpenStreetMap contributors, under the Open Database License (ODbL).',
);

interface OsmLayerSpec {
  code: string;
  title: Multilingual;
  geometryType: GeometryType;
  shape: OsmShape;
  attributes: LayerAttribute[];
  match(tags: Tags): boolean;
  properties(tags: Tags): Record<string, string | number | boolean | undefined>;
}

const PLACE_AMENITIES = new Set([
  'school',
  'college',
  'university',
  'kindergarten',
  'place_of_worship',
  'hospital',
  'clinic',
  'townhall',
  'marketplace',
  'post_office',
  'police',
  'fire_station',
  'library',
  'courthouse',
]);
const WASTE_AMENITIES = new Set(['waste_basket', 'waste_disposal', 'recycling']);
/** Highway values that are points or areas rather than the street network. */
const NOT_STREETS = new Set([
  'street_lamp',
  'bus_stop',
  'crossing',
  'traffic_signals',
  'stop',
  'give_way',
  'turning_circle',
  'platform',
  'elevator',
  'speed_camera',
]);

const integer = (value: string | undefined) => (value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : undefined);

export const OSM_LAYERS: readonly OsmLayerSpec[] = [
  {
    code: 'osm_streets',
    title: text('الشوارع (OpenStreetMap)', 'Rues (OpenStreetMap)', 'Streets (OpenStreetMap)'),
    geometryType: 'LineString',
    shape: 'line',
    attributes: [
      OSM_ID,
      ...NAMES,
      attribute('ref', 'string', text('الرقم', 'Numéro', 'Reference')),
      attribute('highway', 'string', text('صنف الطريق', 'Classe de voie', 'Road class')),
      attribute('oneway', 'boolean', text('اتجاه واحد', 'Sens unique', 'One way')),
    ],
    match: (tags) => tags.highway !== undefined && !NOT_STREETS.has(tags.highway),
    properties: (tags) => ({
      ...names(tags),
      ref: tags.ref,
      highway: tags.highway,
      oneway: tags.oneway === 'yes' || tags.oneway === '1' || tags.oneway === '-1' ? true : tags.oneway === 'no' ? false : undefined,
    }),
  },
  {
    code: 'osm_buildings',
    title: text('المباني (OpenStreetMap)', 'Bâtiments (OpenStreetMap)', 'Buildings (OpenStreetMap)'),
    geometryType: 'MultiPolygon',
    shape: 'area',
    attributes: [
      OSM_ID,
      ...NAMES,
      attribute('building', 'string', text('نوع البناية', 'Type de bâtiment', 'Building type')),
      attribute('levels', 'integer', text('عدد الطوابق', 'Nombre de niveaux', 'Levels')),
    ],
    match: (tags) => tags.building !== undefined && tags.building !== 'no',
    properties: (tags) => ({ ...names(tags), building: tags.building, levels: integer(tags['building:levels']) }),
  },
  {
    code: 'osm_places',
    title: text('الأماكن والمرافق (OpenStreetMap)', 'Lieux et équipements (OpenStreetMap)', 'Places and facilities (OpenStreetMap)'),
    geometryType: 'Point',
    shape: 'point',
    attributes: [
      OSM_ID,
      ...NAMES,
      attribute('place', 'string', text('نوع المكان', 'Type de lieu', 'Place type')),
      attribute('amenity', 'string', text('نوع المرفق', 'Type d’équipement', 'Facility type')),
    ],
    match: (tags) => tags.place !== undefined || PLACE_AMENITIES.has(tags.amenity ?? ''),
    properties: (tags) => ({
      ...names(tags),
      place: tags.place,
      amenity: PLACE_AMENITIES.has(tags.amenity ?? '') ? tags.amenity : undefined,
    }),
  },
  {
    // For the cleanliness module, which does not exist yet.
    code: 'osm_waste',
    title: text(
      'سلال المهملات ونقاط جمع النفايات (OpenStreetMap)',
      'Corbeilles et points de collecte des déchets (OpenStreetMap)',
      'Waste baskets and collection points (OpenStreetMap)',
    ),
    geometryType: 'Point',
    shape: 'point',
    attributes: [
      OSM_ID,
      attribute('amenity', 'string', text('النوع', 'Type', 'Type')),
      attribute('name', 'string', text('الاسم', 'Nom', 'Name')),
    ],
    match: (tags) => WASTE_AMENITIES.has(tags.amenity ?? ''),
    properties: (tags) => ({ amenity: tags.amenity, name: tags.name }),
  },
  {
    // For the urban transport module, which does not exist yet.
    code: 'osm_bus_stops',
    title: text('محطات الحافلات (OpenStreetMap)', 'Arrêts de bus (OpenStreetMap)', 'Bus stops (OpenStreetMap)'),
    geometryType: 'Point',
    shape: 'point',
    attributes: [
      OSM_ID,
      ...NAMES,
      attribute('ref', 'string', text('الرقم', 'Numéro', 'Reference')),
      attribute('shelter', 'boolean', text('مظلة', 'Abri', 'Shelter')),
    ],
    match: (tags) => tags.highway === 'bus_stop' || tags.public_transport === 'platform',
    properties: (tags) => ({
      ...names(tags),
      ref: tags.ref,
      shelter: tags.shelter === 'yes' ? true : tags.shelter === 'no' ? false : undefined,
    }),
  },
];

/** The OSM reference a feature is kept under: `n123`, `w45`, `r6`. */
export const osmRef = (f: Pick<OsmFeature, 'osmType' | 'osmId'>) => `${f.osmType[0]}${f.osmId}`;

const fits = (shape: OsmShape, f: OsmFeature) =>
  shape === 'point' ||
  (shape === 'line' ? f.geometry.type === 'LineString' : f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon');

/** The layer, created on first use; a layer of that code that the import did not make is not overwritten. */
async function ensureLayer(trx: Parameters<OsmTarget['write']>[0], communeId: string, spec: OsmLayerSpec) {
  const existing = await findLayerByCode(trx, spec.code);
  if (existing) {
    if ((await layerSource(trx, existing.id)) !== 'osm')
      throw new AppError('conflict', 409, 'problem.gis.osm.layer_taken.detail', { code: spec.code });
    return existing;
  }
  const layer = await insertLayer(trx, communeId, {
    code: spec.code,
    title: spec.title,
    description: DESCRIPTION,
    geometryType: spec.geometryType,
    attributes: spec.attributes,
    style: {},
    isPublic: true,
    timeAttribute: null,
  });
  await markLayerSource(trx, layer.id, 'osm', OSM_ATTRIBUTION);
  return layer;
}

/** A GIS layer as a target of the import. */
function layerTarget(spec: OsmLayerSpec): OsmTarget {
  return {
    code: spec.code,
    match: spec.match,
    async write(trx, ctx, features) {
      const fitting = features.filter((f) => fits(spec.shape, f));
      if (fitting.length === 0) return 0;
      const layer = await ensureLayer(trx, ctx.communeId, spec);
      const rows = fitting.map((f) => ({
        ref: osmRef(f),
        geometry: f.geometry,
        // Absent tags are left out rather than stored as nulls.
        properties: JSON.parse(JSON.stringify({ osm_id: osmRef(f), ...spec.properties(f.tags) })) as Record<string, unknown>,
      }));
      return upsertOsmFeatures(trx, ctx.communeId, layer.id, spec.shape, rows);
    },
  };
}

/** The GIS core's own targets. */
export const layerTargets: readonly OsmTarget[] = OSM_LAYERS.map(layerTarget);
