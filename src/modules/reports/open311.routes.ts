import formbody from '@fastify/formbody';
import type {} from '@fastify/multipart';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { ApiKeyPrincipal } from '../../platform/auth/principal.js';
import type { CommuneRow } from '../../platform/communes/communes.repository.js';
import { isDatabaseUnavailable } from '../../platform/db/errors.js';
import { imageTooLarge, type ProcessedImage, processImage } from '../../platform/files/images.js';
import { discardPhotos, storeImages } from '../../platform/files/uploads.js';
import { actorOf, type CallContext, fallbackOrder } from '../../platform/http/context.js';
import { AppError } from '../../platform/http/errors.js';
import { isLocale, negotiateLocale, type Translator, translator } from '../../platform/i18n/index.js';
import { LIMITS } from '../../platform/limits.js';
import type { App, Platform } from '../../platform/platform.js';
import {
  firstPhotos,
  type Presentation,
  presentCreated,
  presentDefinition,
  presentDiscovery,
  presentErrors,
  presentRequest,
  presentService,
  presentUpdate,
  XML_ITEMS,
} from './open311.presenters.js';
import * as s from './open311.schemas.js';
import { Open311Service } from './open311.service.js';
import type { XmlValue } from './open311.xml.js';
import { toXml } from './open311.xml.js';
import { OPEN_STATUSES, type ReportFilter, STATUSES } from './reports.repository.js';
import { ReportsService, type Submission } from './reports.service.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const DAY = 86_400_000;
const SPAN = s.MAX_SPAN_DAYS * DAY;
/** When the API last changed shape: the discovery's changeset when no service changed since. */
const API_CHANGESET = new Date('2026-11-29T00:00:00Z');
const tags = ['open311'];

type Fields = Record<string, string | string[]>;

interface Item {
  /** The parameter at fault, as the client named it. */
  field?: string;
  key: string;
  values?: Record<string, unknown>;
}

/** An Open311 refusal: an HTTP status and the spec's list of errors (translated when sent). */
class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly items: Item[],
    readonly headers: Record<string, string> = {},
  ) {
    super(`open311 ${status}`);
  }
}

const refuse = (status: number, ...items: Item[]) => new Open311Error(status, items);

/** Where the format is not known yet (an error before routing), the path's suffix says it; XML is the spec's default. */
function formatOf(request: FastifyRequest): s.Format {
  return /\.json$/i.test(request.url.split('?')[0] ?? '') ? 'json' : 'xml';
}

type Root = 'discovery' | 'services' | 'service_definition' | 'service_requests' | 'service_request_updates' | 'errors';

function send(reply: FastifyReply, format: s.Format, status: number, root: Root, value: unknown) {
  reply.code(status);
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
  return reply.type('text/xml; charset=utf-8').send(toXml(root, value as XmlValue, XML_ITEMS));
}

/** `pointer` as the client named the parameter: `/body/lat` → lat, `attribute/size` → attribute[size]. */
function fieldName(pointer: string): string {
  const name = pointer.replace(/^\/(body|query|path|headers)\//, '').replace(/^\//, '');
  const attribute = /^attribute\/(.+)$/.exec(name);
  return attribute ? `attribute[${attribute[1]}]` : name;
}

/** Ajv's errors as Open311 items, one per field. */
function validationItems(errors: readonly Pick<ErrorObject, 'keyword' | 'instancePath' | 'params'>[]): Item[] {
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const field =
      e.keyword === 'required'
        ? String(e.params.missingProperty)
        : e.keyword === 'additionalProperties'
          ? String(e.params.additionalProperty)
          : (e.instancePath.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    if (seen.has(field)) continue;
    seen.add(field);
    if (e.keyword === 'required') items.push({ field, key: 'problem.field.required' });
    else if (e.keyword === 'additionalProperties') items.push({ field, key: 'problem.field.unknown' });
    else if (e.keyword === 'maxLength') items.push({ field, key: 'open311.error.too_long', values: { max: e.params.limit } });
    else if (field === 'format') items.push({ field, key: 'open311.error.format' });
    else items.push({ field, key: 'problem.field.invalid' });
  }
  return items;
}

/**
 * The spec's statuses: 403 for a missing or wrong api_key, 404 for what does not exist (a
 * jurisdiction, a service_code, a request), 400 for anything else the request gets wrong.
 */
function fromAppError(e: AppError): Open311Error {
  let status = 400;
  if (e.status === 401 || e.status === 403) status = 403;
  else if (e.status === 404 || e.fields.some((f) => f.pointer === 'service_code' && f.key === 'problem.field.unknown_reference'))
    status = 404;
  else if (e.status === 429 || e.status >= 500) status = e.status;
  const items: Item[] = e.fields.length
    ? e.fields.map((f) => ({ field: fieldName(f.pointer), key: f.key, values: e.values }))
    : [{ key: e.detailKey ?? `problem.${e.code}.title`, values: e.values }];
  return new Open311Error(status, items, e.headers);
}

function asOpen311Error(error: unknown, bodyLimit: number): Open311Error {
  if (error instanceof Open311Error) return error;
  if (error instanceof AppError) return fromAppError(error);
  const e = error as FastifyError;
  if (e.validation) return new Open311Error(400, validationItems(e.validation as unknown as ErrorObject[]));
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return refuse(400, { key: 'open311.error.content_type' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refuse(400, { key: 'problem.body_too_large.detail', values: { limit: bodyLimit } });
    case 'FST_FILES_LIMIT':
      return refuse(400, { field: 'media', key: 'problem.photos.too_many.detail', values: { max: LIMITS.photosPerReport } });
  }
  if (isDatabaseUnavailable(error)) return new Open311Error(503, [{ key: 'problem.database_unavailable.detail' }], { 'retry-after': '5' });
  if (e.statusCode === 404) return refuse(404, { key: 'problem.not_found.detail' });
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return refuse(400, { key: 'problem.bad_request.title' });
  return refuse(500, { key: 'problem.internal.detail' });
}

/** A form's fields (`@fastify/formbody` gives strings, or arrays of them for repeated names). */
function formFields(body: unknown): Fields {
  const fields: Fields = {};
  if (body && typeof body === 'object') {
    for (const [name, value] of Object.entries(body)) {
      if (typeof value === 'string') fields[name] = value;
      else if (Array.isArray(value)) fields[name] = value.map(String);
    }
  }
  return fields;
}

function addField(fields: Fields, name: string, value: string) {
  const had = fields[name];
  fields[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
}

/**
 * The spec's "optional" rule: an empty parameter is an absent one. Repeated names become lists
 * (an answer to a multivaluelist always is one); a repeated ordinary field stays a list, which the
 * schema refuses.
 */
function tidy(fields: Fields): Fields {
  const out: Fields = {};
  for (const [name, value] of Object.entries(fields)) {
    const kept = (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
    if (kept.length === 0) continue;
    const list = Array.isArray(value) || name.endsWith('[]');
    out[name] = list && (kept.length > 1 || name.endsWith('[]')) ? kept : (kept[0] as string);
  }
  return out;
}

/** The answers to the service's attributes: `attribute[code]` and `attribute[code][]` fields. */
function answersOf(fields: Fields): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    const match = s.ATTRIBUTE_FIELD.exec(name);
    if (!match?.[1]) continue;
    const code = match[1];
    const had = answers[code];
    if (had === undefined) answers[code] = value;
    else answers[code] = [...(Array.isArray(had) ? had : [had]), ...(Array.isArray(value) ? value : [value])];
  }
  return answers;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);
const list = (csv: string | undefined) => (csv ? [...new Set(csv.split(',').map((x) => x.trim()))] : undefined);

function instant(value: string, field: string): number {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw refuse(400, { field, key: 'problem.field.invalid' });
  return at;
}

/**
 * The window of a query: the dates given, at most 90 days, or by default the last 90 days (the
 * spec's rule); a start alone means the 90 days from it, an end alone the 90 days up to it.
 */
function window(q: { start_date?: string; end_date?: string }, now: number): { from: Date; to?: Date } {
  const start = q.start_date ? instant(q.start_date, 'start_date') : undefined;
  const end = q.end_date ? instant(q.end_date, 'end_date') : undefined;
  if (start === undefined && end === undefined) return { from: new Date(now - SPAN) };
  if (end === undefined) return { from: new Date(start!), to: new Date(start! + SPAN) };
  if (start === undefined) return { from: new Date(end - SPAN), to: new Date(end) };
  if (end < start || end - start > SPAN) throw refuse(400, { field: 'start_date, end_date', key: 'open311.error.date_range' });
  return { from: new Date(start), to: new Date(end) };
}

/** The statuses an Open311 `status` filter stands for (both or neither: every status). */
function statusesOf(csv: string | undefined): ReportFilter['statuses'] {
  const wanted = new Set(list(csv));
  if (wanted.size !== 1) return undefined;
  return wanted.has('open') ? OPEN_STATUSES : STATUSES.filter((x) => !OPEN_STATUSES.includes(x));
}

/**
 * Open311 GeoReport v2 at /open311/v2, in JSON and XML: discovery, services and their
 * definitions, POST requests (form-encoded as the spec says, or multipart with `media` files as
 * FixMyStreet sends them), GET requests, a request, tokens, and mySociety's servicerequestupdates.
 * `jurisdiction_id` selects the commune (else the host's). Errors are the spec's list, never
 * problem+json.
 */
export async function open311Routes(app: App, platform: Platform) {
  await app.register((scope: App) => routes(scope, platform), { prefix: '/open311' });
}

async function routes(app: App, { db, files, config, auth }: Platform) {
  const reports = new ReportsService(db, {
    links: { publicUrl: config.publicUrl },
    rateLimit: config.reportRateLimit,
    editMinutes: config.reportEditMinutes,
  });
  const service = new Open311Service(db);
  const checkFields = addFormats(new Ajv({ allErrors: true, coerceTypes: true, strict: false })).compile(s.RequestFields);
  // The translator chosen for a request once its commune is known (errors are sent in its language).
  const translators = new WeakMap<FastifyRequest, Translator>();

  function translatorFor(request: FastifyRequest, commune: CommuneRow | undefined, given: unknown): Translator {
    const preferred = commune && isLocale(commune.defaultLocale) ? commune.defaultLocale : 'ar';
    const locale = isLocale(given) ? given : negotiateLocale(request.headers['accept-language'], preferred);
    const t = translator(locale, fallbackOrder(commune), commune?.timeZone);
    translators.set(request, t);
    return t;
  }

  /** The commune the request is for (its `jurisdiction_id`, else the host's) and how to present to the caller. */
  async function select(request: FastifyRequest, jurisdictionId: unknown, locale: unknown) {
    let commune: CommuneRow | undefined = request.commune ?? undefined;
    if (jurisdictionId !== undefined)
      commune = typeof jurisdictionId === 'string' ? await service.findJurisdiction(jurisdictionId) : undefined;
    if (!commune) {
      translatorFor(request, request.commune ?? undefined, locale);
      throw refuse(404, { field: 'jurisdiction_id', key: 'problem.field.unknown_reference' });
    }
    const t = translatorFor(request, commune, locale);
    const p: Presentation = {
      t,
      locale: t.locale,
      fallback: fallbackOrder(commune),
      timeZone: commune.timeZone,
      publicUrl: config.publicUrl,
    };
    const ctx: CallContext = { communeId: commune.id, principal: null, actor: actorOf(request) };
    return { commune, p, ctx };
  }

  function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    const refusal = asOpen311Error(error, config.bodyLimit);
    if (refusal.status >= 500) request.log.error({ err: error }, 'request failed');
    else if (!(error instanceof Open311Error))
      request.log.info({ status: refusal.status, message: (error as Error).message }, 'request refused');
    const query = request.query as Record<string, unknown> | undefined;
    const t = translators.get(request) ?? translatorFor(request, request.commune ?? undefined, query?.locale);
    const described = refusal.items.map((i) => ({
      code: refusal.status,
      description: i.field ? `${i.field}: ${t.t(i.key, i.values)}` : t.t(i.key, i.values),
    }));
    reply.headers(refusal.headers).header('content-language', t.locale);
    return send(reply, formatOf(request), refusal.status, 'errors', presentErrors(described));
  }

  await app.register(formbody);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, refuse(404, { key: 'problem.not_found.detail' })));
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    for (const [name, value] of Object.entries(query)) {
      // "can be declared multiple times, comma delimited"
      if (Array.isArray(value) && ['service_request_id', 'service_code', 'status'].includes(name))
        query[name] = value.filter((v) => v !== '').join(',');
      if (query[name] === '') delete query[name];
      // An offset's "+" that the client did not percent-encode arrives as a space.
      else if ((name === 'start_date' || name === 'end_date') && typeof value === 'string')
        query[name] = value.replace(/ (\d{2}:\d{2})$/, '+$1');
    }
  });
  // Under /open311 nothing falls through to the web app's pages.
  for (const url of ['/', '/*'])
    app.route({
      method: ['GET', 'HEAD'],
      url,
      schema: { hide: true },
      handler: async () => {
        throw refuse(404, { key: 'problem.not_found.detail' });
      },
    });

  app.get(
    '/v2/discovery.:format',
    {
      schema: {
        tags,
        summary: 'Open311 service discovery: the GeoReport v2 endpoint, its formats and how to get an API key',
        params: s.FormatParams,
        querystring: s.CommonQuery,
        response: {
          200: s.bothFormats(
            s.DiscoveryResponse,
            '<discovery><changeset/><contact/><key_service/><endpoints><endpoint>…</endpoint></endpoints></discovery>',
          ),
          ...s.ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { commune, p, ctx } = await select(request, request.query.jurisdiction_id, request.query.locale);
      const changed = await service.lastServiceChange(ctx);
      const changeset = changed && changed > API_CHANGESET ? changed : API_CHANGESET;
      const name = commune.name[p.locale] ?? commune.name.ar ?? commune.code;
      return send(reply, request.params.format, 200, 'discovery', presentDiscovery(changeset, name, p));
    },
  );

  app.get(
    '/v2/services.:format',
    {
      schema: {
        tags,
        summary: 'Open311 GET Service List: what can be requested (the enabled report categories), in the caller’s language',
        params: s.FormatParams,
        querystring: s.CommonQuery,
        response: { 200: s.bothFormats(s.ServiceList, '<services><service>…</service></services>'), ...s.ErrorResponses },
      },
    },
    async (request, reply) => {
      const { p, ctx } = await select(request, request.query.jurisdiction_id, request.query.locale);
      const categories = await reports.listCategories(ctx);
      return send(
        reply,
        request.params.format,
        200,
        'services',
        categories.map((c) => presentService(c, p)),
      );
    },
  );

  app.get(
    '/v2/services/:service_code.:format',
    {
      schema: {
        tags,
        summary: 'Open311 GET Service Definition: the attributes (questions) of a service',
        params: s.ServiceParams,
        querystring: s.CommonQuery,
        response: {
          200: s.bothFormats(
            s.ServiceDefinition,
            '<service_definition><service_code/><attributes><attribute>…<values><value><key/><name/></value></values></attribute></attributes></service_definition>',
          ),
          ...s.ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { p, ctx } = await select(request, request.query.jurisdiction_id, request.query.locale);
      const category = (await reports.listCategories(ctx)).find((c) => c.code === request.params.service_code);
      if (!category) throw refuse(404, { field: 'service_code', key: 'problem.field.unknown_reference' });
      return send(reply, request.params.format, 200, 'service_definition', presentDefinition(category, p));
    },
  );

  app.post(
    '/v2/requests.:format',
    {
      // The body is read and checked in the handler, the same way for both encodings.
      attachValidation: true,
      schema: {
        tags,
        summary: 'Open311 POST Service Request: file a report with an api_key (created at once: the answer holds its service_request_id)',
        description:
          'application/x-www-form-urlencoded as the spec says, or multipart/form-data with `media` files. A place is lat and long, or address_string, or address_id (a district). Send an Idempotency-Key header so that a retried post creates one request.',
        consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
        params: s.FormatParams,
        body: s.RequestCreateBody,
        response: {
          201: s.bothFormats(s.RequestCreated, '<service_requests><request>…</request></service_requests>', 'Created'),
          ...s.ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      if (request.validationError && request.validationError.validationContext !== 'body') throw request.validationError;
      const format = request.params.format;
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data')
        throw refuse(400, { key: 'open311.error.content_type' });
      const key = request.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !/^[A-Za-z0-9_.:-]{8,128}$/.test(key)))
        throw refuse(400, { field: 'Idempotency-Key', key: 'problem.field.invalid' });

      const received = type === 'multipart/form-data' ? await readMultipart(request) : { fields: formFields(request.body), images: [] };
      const fields = tidy(received.fields);
      const { commune, p, ctx: reader } = await select(request, fields.jurisdiction_id, single(fields.locale));
      const principal = await authenticate(request, commune, fields.api_key);
      const ctx: CallContext = {
        communeId: commune.id,
        principal,
        actor: { type: 'api_key', id: principal.id, label: `api key ${principal.name}`, requestId: String(request.id), ip: request.ip },
      };

      const valid = { ...fields } as Record<string, unknown>;
      if (!checkFields(valid)) throw new Open311Error(400, validationItems(checkFields.errors ?? []));
      const f = valid as Static<typeof s.RequestFields>;
      if ((f.lat === undefined) !== (f.long === undefined))
        throw refuse(400, { field: f.lat === undefined ? 'lat' : 'long', key: 'problem.field.required' });
      if (f.lat === undefined && !f.address_string && !f.address_id) throw refuse(400, { key: 'open311.error.place_required' });
      if (received.error) throw received.error;

      // An address_id alone: the district's name is the address.
      let address = f.address_string ?? null;
      if (!address && f.lat === undefined && f.address_id) {
        const district = (await reports.listDistricts(reader)).find((d) => d.id === f.address_id);
        if (!district) throw refuse(400, { field: 'address_id', key: 'problem.field.unknown_reference' });
        address = district.name[p.locale] ?? district.name.fr ?? district.name.ar ?? null;
      }
      const submission: Submission = {
        category: f.service_code,
        location: f.lat !== undefined && f.long !== undefined ? { lat: f.lat, lon: f.long } : null,
        address,
        districtId: f.address_id ?? null,
        description: f.description ?? '',
        attributes: answersOf(fields),
        contact: {
          name: [f.first_name, f.last_name].filter(Boolean).join(' ') || null,
          email: f.email ?? null,
          phone: f.phone ?? null,
        },
        locale: p.locale,
      };

      const stored = await storeImages(files, commune.id, received.images);
      let created: Awaited<ReturnType<typeof reports.submit>>;
      try {
        created = await reports.submit(ctx, submission, {
          source: 'open311',
          apiKeyId: principal.id,
          idempotencyKey: key,
          ip: request.ip,
          deviceId: f.device_id && /^[A-Za-z0-9_-]{8,64}$/.test(f.device_id) ? f.device_id : undefined,
          pointers: {
            category: 'service_code',
            location: 'lat/long',
            address: 'address_string',
            attributes: 'attribute',
            districtId: 'address_id',
          },
        });
      } catch (err) {
        await discardPhotos(files, stored);
        throw err;
      }
      const report = created.detail.report;
      if (created.replayed) {
        await discardPhotos(files, stored);
      } else if (stored.length || f.media_url) {
        try {
          await service.attachMedia(ctx, report.id, stored, f.media_url ?? null);
        } catch (err) {
          // The request exists: answer with it rather than invite a retry that would file it twice.
          request.log.error({ err, report: report.number }, 'open311: the media of a new request could not be recorded');
          await discardPhotos(files, stored);
        }
      }
      reply.header('location', `/open311/v2/requests/${report.number}.${format}`);
      return send(reply, format, created.replayed ? 200 : 201, 'service_requests', presentCreated(report, p));
    },
  );

  /** The API key: `api_key`, else a Bearer key this host's authentication found; of the selected commune. */
  async function authenticate(
    request: FastifyRequest,
    commune: CommuneRow,
    given: string | string[] | undefined,
  ): Promise<ApiKeyPrincipal> {
    let principal: ApiKeyPrincipal | null = null;
    if (typeof given === 'string') principal = await auth.resolveApiKey(commune.id, given);
    else if (given === undefined && request.principal?.kind === 'api_key' && request.commune?.id === commune.id)
      principal = request.principal;
    if (!principal) throw refuse(403, { key: 'open311.error.api_key' });
    return principal;
  }

  /**
   * The fields and `media` files of a multipart post. Each photo is checked and re-encoded as it
   * arrives (only the small result is kept); a bad one is reported after the api_key and the
   * fields are checked, so that those errors come first.
   */
  async function readMultipart(request: FastifyRequest): Promise<{ fields: Fields; images: ProcessedImage[]; error?: unknown }> {
    const fields: Fields = {};
    const images: ProcessedImage[] = [];
    let error: unknown;
    let count = 0;
    const max = LIMITS.photosPerReport;
    for await (const part of request.parts({
      limits: { fileSize: LIMITS.photoBytesMax, files: max + 1, fields: 200, fieldSize: 64 * 1024, parts: max + 201 },
    })) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw refuse(400, { field: part.fieldname, key: 'problem.field.invalid' });
        addField(fields, part.fieldname, String(part.value));
        continue;
      }
      if (part.fieldname !== 'media') throw refuse(400, { field: part.fieldname, key: 'problem.field.unknown' });
      count += 1;
      if (count > max) throw refuse(400, { field: 'media', key: 'problem.photos.too_many.detail', values: { max } });
      const input = await part.toBuffer().catch((err: { code?: string }) => {
        // The stream stops at the limit: the rest of an oversized file is never read into memory.
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw imageTooLarge(LIMITS.photoBytesMax);
        throw err;
      });
      if (error) continue;
      try {
        images.push(await processImage(input, { maxBytes: LIMITS.photoBytesMax }));
      } catch (err) {
        error =
          err instanceof AppError
            ? new AppError(err.code, err.status, err.detailKey, err.values, [
                { pointer: 'media', key: err.detailKey ?? 'problem.field.invalid' },
              ])
            : err;
      }
    }
    return { fields, images, error };
  }

  app.get(
    '/v2/requests.:format',
    {
      schema: {
        tags,
        summary: `Open311 GET Service Requests: public requests, newest first; by default those of the last ${s.MAX_SPAN_DAYS} days, at most ${s.MAX_RESULTS}`,
        description:
          'No personal data, public categories only. service_request_id (a list) overrides the other filters; a date range may span at most 90 days.',
        params: s.FormatParams,
        querystring: s.RequestsQuery,
        response: { 200: s.bothFormats(s.RequestList, '<service_requests><request>…</request></service_requests>'), ...s.ErrorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { p, ctx } = await select(request, q.jurisdiction_id, q.locale);
      const numbers = list(q.service_request_id);
      let filter: Omit<ReportFilter, 'publicOnly' | 'departmentPath'>;
      if (numbers) {
        filter = { numbers, limit: s.MAX_RESULTS, offset: 0 };
      } else {
        const { from, to } = window(q, Date.now());
        filter = {
          categoryCodes: list(q.service_code),
          statuses: statusesOf(q.status),
          from,
          // Inclusive, to the millisecond.
          to: to && new Date(to.getTime() + 1),
          limit: s.MAX_RESULTS,
          offset: 0,
        };
      }
      const { rows, photos } = await reports.listPublic(ctx, { ...filter, count: false });
      const first = firstPhotos(photos);
      return send(
        reply,
        request.params.format,
        200,
        'service_requests',
        rows.map((r) => presentRequest(r, first, p)),
      );
    },
  );

  app.get(
    '/v2/requests/:service_request_id.:format',
    {
      schema: {
        tags,
        summary: 'Open311 GET Service Request: one public request (a list of one, as the spec has it)',
        params: s.RequestParams,
        querystring: s.CommonQuery,
        response: { 200: s.bothFormats(s.RequestList, '<service_requests><request>…</request></service_requests>'), ...s.ErrorResponses },
      },
    },
    async (request, reply) => {
      const { p, ctx } = await select(request, request.query.jurisdiction_id, request.query.locale);
      const id = request.params.service_request_id;
      const unknown = () => refuse(404, { field: 'service_request_id', key: 'problem.field.unknown_reference' });
      if (!/^[1-9][0-9]{0,17}$/.test(id)) throw unknown();
      const detail = await reports.getPublic(ctx, id).catch((err: unknown) => {
        throw err instanceof AppError && err.status === 404 ? unknown() : err;
      });
      return send(reply, request.params.format, 200, 'service_requests', [presentRequest(detail.report, firstPhotos(detail.photos), p)]);
    },
  );

  app.get(
    '/v2/tokens/:token.:format',
    {
      schema: {
        tags,
        summary: 'Open311 GET service_request_id from a token: always 404, since requests are created at once and no token is issued',
        params: s.TokenParams,
        querystring: s.CommonQuery,
        response: {
          200: s.bothFormats(s.TokenResponse, '<service_requests><request><service_request_id/><token/></request></service_requests>'),
          ...s.ErrorResponses,
        },
      },
    },
    async (request) => {
      await select(request, request.query.jurisdiction_id, request.query.locale);
      throw refuse(404, { field: 'token', key: 'open311.error.token' });
    },
  );

  app.get(
    '/v2/servicerequestupdates.:format',
    {
      schema: {
        tags,
        summary: `mySociety's extension: the public updates of public requests, oldest first, with FixMyStreet's statuses; by default those of the last ${s.MAX_SPAN_DAYS} days, at most ${s.MAX_RESULTS}`,
        description:
          'Statuses: OPEN, ACTION_SCHEDULED (acknowledged), IN_PROGRESS, FIXED, CLOSED (closed, rejected), NO_FURTHER_ACTION (closed without a fix), NOT_COUNCILS_RESPONSIBILITY, DUPLICATE. To page, start the next query at the last updated_datetime seen.',
        params: s.FormatParams,
        querystring: s.UpdatesQuery,
        response: {
          200: s.bothFormats(s.UpdateList, '<service_request_updates><request_update>…</request_update></service_request_updates>'),
          ...s.ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { p, ctx } = await select(request, q.jurisdiction_id, q.locale);
      const rows = await service.listUpdates(ctx, window(q, Date.now()), s.MAX_RESULTS);
      return send(
        reply,
        request.params.format,
        200,
        'service_request_updates',
        rows.map((u) => presentUpdate(u, p)),
      );
    },
  );
}
