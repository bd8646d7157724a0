/**
 * The NGSI-LD API at /ngsi-ld/v1 (ETSI GS CIM 009): entities, their attributes, subscriptions and
 * the temporal representation, over the entity types modules register. Its own error handler
 * answers ETSI ProblemDetails. Kept out of the platform's OpenAPI document on purpose (like /ogc):
 * ETSI publishes the NGSI-LD OpenAPI, and clients use that.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.js';
import { authorize } from '../auth/principal.js';
import { findCommuneByCode } from '../communes/communes.repository.js';
import { sqlState } from '../db/errors.js';
import { type Tx, withCommune } from '../db/tenant.js';
import { actorOf, cachedCommuneLookup } from '../http/context.js';
import { AppError } from '../http/errors.js';
import type { Platform } from '../platform.js';
import { badRequest, ERROR_URI, invalidRequest, NgsiError, type NgsiErrorType, notFound } from './errors.js';
import { parseGeoQuery } from './geo-query.js';
import { checkBodyContext, linkHeader, negotiate, type ResponseType } from './media.js';
import { parseQuery } from './query-language.js';
import {
  checkPattern,
  countEntities,
  type EntityFilter,
  type EntityTypeProvider,
  type EntityTypeRegistry,
  type NormalizedEntity,
  type RenderOptions,
  renderEntity,
  selectEntities,
  selectEntity,
} from './registry.js';
import {
  CORE_CONTEXT,
  deleteSubscription,
  findSubscription,
  insertSubscription,
  listSubscriptions,
  parseSubscription,
  presentSubscription,
} from './subscriptions.js';
import { storeTelemetryUpdate } from './telemetry-write.js';

export const NGSI_PREFIX = '/ngsi-ld/v1';
/** The spec leaves the maximum to the implementation; Orion-LD's is 1000 too. */
export const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 20;
const MAX_LAST_N = 1000;
const MAX_IDS = 100;

type Query = Record<string, string | undefined>;
/** Not in the platform's OpenAPI document (see the file's comment). */
const HIDDEN = { schema: { hide: true } } as const;

function refuseUnknown(query: Query, allowed: readonly string[]) {
  for (const key of Object.keys(query)) if (!allowed.includes(key)) throw badRequest(`unknown parameter "${key}"`);
}

function list(value: string | undefined, what: string, max = MAX_IDS): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.length > max || items.some((s) => s.length === 0 || s.length > 256)) throw badRequest(`${what}: up to ${max} non-empty items`);
  return [...new Set(items)];
}

function integer(value: string | undefined, what: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${what}: a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw badRequest(`${what}: from ${min} to ${max}`);
  return n;
}

function options(query: Query, allowed: readonly string[]): Set<string> {
  const given = list(query.options, 'options', 10) ?? [];
  for (const o of given) if (!allowed.includes(o)) throw badRequest(`options: unknown "${o}"`);
  return new Set(given);
}

function renderOptions(query: Query): RenderOptions {
  const o = options(query, ['keyValues', 'concise', 'normalized', 'sysAttrs']);
  if (o.has('keyValues') && o.has('normalized')) throw badRequest('options: keyValues or normalized, not both');
  const attrs = list(query.attrs, 'attrs');
  return { keyValues: o.has('keyValues'), sysAttrs: o.has('sysAttrs'), ...(attrs ? { attrs } : {}) };
}

/** The entity with its @context when the body carries it (ld+json). */
function withContext(entity: NormalizedEntity, provider: EntityTypeProvider, type: ResponseType) {
  return type === 'application/ld+json' ? { ...entity, '@context': [provider.context, CORE_CONTEXT] } : entity;
}

function asFeature(entity: NormalizedEntity, keyValues: boolean) {
  const { id, type, location, ...properties } = entity;
  const geometry = location === undefined ? null : keyValues ? location : (location as { value: unknown }).value;
  return { id, type: 'Feature', geometry, properties: { type, ...(location === undefined ? {} : { location }), ...properties } };
}

/** The NGSI-LD router over the registry (entity types registered before or after it are served alike). */
export async function ngsiLdRoutes(root: FastifyInstance, platform: Platform, registry: EntityTypeRegistry) {
  const { db } = platform;
  const communeByCode = cachedCommuneLookup((code) => findCommuneByCode(db.kysely, code));

  await root.register(
    async (app) => {
      app.addContentTypeParser(['application/ld+json', 'application/merge-patch+json'], { parseAs: 'string' }, (_request, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(invalidRequest('the body is not JSON'), undefined);
        }
      });

      app.setErrorHandler((error: FastifyError, request, reply) => sendError(request, reply, toNgsiError(error, request)));
      const noSuchResource = (request: FastifyRequest, reply: FastifyReply) =>
        sendError(request, reply, notFound(`no such resource: ${request.url.split('?')[0]}`));
      app.setNotFoundHandler(noSuchResource);
      // Beats the front end's catch-all for paths under the prefix.
      app.all('/*', HIDDEN, noSuchResource);

      /** The request's commune: NGSILD-Tenant names it by its code, else the host's commune. */
      async function tenant(request: FastifyRequest, reply: FastifyReply): Promise<string> {
        const header = request.headers['ngsild-tenant'];
        if (header === undefined) return request.commune.id;
        const code = String(header).toLowerCase();
        const commune = /^[a-z0-9][a-z0-9-]{1,62}$/.test(code) ? await communeByCode(code) : undefined;
        if (!commune) throw new NgsiError('NonexistentTenant', `no tenant "${String(header).slice(0, 64)}"`);
        reply.header('ngsild-tenant', commune.code);
        return commune.id;
      }

      function providerOrThrow(id: string): EntityTypeProvider {
        const provider = registry.forId(id);
        if (!provider) throw notFound(`no entity ${id}`);
        return provider;
      }

      function canRead(request: FastifyRequest, provider: EntityTypeProvider) {
        if (!provider.public) authorize(request.principal, 'ngsi.entities.read');
      }

      function send(reply: FastifyReply, type: ResponseType, context: string, body: unknown) {
        if (type !== 'application/ld+json') reply.header('link', linkHeader(context));
        return reply.type(type).send(body);
      }

      app.get('/entities', HIDDEN, async (request, reply) => {
        const query = request.query as Query;
        refuseUnknown(query, [
          'id',
          'type',
          'idPattern',
          'attrs',
          'q',
          'georel',
          'geometry',
          'coordinates',
          'geoproperty',
          'limit',
          'offset',
          'count',
          'options',
        ]);
        const responseType = negotiate(request, ['application/json', 'application/ld+json', 'application/geo+json']);
        const communeId = await tenant(request, reply);
        const render = renderOptions(query);
        const count = query.count === undefined ? false : query.count === 'true' ? true : query.count === 'false' ? false : undefined;
        if (count === undefined) throw badRequest('count: true or false');
        const limit = integer(query.limit, 'limit', 0, MAX_LIMIT, DEFAULT_LIMIT);
        if (limit === 0 && !count) throw badRequest('limit: 0 only with count=true');
        const offset = integer(query.offset, 'offset', 0, 1_000_000_000, 0);
        const filter: EntityFilter = {};
        const ids = list(query.id, 'id');
        if (ids) filter.ids = ids;
        if (query.idPattern !== undefined) filter.idPattern = checkPattern(query.idPattern, 'idPattern');
        if (query.q !== undefined) filter.q = parseQuery(query.q);
        const geo = parseGeoQuery(query);
        if (geo) filter.geo = geo;
        const types = list(query.type, 'type', 20);
        if (!types && !query.attrs && !query.q && !geo && !ids && query.idPattern === undefined) {
          throw badRequest('give at least one of type, id, idPattern, attrs, q or a geo-query');
        }
        // Unknown types select nothing (an empty list, not an error); without type, every type.
        const providers = (types ?? registry.all().map((p) => p.type)).flatMap((t) => registry.get(t) ?? []);
        for (const p of providers) canRead(request, p);
        const withAttrs: EntityFilter = render.attrs ? { ...filter } : filter;
        const { entities, total } = await withCommune(db, communeId, async (trx) => {
          const out: { provider: EntityTypeProvider; entity: NormalizedEntity }[] = [];
          let skip = offset;
          let room = limit;
          let total = 0;
          for (const provider of providers) {
            const f = attrsFilter(provider, withAttrs, render.attrs);
            if (!f) continue;
            const n = providers.length > 1 || count ? await countEntities(trx, provider, f) : undefined;
            total += n ?? 0;
            if (room === 0 || (n !== undefined && skip >= n)) {
              skip -= n ?? 0;
              continue;
            }
            const rows = await selectEntities(trx, provider, f, room, skip);
            skip = 0;
            room -= rows.length;
            for (const row of rows) out.push({ provider, entity: renderEntity(provider, row, render) });
          }
          return { entities: out, total };
        });
        if (count) reply.header('ngsild-results-count', String(total));
        const links: string[] = [];
        const page = (o: number) => {
          const params = new URLSearchParams(query as Record<string, string>);
          params.set('offset', String(o));
          params.set('limit', String(limit));
          return `${NGSI_PREFIX}/entities?${params.toString()}`;
        };
        if (limit > 0 && entities.length === limit && (!count || offset + limit < total))
          links.push(`<${page(offset + limit)}>; rel="next"`);
        if (offset > 0 && limit > 0) links.push(`<${page(Math.max(0, offset - limit))}>; rel="prev"`);
        const context = providers[0]?.context ?? CORE_CONTEXT;
        if (responseType === 'application/geo+json') {
          reply.header('link', [linkHeader(context), ...links].join(', '));
          return reply
            .type(responseType)
            .send({ type: 'FeatureCollection', features: entities.map((e) => asFeature(e.entity, render.keyValues)) });
        }
        if (links.length > 0 && responseType === 'application/ld+json') reply.header('link', links.join(', '));
        if (responseType === 'application/json') reply.header('link', [linkHeader(context), ...links].join(', '));
        return reply.type(responseType).send(entities.map((e) => withContext(e.entity, e.provider, responseType)));
      });

      /** `attrs` selects the entities that have at least one of them (NGSI-LD 4.5.1): an existence test in SQL. */
      function attrsFilter(provider: EntityTypeProvider, f: EntityFilter, attrs: readonly string[] | undefined): EntityFilter | undefined {
        if (!attrs) return f;
        const known = attrs.filter((a) => provider.attributes[a] || a === 'location');
        if (known.length === 0) return undefined;
        const exists = known.map((name) => ({ kind: 'exists' as const, path: { name, sub: [], members: [] } }));
        const either = exists.length === 1 ? exists[0] : { kind: 'or' as const, items: exists };
        return { ...f, q: f.q ? { kind: 'and', items: [f.q, either as NonNullable<EntityFilter['q']>] } : either };
      }

      async function loadEntity(request: FastifyRequest, trx: Tx, id: string) {
        const provider = providerOrThrow(id);
        canRead(request, provider);
        const row = await selectEntity(trx, provider, id);
        if (!row) throw notFound(`no entity ${id}`);
        return { provider, row };
      }

      const entityId = (request: FastifyRequest) => {
        const id = (request.params as { id: string }).id;
        if (id.length > 256 || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(id)) throw badRequest('the entity id must be a URI');
        return id;
      };

      app.get('/entities/:id', HIDDEN, async (request, reply) => {
        const query = request.query as Query;
        refuseUnknown(query, ['attrs', 'options', 'type', 'geoproperty']);
        const responseType = negotiate(request, ['application/json', 'application/ld+json', 'application/geo+json']);
        const id = entityId(request);
        const communeId = await tenant(request, reply);
        const render = renderOptions(query);
        const { provider, row } = await withCommune(db, communeId, (trx) => loadEntity(request, trx, id));
        if (query.type !== undefined && registry.get(query.type) !== provider) throw notFound(`no entity ${id} of type ${query.type}`);
        const entity = renderEntity(provider, row, render);
        if (responseType === 'application/geo+json')
          return send(reply, responseType, provider.context, asFeature(entity, render.keyValues));
        return send(reply, responseType, provider.context, withContext(entity, provider, responseType));
      });

      app.patch('/entities/:id/attrs', HIDDEN, async (request, reply) => {
        refuseUnknown(request.query as Query, []);
        authorize(request.principal, 'ngsi.entities.update');
        const id = entityId(request);
        const communeId = await tenant(request, reply);
        const { id: bodyId, type: bodyType, ...attrs } = checkBodyContext(request);
        if (bodyId !== undefined && bodyId !== id) throw badRequest('the body names another entity');
        if (Object.keys(attrs).length === 0) throw badRequest('no attribute to update');
        const provider = providerOrThrow(id);
        if (bodyType !== undefined && registry.get(String(bodyType)) !== provider) throw badRequest('the body names another type');
        if (!provider.toTelemetry) throw new NgsiError('OperationNotSupported', `${provider.type} entities are read-only here`);
        const toTelemetry = provider.toTelemetry;
        const row = await withCommune(db, communeId, async (trx) => (await loadEntity(request, trx, id)).row);
        if (!row.deviceId) throw new NgsiError('OperationNotSupported', `${id} has no controller to record readings for`);
        const observedAt = readingTime(
          attrs,
          platform.config.telemetryPastHours * 3_600_000,
          platform.config.telemetryFutureSeconds * 1000,
        );
        const result = await storeTelemetryUpdate(db, platform.telemetry, communeId, toTelemetry(row, attrs, observedAt));
        if (result.notUpdated.length === 0) return reply.code(204).send();
        return reply.code(207).type('application/json').send(result);
      });

      app.get('/types', HIDDEN, async (request, reply) => {
        refuseUnknown(request.query as Query, ['details']);
        const responseType = negotiate(request, ['application/json', 'application/ld+json']);
        await tenant(request, reply);
        const body = {
          id: 'urn:ngsi-ld:EntityTypeList:madina',
          type: 'EntityTypeList',
          typeList: registry.all().map((p) => p.type),
          ...(responseType === 'application/ld+json' ? { '@context': [CORE_CONTEXT] } : {}),
        };
        return send(reply, responseType, CORE_CONTEXT, body);
      });

      app.get('/temporal/entities/:id', HIDDEN, async (request, reply) => {
        const query = request.query as Query;
        refuseUnknown(query, ['timerel', 'timeAt', 'endTimeAt', 'lastN', 'attrs', 'options', 'timeproperty']);
        authorize(request.principal, 'ngsi.temporal.read');
        const responseType = negotiate(request, ['application/json', 'application/ld+json']);
        const id = entityId(request);
        const communeId = await tenant(request, reply);
        const o = options(query, ['temporalValues', 'sysAttrs']);
        if (query.timeproperty !== undefined && query.timeproperty !== 'observedAt') throw badRequest('timeproperty: only observedAt');
        const timerel = query.timerel;
        if (timerel !== undefined && !['before', 'after', 'between'].includes(timerel))
          throw badRequest('timerel: before, after or between');
        const instant = (v: string | undefined, what: string) => {
          if (v === undefined || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) throw badRequest(`${what}: a date-time`);
          return new Date(v).toISOString();
        };
        const range = {
          lastN: integer(query.lastN, 'lastN', 1, MAX_LAST_N, MAX_LAST_N),
          ...(timerel ? { timerel: timerel as 'before' | 'after' | 'between', timeAt: instant(query.timeAt, 'timeAt') } : {}),
          ...(timerel === 'between' ? { endTimeAt: instant(query.endTimeAt, 'endTimeAt') } : {}),
        };
        if (!timerel && (query.timeAt || query.endTimeAt)) throw badRequest('timeAt needs timerel');
        if (range.endTimeAt && range.timeAt && range.endTimeAt <= range.timeAt) throw badRequest('endTimeAt must follow timeAt');
        const attrs = list(query.attrs, 'attrs');
        const { provider, instants } = await withCommune(db, communeId, async (trx) => {
          const { provider, row } = await loadEntity(request, trx, id);
          if (!provider.temporal) throw new NgsiError('OperationNotSupported', `${provider.type} has no temporal representation`);
          return { provider, instants: await provider.temporal(trx, row, range) };
        });
        // Oldest first, as the temporal representation lists instances.
        const ordered = [...instants].reverse();
        const names = [...new Set(ordered.flatMap((i) => Object.keys(i.values)))].filter((n) => !attrs || attrs.includes(n));
        const entity: Record<string, unknown> = { id, type: provider.type };
        for (const name of names) {
          const points = ordered.filter((i) => i.values[name] !== undefined && i.values[name] !== null);
          entity[name] = o.has('temporalValues')
            ? { type: 'Property', values: points.map((i) => [i.values[name], i.observedAt]) }
            : points.map((i) => ({ type: 'Property', value: i.values[name], observedAt: i.observedAt }));
        }
        return send(
          reply,
          responseType,
          provider.context,
          responseType === 'application/ld+json' ? { ...entity, '@context': [provider.context, CORE_CONTEXT] } : entity,
        );
      });

      app.post('/subscriptions', HIDDEN, async (request, reply) => {
        refuseUnknown(request.query as Query, []);
        authorize(request.principal, 'ngsi.subscriptions.manage');
        const communeId = await tenant(request, reply);
        const body = checkBodyContext(request);
        const subscription = parseSubscription(body, registry);
        await withCommune(db, communeId, async (trx) => {
          if (!(await insertSubscription(trx, communeId, subscription)))
            throw new NgsiError('AlreadyExists', `subscription ${subscription.id} exists`);
          await recordAudit(trx, communeId, actorOf(request), {
            action: 'ngsi_ld.subscription.create',
            entityType: 'ngsi_subscription',
            entityId: subscription.id,
            after: subscription,
          });
        });
        return reply
          .code(201)
          .header('location', `${NGSI_PREFIX}/subscriptions/${encodeURIComponent(subscription.id)}`)
          .send();
      });

      app.get('/subscriptions', HIDDEN, async (request, reply) => {
        const query = request.query as Query;
        refuseUnknown(query, ['limit', 'offset', 'count']);
        authorize(request.principal, 'ngsi.subscriptions.manage');
        const responseType = negotiate(request, ['application/json', 'application/ld+json']);
        const communeId = await tenant(request, reply);
        const limit = integer(query.limit, 'limit', 1, MAX_LIMIT, DEFAULT_LIMIT);
        const offset = integer(query.offset, 'offset', 0, 1_000_000_000, 0);
        const { rows, total } = await withCommune(db, communeId, (trx) => listSubscriptions(trx, limit, offset));
        if (query.count === 'true') reply.header('ngsild-results-count', String(total));
        const ld = responseType === 'application/ld+json';
        return send(
          reply,
          responseType,
          CORE_CONTEXT,
          rows.map((s) => ({ ...presentSubscription(s), ...(ld ? { '@context': [CORE_CONTEXT] } : {}) })),
        );
      });

      app.get('/subscriptions/:id', HIDDEN, async (request, reply) => {
        refuseUnknown(request.query as Query, []);
        authorize(request.principal, 'ngsi.subscriptions.manage');
        const responseType = negotiate(request, ['application/json', 'application/ld+json']);
        const communeId = await tenant(request, reply);
        const id = (request.params as { id: string }).id;
        const s = await withCommune(db, communeId, (trx) => findSubscription(trx, id));
        if (!s) throw notFound(`no subscription ${id}`);
        const ld = responseType === 'application/ld+json';
        return send(reply, responseType, CORE_CONTEXT, { ...presentSubscription(s), ...(ld ? { '@context': [CORE_CONTEXT] } : {}) });
      });

      app.delete('/subscriptions/:id', HIDDEN, async (request, reply) => {
        refuseUnknown(request.query as Query, []);
        authorize(request.principal, 'ngsi.subscriptions.manage');
        const communeId = await tenant(request, reply);
        const id = (request.params as { id: string }).id;
        await withCommune(db, communeId, async (trx) => {
          const deleted = await deleteSubscription(trx, id);
          if (!deleted) throw notFound(`no subscription ${id}`);
          await recordAudit(trx, communeId, actorOf(request), {
            action: 'ngsi_ld.subscription.delete',
            entityType: 'ngsi_subscription',
            entityId: id,
            before: deleted,
          });
        });
        return reply.code(204).send();
      });
    },
    { prefix: NGSI_PREFIX },
  );
}

/** The reading's time: the attributes' observedAt (the newest), else now; refused outside the telemetry window. */
function readingTime(attrs: Record<string, unknown>, pastMs: number, futureMs: number): string {
  const times = Object.values(attrs)
    .map((a) => (typeof a === 'object' && a !== null ? (a as { observedAt?: unknown }).observedAt : undefined))
    .filter((t) => t !== undefined);
  if (times.some((t) => typeof t !== 'string' || Number.isNaN(Date.parse(t)))) throw badRequest('observedAt: a date-time');
  const now = Date.now();
  const at = times.length === 0 ? now : Math.max(...(times as string[]).map((t) => Date.parse(t)));
  if (at < now - pastMs || at > now + futureMs) throw badRequest('observedAt: outside the window readings are accepted in');
  return new Date(at).toISOString();
}

function toNgsiError(error: FastifyError, request: FastifyRequest): NgsiError {
  if (error instanceof NgsiError) return error;
  if (error instanceof AppError) {
    if (error.status === 401) return new NgsiError('Unauthorized', 'sign in, or send an API key (Authorization: Bearer)');
    if (error.status === 403) return new NgsiError('Forbidden', 'the caller lacks the permission this needs');
    if (error.status === 404) return notFound('not found');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new NgsiError('UnsupportedMediaType', 'send application/json or application/ld+json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new NgsiError('BadRequestData', 'the body is over the size limit', 413);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidRequest('the body is not JSON');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && error.code?.startsWith('FST_ERR_CTP')))
    return invalidRequest('the body is not JSON');
  // A pattern JavaScript accepts but PostgreSQL's regular expressions do not.
  if (sqlState(error) === '2201B') return badRequest('invalid regular expression');
  request.log.error({ err: error }, 'ngsi-ld request failed');
  return new NgsiError('InternalError', `internal error (request ${request.id})`);
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: NgsiError) {
  const type: NgsiErrorType = error.type;
  const i18n = request.i18n;
  const title = i18n ? i18n.t(`problem.ngsi_ld.${type}.title`) : type;
  return reply
    .code(error.status)
    .type('application/json')
    .send({ type: `${ERROR_URI}${type}`, title, status: error.status, detail: error.detail, instance: request.url.split('?')[0] });
}
