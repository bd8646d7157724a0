/**
 * NGSI-LD subscriptions: stored per commune (platform.ngsi_subscription); matched inside the
 * transaction that stores telemetry (TelemetryService.onStored), where each matching change queues
 * one `ngsi_ld.notify` job with a dedupe key per subscription, entity and observation — so a change
 * is notified exactly once even if its reading arrives again after a crash — and delivered by the
 * job runner (retried with exponential back-off) over HTTP(S) or MQTT(S).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import type { Database } from '../db/database.js';
import { type Tx, withCommune } from '../db/tenant.js';
import { type ClaimedJob, enqueue } from '../jobs/jobs.js';
import type { StateRow } from '../mqtt/kinds.js';
import { badRequest } from './errors.js';
import { linkHeader } from './media.js';
import { parseQuery } from './query-language.js';
import { checkPattern, type EntityTypeProvider, type EntityTypeRegistry, renderEntity, selectEntities } from './registry.js';

export interface EntitySelector {
  type: string;
  id?: string;
  idPattern?: string;
}

export interface SubscriptionRow {
  id: string;
  subscriptionName: string | null;
  description: string | null;
  entities: EntitySelector[];
  watchedAttributes: string[];
  q: string | null;
  notificationAttributes: string[];
  notificationFormat: 'normalized' | 'keyValues';
  endpointUri: string;
  endpointAccept: 'application/json' | 'application/ld+json';
  throttling: number;
  expiresAt: Date | null;
  isActive: boolean;
  timesSent: number;
  timesFailed: number;
  lastNotification: Date | null;
  lastSuccess: Date | null;
  lastFailure: Date | null;
  createdAt: Date;
  modifiedAt: Date;
}

export const NOTIFY_JOB = 'ngsi_ld.notify';
const MAX_SELECTORS = 20;
const MAX_ATTRIBUTES = 100;
const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const URI = /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i;
const KNOWN = new Set([
  'id',
  'type',
  'subscriptionName',
  'description',
  'entities',
  'watchedAttributes',
  'q',
  'notification',
  'throttling',
  'expiresAt',
  'isActive',
  '@context',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function attributeList(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_ATTRIBUTES || !v.every((a) => typeof a === 'string' && ATTRIBUTE.test(a))) {
    throw badRequest(`${what}: a non-empty list of attribute names`);
  }
  return [...new Set(v as string[])];
}

function optionalText(v: unknown, max: number, what: string): string | null {
  if (v === undefined) return null;
  if (typeof v !== 'string' || v.length > max) throw badRequest(`${what}: text of at most ${max} characters`);
  return v;
}

/** Checks a subscription body (NGSI-LD 5.2.12) and returns the row to store; throws BadRequestData. */
export function parseSubscription(
  body: unknown,
  registry: EntityTypeRegistry,
  now = new Date(),
): Omit<SubscriptionRow, 'timesSent' | 'timesFailed' | 'lastNotification' | 'lastSuccess' | 'lastFailure' | 'createdAt' | 'modifiedAt'> {
  if (!isObject(body)) throw badRequest('the subscription must be a JSON object');
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) throw badRequest(`unsupported member "${key}"`);
  if (body.type !== 'Subscription') throw badRequest('type must be "Subscription"');
  if (body.id !== undefined && (typeof body.id !== 'string' || body.id.length > 256 || !URI.test(body.id))) {
    throw badRequest('id must be a URI');
  }
  if (!Array.isArray(body.entities) || body.entities.length === 0 || body.entities.length > MAX_SELECTORS) {
    throw badRequest(`entities: 1 to ${MAX_SELECTORS} selectors`);
  }
  const entities = body.entities.map((e): EntitySelector => {
    if (!isObject(e) || typeof e.type !== 'string') throw badRequest('entities: each needs a type');
    const provider = registry.get(e.type);
    if (!provider) throw badRequest(`entities: unknown type "${e.type}"`);
    const selector: EntitySelector = { type: provider.type };
    if (e.id !== undefined) {
      if (typeof e.id !== 'string' || e.id.length > 256 || !URI.test(e.id)) throw badRequest('entities: id must be a URI');
      selector.id = e.id;
    }
    if (e.idPattern !== undefined) {
      if (typeof e.idPattern !== 'string') throw badRequest('entities: idPattern must be text');
      selector.idPattern = checkPattern(e.idPattern, 'entities: idPattern');
    }
    return selector;
  });
  const q = body.q === undefined ? null : typeof body.q === 'string' ? body.q : '';
  if (q !== null) parseQuery(q);
  const n = body.notification;
  if (!isObject(n) || !isObject(n.endpoint) || typeof n.endpoint.uri !== 'string')
    throw badRequest('notification.endpoint.uri is required');
  const uri = n.endpoint.uri;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw badRequest('notification.endpoint.uri must be a URL');
  }
  if (!['http:', 'https:', 'mqtt:', 'mqtts:'].includes(parsed.protocol) || uri.length > 2000) {
    throw badRequest('notification.endpoint.uri: http(s) or mqtt(s) only');
  }
  if (parsed.protocol.startsWith('mqtt') && parsed.pathname.length < 2)
    throw badRequest('notification.endpoint.uri: an MQTT URI needs a topic');
  const accept = n.endpoint.accept ?? 'application/json';
  if (accept !== 'application/json' && accept !== 'application/ld+json') throw badRequest('notification.endpoint.accept: unsupported');
  const format = n.format ?? 'normalized';
  if (format !== 'normalized' && format !== 'keyValues') throw badRequest('notification.format: normalized or keyValues');
  const throttling = body.throttling ?? 0;
  if (typeof throttling !== 'number' || !Number.isInteger(throttling) || throttling < 0 || throttling > 86_400) {
    throw badRequest('throttling: whole seconds, 0 to 86400');
  }
  let expiresAt: Date | null = null;
  if (body.expiresAt !== undefined) {
    expiresAt = typeof body.expiresAt === 'string' ? new Date(body.expiresAt) : new Date(Number.NaN);
    if (Number.isNaN(expiresAt.getTime()) || expiresAt <= now) throw badRequest('expiresAt: a date-time in the future');
  }
  if (body.isActive !== undefined && typeof body.isActive !== 'boolean') throw badRequest('isActive: a boolean');
  return {
    id: (body.id as string | undefined) ?? `urn:ngsi-ld:Subscription:${randomUUID()}`,
    subscriptionName: optionalText(body.subscriptionName, 200, 'subscriptionName'),
    description: optionalText(body.description, 1000, 'description'),
    entities,
    watchedAttributes: attributeList(body.watchedAttributes, 'watchedAttributes'),
    q,
    notificationAttributes: attributeList(n.attributes, 'notification.attributes'),
    notificationFormat: format,
    endpointUri: uri,
    endpointAccept: accept,
    throttling,
    expiresAt,
    isActive: (body.isActive as boolean | undefined) ?? true,
  };
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : undefined);

/** The subscription as NGSI-LD shows it (5.2.12), with its notification status. */
export function presentSubscription(s: SubscriptionRow) {
  const expired = s.expiresAt !== null && new Date(s.expiresAt) <= new Date();
  return {
    id: s.id,
    type: 'Subscription',
    ...(s.subscriptionName ? { subscriptionName: s.subscriptionName } : {}),
    ...(s.description ? { description: s.description } : {}),
    entities: s.entities,
    ...(s.watchedAttributes.length > 0 ? { watchedAttributes: s.watchedAttributes } : {}),
    ...(s.q ? { q: s.q } : {}),
    notification: {
      ...(s.notificationAttributes.length > 0 ? { attributes: s.notificationAttributes } : {}),
      format: s.notificationFormat,
      endpoint: { uri: s.endpointUri, accept: s.endpointAccept },
      status: s.timesFailed > 0 && (s.lastFailure ?? 0) > (s.lastSuccess ?? 0) ? 'failed' : 'ok',
      timesSent: s.timesSent,
      ...(s.lastNotification ? { lastNotification: iso(s.lastNotification) } : {}),
      ...(s.lastSuccess ? { lastSuccess: iso(s.lastSuccess) } : {}),
      ...(s.lastFailure ? { lastFailure: iso(s.lastFailure) } : {}),
    },
    ...(s.throttling > 0 ? { throttling: s.throttling } : {}),
    ...(s.expiresAt ? { expiresAt: iso(s.expiresAt) } : {}),
    isActive: s.isActive,
    status: !s.isActive ? 'paused' : expired ? 'expired' : 'active',
    createdAt: iso(s.createdAt),
    modifiedAt: iso(s.modifiedAt),
  };
}

// ---- storage (the only SQL on subscriptions) ----

const COLUMNS = sql`id, subscription_name, description, entities, watched_attributes, q, notification_attributes, notification_format,
  endpoint_uri, endpoint_accept, throttling, expires_at, is_active, times_sent, times_failed, last_notification, last_success,
  last_failure, created_at, modified_at`;

/** Inserts a subscription for the transaction's commune; false when its id is taken. */
export async function insertSubscription(trx: Tx, communeId: string, s: ReturnType<typeof parseSubscription>): Promise<boolean> {
  const result = await sql`
    INSERT INTO platform.ngsi_subscription (commune_id, id, subscription_name, description, entities, watched_attributes, q,
      notification_attributes, notification_format, endpoint_uri, endpoint_accept, throttling, expires_at, is_active)
    VALUES (${communeId}, ${s.id}, ${s.subscriptionName}, ${s.description}, ${JSON.stringify(s.entities)}::jsonb,
      ${s.watchedAttributes}::text[], ${s.q}, ${s.notificationAttributes}::text[], ${s.notificationFormat}, ${s.endpointUri},
      ${s.endpointAccept}, ${s.throttling}, ${s.expiresAt?.toISOString() ?? null}::timestamptz, ${s.isActive})
    ON CONFLICT DO NOTHING`.execute(trx);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

export async function findSubscription(trx: Tx, id: string): Promise<SubscriptionRow | undefined> {
  const { rows } = await sql<SubscriptionRow>`SELECT ${COLUMNS} FROM platform.ngsi_subscription WHERE id = ${id}`.execute(trx);
  return rows[0];
}

export async function listSubscriptions(trx: Tx, limit: number, offset: number): Promise<{ rows: SubscriptionRow[]; total: number }> {
  const { rows } = await sql<SubscriptionRow & { total: number }>`
    SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM platform.ngsi_subscription ORDER BY created_at, id LIMIT ${limit} OFFSET ${offset}`.execute(
    trx,
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function deleteSubscription(trx: Tx, id: string): Promise<SubscriptionRow | undefined> {
  const { rows } = await sql<SubscriptionRow>`DELETE FROM platform.ngsi_subscription WHERE id = ${id} RETURNING ${COLUMNS}`.execute(trx);
  return rows[0];
}

/** Active, unexpired subscriptions that select `type` and watch one of `attributes` (or every attribute). */
async function subscriptionsFor(trx: Tx, type: string, attributes: readonly string[]): Promise<SubscriptionRow[]> {
  const { rows } = await sql<SubscriptionRow>`
    SELECT ${COLUMNS} FROM platform.ngsi_subscription
     WHERE is_active AND (expires_at IS NULL OR expires_at > now())
       AND entities @> ${JSON.stringify([{ type }])}::jsonb
       AND (watched_attributes = '{}' OR watched_attributes && ${[...attributes]}::text[])`.execute(trx);
  return rows;
}

/** Takes the subscription's throttling window; false while the last notification is too recent. */
async function takeThrottle(trx: Tx, s: SubscriptionRow): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    UPDATE platform.ngsi_subscription SET last_notification = now()
     WHERE id = ${s.id}
       AND (${s.throttling} = 0 OR last_notification IS NULL OR last_notification <= now() - make_interval(secs => ${s.throttling}))
    RETURNING id`.execute(trx);
  return rows.length === 1;
}

/**
 * Queues the notifications a batch of stored readings causes: for each subscription on the
 * provider's type, the entities of those devices that its selectors and `q` match (in SQL).
 */
export async function queueNotifications(
  trx: Tx,
  provider: EntityTypeProvider,
  communeId: string,
  states: readonly StateRow[],
): Promise<number> {
  const subscriptions = await subscriptionsFor(trx, provider.type, provider.telemetryAttributes ?? []);
  if (subscriptions.length === 0) return 0;
  const observedAt = new Map(states.map((s) => [s.deviceId, s.observedAt]));
  const deviceIds = [...observedAt.keys()];
  let queued = 0;
  for (const s of subscriptions) {
    const q = s.q ? parseQuery(s.q) : undefined;
    const matched = new Map<string, Awaited<ReturnType<typeof selectEntities>>[number]>();
    for (const selector of s.entities.filter((e) => e.type === provider.type)) {
      const filter = {
        deviceIds,
        q,
        ...(selector.id ? { ids: [selector.id] } : {}),
        ...(selector.idPattern ? { idPattern: selector.idPattern } : {}),
      };
      for (const row of await selectEntities(trx, provider, filter, deviceIds.length, 0)) matched.set(row.id, row);
    }
    for (const row of matched.values()) {
      if (!(await takeThrottle(trx, s))) break;
      const entity = renderEntity(provider, row, {
        keyValues: s.notificationFormat === 'keyValues',
        sysAttrs: false,
        ...(s.notificationAttributes.length > 0 ? { attrs: s.notificationAttributes } : {}),
      });
      const at = observedAt.get(String(row.deviceId)) ?? new Date().toISOString();
      await enqueue(trx, {
        kind: NOTIFY_JOB,
        communeId,
        maxAttempts: 8,
        dedupeKey: `ngsi:${communeId}:${s.id}:${row.id}:${new Date(at).toISOString()}`,
        payload: { subscriptionId: s.id, context: provider.context, entity },
      });
      queued++;
    }
  }
  return queued;
}

/** Sends one notification (NGSI-LD 5.3.1) to the subscription's endpoint; throws when it was not taken. */
async function send(s: SubscriptionRow, body: Record<string, unknown>, context: string): Promise<void> {
  const ld = s.endpointAccept === 'application/ld+json';
  const payload = ld ? { ...body, '@context': [context, CORE_CONTEXT] } : body;
  const url = new URL(s.endpointUri);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': s.endpointAccept, ...(ld ? {} : { link: linkHeader(context) }) },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) throw new Error(`the endpoint answered ${response.status}`);
    return;
  }
  const client = await mqtt.connectAsync(`${url.protocol}//${url.host}`, {
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...(url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : {}),
  });
  try {
    const message = { metadata: { 'Content-Type': s.endpointAccept, ...(ld ? {} : { Link: linkHeader(context) }) }, body: payload };
    await client.publishAsync(decodeURIComponent(url.pathname.slice(1)), JSON.stringify(message), { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

export const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';

/** The `ngsi_ld.notify` job: delivers one queued notification; a failure is retried by the runner with back-off. */
export async function deliverNotification(db: Database, job: ClaimedJob): Promise<void> {
  if (!job.communeId) return;
  const { subscriptionId, context, entity } = job.payload as { subscriptionId: string; context: string; entity: Record<string, unknown> };
  const s = await withCommune(db, job.communeId, (trx) => findSubscription(trx, subscriptionId));
  // Deleted or paused meanwhile: nothing to tell.
  if (!s?.isActive) return;
  const notification = {
    id: `urn:ngsi-ld:Notification:${job.id}`,
    type: 'Notification',
    subscriptionId,
    notifiedAt: new Date().toISOString(),
    data: [entity],
  };
  const communeId = job.communeId;
  try {
    await send(s, notification, context);
  } catch (error) {
    await withCommune(db, communeId, (trx) =>
      sql`UPDATE platform.ngsi_subscription SET times_failed = times_failed + 1, last_failure = now() WHERE id = ${subscriptionId}`.execute(
        trx,
      ),
    );
    throw error;
  }
  await withCommune(db, communeId, (trx) =>
    sql`UPDATE platform.ngsi_subscription SET times_sent = times_sent + 1, last_success = now() WHERE id = ${subscriptionId}`.execute(trx),
  );
}
