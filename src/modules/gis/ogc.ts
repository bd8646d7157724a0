/**
 * OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by reference) at `/ogc`,
 * over the commune's layers. JSON for programs (GDAL, QGIS), HTML for people; `f=json|html`
 * overrides the Accept header. Private layers need a signed-in staff member or an API key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { pickText } from '../../platform/i18n/index.js';
import type { App, Platform } from '../../platform/platform.js';
import type { FeatureFilter, FeatureRow, LayerRow, OutputCrs } from './gis.repository.js';
import { GisService } from './gis.service.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;
/** The coordinate systems every collection offers: WGS 84 both ways round, web mercator, Merchich / Nord Maroc. */
const CRS: Record<string, OutputCrs> = {
  [CRS84]: { srid: 4326, latFirst: false },
  [EPSG(4326)]: { srid: 4326, latFirst: true },
  [EPSG(3857)]: { srid: 3857, latFirst: false },
  [EPSG(26191)]: { srid: 26191, latFirst: false },
};
export const LIMIT_DEFAULT = 10;
export const LIMIT_MAX = 10_000;

const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
];

type Query = Record<string, string | string[] | undefined>;

/** One value of a query parameter; a repeated parameter is refused. */
function one(query: Query, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) throw invalid(`/query/${name}`);
  return v;
}

function wantsHtml(request: FastifyRequest): boolean {
  const f = one(request.query as Query, 'f');
  if (f !== undefined) {
    if (f === 'html') return true;
    if (f === 'json' || f === 'geojson') return false;
    throw invalid('/query/f');
  }
  const accept = request.headers.accept ?? '';
  return /text\/html/.test(accept) && !/application\/(geo\+)?json/.test(accept.split(',')[0] ?? '');
}

function refuseUnknown(query: Query, allowed: readonly string[]) {
  const unknown = Object.keys(query).find((k) => !allowed.includes(k));
  if (unknown)
    throw new AppError('validation_failed', 400, 'problem.ogc.unknown_parameter.detail', { name: unknown }, [
      { pointer: `/query/${unknown}`, key: 'problem.field.unknown' },
    ]);
}

function parseCrs(value: string | undefined, pointer: string): OutputCrs & { uri: string } {
  const uri = value ?? CRS84;
  const crs = CRS[uri];
  if (!crs) throw invalid(pointer);
  return { ...crs, uri };
}

function parseBbox(value: string, crs: OutputCrs): NonNullable<FeatureFilter['bbox']> {
  const parts = value.split(',');
  if (parts.length !== 4 || parts.some((p) => !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(p.trim()))) throw invalid('/query/bbox');
  let [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  // EPSG:4326 lists latitude first.
  if (crs.latFirst) [a, b, c, d] = [b, a, d, c];
  if (a > c || b > d) throw invalid('/query/bbox');
  if (crs.srid === 4326 && (a < -180 || c > 180 || b < -90 || d > 90)) throw invalid('/query/bbox');
  return { box: [a, b, c, d], srid: crs.srid };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseDatetime(value: string): { from?: string; to?: string } {
  const ends = value.split('/');
  const ok = (s: string | undefined) => s === undefined || s === '..' || s === '' || (INSTANT.test(s) && !Number.isNaN(Date.parse(s)));
  if (ends.length > 2 || !ends.every(ok)) throw invalid('/query/datetime');
  const [from, to] = ends.length === 1 ? [ends[0], ends[0]] : ends;
  const open = (s: string | undefined) => (s === undefined || s === '..' || s === '' ? undefined : s);
  const range = { from: open(from), to: open(to) };
  if (range.from && range.to && Date.parse(range.from) > Date.parse(range.to)) throw invalid('/query/datetime');
  return range;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function ogcRoutes(app: App, { db }: Platform) {
  const gis = new GisService(db);
  const base = (request: FastifyRequest) => `${request.protocol}://${request.host}/ogc`;
  const title = (request: FastifyRequest, text: LayerRow['title'] | null) =>
    text ? (pickText(text, request.locale, ['ar', 'fr', 'en', 'zgh'])?.text ?? '') : '';

  /** Sends JSON, or the same content as a small HTML page for people. */
  function send(request: FastifyRequest, reply: FastifyReply, json: object, html: () => string, type = 'application/json') {
    if (wantsHtml(request)) {
      const dir = request.locale === 'ar' ? 'rtl' : 'ltr';
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="${request.locale}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>OGC API – Features</title><style>body{font-family:system-ui,sans-serif;max-inline-size:60rem;margin:auto;padding:1rem;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #777;padding:.25rem .5rem;text-align:start}a{color:#0645ad}</style></head><body>${html()}</body></html>`,
        );
    }
    return reply.type(type).send(json);
  }

  function collectionJson(request: FastifyRequest, layer: LayerRow, extent: [number, number, number, number] | null) {
    const self = `${base(request)}/collections/${layer.code}`;
    return {
      id: layer.code,
      title: title(request, layer.title),
      description: title(request, layer.description),
      itemType: 'feature',
      links: [
        { href: `${self}?f=json`, rel: 'self', type: 'application/json', title: 'this document' },
        { href: `${self}?f=html`, rel: 'alternate', type: 'text/html', title: 'as HTML' },
        { href: `${self}/items?f=json`, rel: 'items', type: 'application/geo+json', title: 'the features' },
        { href: `${self}/items?f=html`, rel: 'items', type: 'text/html', title: 'the features as HTML' },
      ],
      extent: {
        spatial: { bbox: [extent ?? [-180, -90, 180, 90]], crs: CRS84 },
        ...(layer.timeAttribute
          ? { temporal: { interval: [[null, null]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } }
          : {}),
      },
      crs: Object.keys(CRS),
      storageCrs: CRS84,
    };
  }

  const hide = { hide: true } as const;

  app.get('/ogc', { schema: hide }, async (request, reply) => {
    refuseUnknown(request.query as Query, ['f']);
    const b = base(request);
    const links = [
      { href: `${b}?f=json`, rel: 'self', type: 'application/json', title: 'this document' },
      { href: `${b}?f=html`, rel: 'alternate', type: 'text/html', title: 'as HTML' },
      { href: `${b}/api`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'the API definition' },
      { href: `${request.protocol}://${request.host}/docs`, rel: 'service-doc', type: 'text/html', title: 'the API documentation' },
      { href: `${b}/conformance?f=json`, rel: 'conformance', type: 'application/json', title: 'conformance classes' },
      { href: `${b}/collections?f=json`, rel: 'data', type: 'application/json', title: 'the collections' },
    ];
    const name = title(request, request.commune.name);
    return send(
      request,
      reply,
      { title: `${name} — OGC API – Features`, description: request.commune.attribution, links },
      () =>
        `<h1>${escapeHtml(name)}</h1><p>${escapeHtml(request.commune.attribution)}</p><ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title)}</a></li>`).join('')}</ul>`,
    );
  });

  app.get('/ogc/conformance', { schema: hide }, async (request, reply) => {
    refuseUnknown(request.query as Query, ['f']);
    return send(
      request,
      reply,
      { conformsTo: CONFORMANCE },
      () => `<h1>Conformance</h1><ul>${CONFORMANCE.map((c) => `<li>${c}</li>`).join('')}</ul>`,
    );
  });

  app.get('/ogc/api', { schema: hide }, async (request, reply) => {
    refuseUnknown(request.query as Query, ['f']);
    const layers = await gis.readableLayers(request);
    // As bytes: Fastify would rewrite the media type's parameter (version="3.0"), which clients compare literally.
    const document = openApiDocument(
      base(request),
      layers.map((l) => l.layer),
    );
    return reply.header('content-type', 'application/vnd.oai.openapi+json;version=3.0').send(Buffer.from(JSON.stringify(document)));
  });

  app.get('/ogc/collections', { schema: hide }, async (request, reply) => {
    refuseUnknown(request.query as Query, ['f']);
    const layers = await gis.readableLayers(request);
    const collections = layers.map(({ layer, extent }) => collectionJson(request, layer, extent));
    const self = `${base(request)}/collections`;
    return send(
      request,
      reply,
      {
        links: [
          { href: `${self}?f=json`, rel: 'self', type: 'application/json', title: 'this document' },
          { href: `${self}?f=html`, rel: 'alternate', type: 'text/html', title: 'as HTML' },
        ],
        collections,
        crs: Object.keys(CRS),
      },
      () =>
        `<h1>Collections</h1><ul>${collections.map((c) => `<li><a href="${escapeHtml(c.links[1]!.href)}">${escapeHtml(c.title || c.id)}</a> — <a href="${escapeHtml(c.links[3]!.href)}">items</a></li>`).join('')}</ul>`,
    );
  });

  app.get('/ogc/collections/:collection', { schema: hide }, async (request, reply) => {
    refuseUnknown(request.query as Query, ['f']);
    const { layer, extent } = await gis.readableLayerWithExtent(request, (request.params as { collection: string }).collection);
    const c = collectionJson(request, layer, extent);
    return send(
      request,
      reply,
      c,
      () =>
        `<h1>${escapeHtml(c.title || c.id)}</h1><p>${escapeHtml(c.description)}</p><p><a href="${escapeHtml(c.links[3]!.href)}">items</a></p>`,
    );
  });

  /** The feature filters of a request on `layer`: bbox (in bbox-crs), datetime, attribute values. */
  function filterOf(query: Query, layer: LayerRow): FeatureFilter {
    const filter: FeatureFilter = {};
    const bbox = one(query, 'bbox');
    if (bbox !== undefined) filter.bbox = parseBbox(bbox, parseCrs(one(query, 'bbox-crs'), '/query/bbox-crs'));
    else if (one(query, 'bbox-crs') !== undefined) parseCrs(one(query, 'bbox-crs'), '/query/bbox-crs');
    const datetime = one(query, 'datetime');
    if (datetime !== undefined) {
      if (!layer.timeAttribute) throw invalid('/query/datetime');
      filter.time = { attribute: layer.timeAttribute, ...parseDatetime(datetime) };
    }
    const equals: Record<string, string> = {};
    for (const a of layer.attributes) {
      const v = one(query, a.name);
      if (v !== undefined) equals[a.name] = v;
    }
    if (Object.keys(equals).length) filter.equals = equals;
    return filter;
  }

  function featureJson(row: FeatureRow) {
    return { type: 'Feature', id: Number(row.id), geometry: JSON.parse(row.geometryJson), properties: JSON.parse(row.propertiesJson) };
  }

  app.get('/ogc/collections/:collection/items', { schema: hide }, async (request, reply) => {
    const query = request.query as Query;
    const layer = await gis.readableLayer(request, (request.params as { collection: string }).collection);
    refuseUnknown(query, ['f', 'limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'datetime', ...layer.attributes.map((a) => a.name)]);
    const limitText = one(query, 'limit');
    const offsetText = one(query, 'offset');
    if (limitText !== undefined && !/^\d{1,9}$/.test(limitText)) throw invalid('/query/limit');
    if (offsetText !== undefined && !/^\d{1,9}$/.test(offsetText)) throw invalid('/query/offset');
    const requested = limitText === undefined ? LIMIT_DEFAULT : Number(limitText);
    if (requested < 1) throw invalid('/query/limit');
    // Past the maximum, the limit is clamped, not refused (OGC API – Features, /req/core/fc-limit-response-1).
    const limit = Math.min(requested, LIMIT_MAX);
    const offset = offsetText === undefined ? 0 : Number(offsetText);
    const crs = parseCrs(one(query, 'crs'), '/query/crs');
    const filter = filterOf(query, layer);
    const { rows, total } = await gis.features(request, layer, filter, crs, { limit, offset });

    const self = `${base(request)}/collections/${layer.code}/items`;
    const keep = Object.entries(query).filter(([k, v]) => k !== 'offset' && k !== 'f' && k !== 'limit' && typeof v === 'string') as [
      string,
      string,
    ][];
    const link = (params: Record<string, string | number>, f = 'json') =>
      `${self}?${new URLSearchParams([...keep, ...Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]), ['f', f]]).toString()}`;
    const links = [
      { href: link({ limit, offset }), rel: 'self', type: 'application/geo+json', title: 'this document' },
      { href: link({ limit, offset }, 'html'), rel: 'alternate', type: 'text/html', title: 'as HTML' },
      ...(offset + rows.length < total
        ? [{ href: link({ limit, offset: offset + limit }), rel: 'next', type: 'application/geo+json', title: 'next page' }]
        : []),
      ...(offset > 0
        ? [
            {
              href: link({ limit, offset: Math.max(0, offset - limit) }),
              rel: 'prev',
              type: 'application/geo+json',
              title: 'previous page',
            },
          ]
        : []),
      { href: `${base(request)}/collections/${layer.code}?f=json`, rel: 'collection', type: 'application/json', title: 'the collection' },
    ];
    const features = rows.map(featureJson);
    reply.header('content-crs', `<${crs.uri}>`);
    return send(
      request,
      reply,
      {
        type: 'FeatureCollection',
        features,
        numberMatched: total,
        numberReturned: features.length,
        timeStamp: new Date().toISOString(),
        links,
      },
      () =>
        `<h1>${escapeHtml(title(request, layer.title) || layer.code)}</h1><p>${features.length} / ${total}</p><table><thead><tr><th>id</th>${layer.attributes.map((a) => `<th>${escapeHtml(title(request, a.title) || a.name)}</th>`).join('')}</tr></thead><tbody>${features
          .map(
            (f) =>
              `<tr><td><a href="${escapeHtml(`${self}/${f.id}?f=html`)}">${f.id}</a></td>${layer.attributes.map((a) => `<td>${escapeHtml(String((f.properties as Record<string, unknown>)[a.name] ?? ''))}</td>`).join('')}</tr>`,
          )
          .join('')}</tbody></table>${links
          .filter((l) => l.rel === 'next' || l.rel === 'prev')
          .map((l) => `<p><a href="${escapeHtml(l.href.replace('f=json', 'f=html'))}">${l.title}</a></p>`)
          .join('')}`,
      'application/geo+json',
    );
  });

  app.get('/ogc/collections/:collection/items/:featureId', { schema: hide }, async (request, reply) => {
    const query = request.query as Query;
    refuseUnknown(query, ['f', 'crs']);
    const { collection, featureId } = request.params as { collection: string; featureId: string };
    const layer = await gis.readableLayer(request, collection);
    if (!/^\d{1,18}$/.test(featureId)) throw notFound();
    const crs = parseCrs(one(query, 'crs'), '/query/crs');
    const row = await gis.feature(request, layer, featureId, crs);
    const feature = featureJson(row);
    const self = `${base(request)}/collections/${layer.code}/items/${featureId}`;
    reply.header('content-crs', `<${crs.uri}>`);
    return send(
      request,
      reply,
      {
        ...feature,
        links: [
          { href: `${self}?f=json`, rel: 'self', type: 'application/geo+json', title: 'this document' },
          { href: `${self}?f=html`, rel: 'alternate', type: 'text/html', title: 'as HTML' },
          {
            href: `${base(request)}/collections/${layer.code}?f=json`,
            rel: 'collection',
            type: 'application/json',
            title: 'the collection',
          },
        ],
      },
      () =>
        `<h1>${escapeHtml(title(request, layer.title) || layer.code)} — ${feature.id}</h1><table>${Object.entries(
          feature.properties as Record<string, unknown>,
        )
          .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v ?? ''))}</td></tr>`)
          .join('')}</table>`,
      'application/geo+json',
    );
  });
}

/** The OpenAPI 3.0 definition of this OGC API (its `service-desc`), one items path per readable collection. */
function openApiDocument(base: string, layers: LayerRow[]) {
  const param = (name: string, description: string, schema: object, extra: object = {}) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
    style: 'form',
    explode: false,
    ...extra,
  });
  const common = [param('f', 'Output format', { type: 'string', enum: ['json', 'html'] })];
  const items = [
    param('limit', `Features per page (clamped to ${LIMIT_MAX})`, { type: 'integer', minimum: 1, default: LIMIT_DEFAULT }),
    param('offset', 'Features to skip', { type: 'integer', minimum: 0, default: 0 }),
    param('bbox', 'Bounding box: minx,miny,maxx,maxy in bbox-crs', { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } }),
    param('bbox-crs', 'CRS of bbox', { type: 'string', enum: Object.keys(CRS), default: CRS84 }),
    param('crs', 'CRS of the response', { type: 'string', enum: Object.keys(CRS), default: CRS84 }),
    param('datetime', 'Instant or interval (RFC 3339, `..` for open ends), on collections that have time', { type: 'string' }),
  ];
  const json = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } },
  });
  const geojson = (description: string) => ({
    description,
    content: { 'application/geo+json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } },
  });
  const paths: Record<string, object> = {
    '/': {
      get: { summary: 'Landing page', operationId: 'getLandingPage', parameters: common, responses: { 200: json('The landing page') } },
    },
    '/conformance': {
      get: {
        summary: 'Conformance classes',
        operationId: 'getConformance',
        parameters: common,
        responses: { 200: json('The conformance classes') },
      },
    },
    '/collections': {
      get: { summary: 'Collections', operationId: 'getCollections', parameters: common, responses: { 200: json('The collections') } },
    },
  };
  for (const layer of layers) {
    const props = layer.attributes.map((a) =>
      param(a.name, `Features whose ${a.name} equals this value`, {
        type: a.type === 'integer' ? 'integer' : a.type === 'number' ? 'number' : a.type === 'boolean' ? 'boolean' : 'string',
      }),
    );
    paths[`/collections/${layer.code}`] = {
      get: {
        summary: `Collection ${layer.code}`,
        operationId: `describe_${layer.code}`,
        parameters: common,
        responses: { 200: json('The collection'), 404: { description: 'Not found' } },
      },
    };
    paths[`/collections/${layer.code}/items`] = {
      get: {
        summary: `Features of ${layer.code}`,
        operationId: `items_${layer.code}`,
        parameters: [...common, ...items, ...props],
        responses: { 200: geojson('The features'), 400: { description: 'Bad request' } },
      },
    };
    paths[`/collections/${layer.code}/items/{featureId}`] = {
      get: {
        summary: `One feature of ${layer.code}`,
        operationId: `item_${layer.code}`,
        parameters: [...common, { name: 'featureId', in: 'path', required: true, schema: { type: 'integer' } }, items[4]],
        responses: { 200: geojson('The feature'), 404: { description: 'Not found' } },
      },
    };
  }
  return { openapi: '3.0.3', info: { title: 'Madina — OGC API – Features', version: '1.0.0' }, servers: [{ url: base }], paths };
}
