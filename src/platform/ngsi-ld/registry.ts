/**
 * The NGSI-LD entity-type registry: modules register a provider per entity type (Streetlight,
 * WasteContainer…). A provider gives an SQL source of its entities — one row per entity, for the
 * transaction's commune — and the attributes' columns and types; the platform compiles `id`,
 * `idPattern`, `q` and geo-queries into that query's WHERE clause, so filters, paging and counts
 * run in the database, never on entities loaded into memory.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../db/tenant.js';
import { badRequest } from './errors.js';
import { type GeoQuery, geoPredicate } from './geo-query.js';
import type { AttrPath, QNode, QTerm, Scalar } from './query-language.js';

/** How an attribute's column compares: numbers, text, instants, booleans, relationship objects, compound JSON. */
export type AttrType = 'number' | 'string' | 'datetime' | 'boolean' | 'relationship' | 'json';

export interface AttributeSpec {
  /** A column of the provider's source, camelCased as in SourceRow (the SQL names it in snake_case). */
  column: string;
  type: AttrType;
}

export type NgsiAttribute =
  | { type: 'Property'; value: unknown; observedAt?: string; unitCode?: string }
  | { type: 'Relationship'; object: string | string[]; observedAt?: string }
  | { type: 'GeoProperty'; value: unknown };

/** An entity in the normalized form, without @context. */
export interface NormalizedEntity {
  id: string;
  type: string;
  createdAt?: string;
  modifiedAt?: string;
  [attribute: string]: unknown;
}

/** A row of a provider's source, its columns camelCased (the database's CamelCasePlugin): `device_id` is `deviceId`. */
export type SourceRow = Record<string, unknown> & {
  id: string;
  createdAt: Date | string;
  modifiedAt: Date | string;
  deviceId?: string | null;
};

/** One instant of a temporal representation: when it was observed and the attributes' values then. */
export interface TemporalInstant {
  observedAt: string;
  values: Record<string, unknown>;
}

export interface TemporalRange {
  timerel?: 'before' | 'after' | 'between';
  timeAt?: string;
  endTimeAt?: string;
  /** The newest N instants (always bounded: the route caps it). */
  lastN: number;
}

/** An update an IoT agent sent for one entity, as a device kind's telemetry payload. */
export interface TelemetryUpdate {
  /** The device kind whose ingestion stores it (e.g. luminaire). */
  kind: string;
  payload: Record<string, unknown> & { deviceId: string; observationDateTime: string };
  /** The attributes given that the reading cannot hold (NGSI-LD 207 notUpdated). */
  notUpdated: { attributeName: string; reason: string }[];
  /** The payload's fields and the attribute each came from (a field the device kind refuses is notUpdated). */
  sources: Record<string, string>;
}

export interface EntityTypeProvider {
  /** The short type name (the data model's term), e.g. Streetlight. */
  type: string;
  /** The type's expanded URI in the model's @context. */
  typeUri: string;
  /** The data model's @context (served with the entities beside the core context). */
  context: string;
  /** Readable without signing in (public inventory data); else `ngsi.entities.read` is needed. */
  public: boolean;
  /**
   * The entities of the transaction's commune: a SELECT whose rows have `id` (the entity id),
   * `geom` (geometry 4326 or NULL), `created_at`, `modified_at`, `device_id` (its telemetry device,
   * or NULL), and the attributes' columns.
   */
  source: RawBuilder<unknown>;
  attributes: Readonly<Record<string, AttributeSpec>>;
  /**
   * An indexed column an entity id maps to (e.g. the pole's code), so lookups by id use the
   * index instead of computing every row's id.
   */
  key?: { column: string; fromId(id: string): string | undefined };
  /** The row as the entity's attributes, normalized (Property / Relationship / GeoProperty). */
  toAttributes(row: SourceRow): Record<string, NgsiAttribute>;
  /** `PATCH /entities/{id}/attrs`: the NGSI-LD attributes given as a telemetry reading (undefined: read-only type). */
  toTelemetry?(row: SourceRow, attrs: Record<string, unknown>, observedAt: string): TelemetryUpdate;
  /** Stored readings of the entity's device, newest first, for `GET /temporal/entities/{id}`. */
  temporal?(trx: Tx, row: SourceRow, range: TemporalRange): Promise<TemporalInstant[]>;
  /** The device kinds whose stored readings change these entities (subscriptions listen to them). */
  telemetryKinds?: readonly string[];
  /** The attributes a stored reading changes (matched against a subscription's watchedAttributes). */
  telemetryAttributes?: readonly string[];
}

/** The providers of one app (one per Platform instance). */
export class EntityTypeRegistry {
  private readonly providers = new Map<string, EntityTypeProvider>();
  private readonly listeners: ((provider: EntityTypeProvider) => void)[] = [];

  /** Registers a module's entity type; entity types are unique. */
  register(provider: EntityTypeProvider): void {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(provider.type)) throw new Error(`bad NGSI-LD type "${provider.type}"`);
    if (this.providers.has(provider.type)) throw new Error(`NGSI-LD type "${provider.type}" is registered twice`);
    this.providers.set(provider.type, provider);
    for (const listener of this.listeners) listener(provider);
  }

  /** Calls `listener` for every provider registered, now and later (the subscriptions hook telemetry here). */
  onRegister(listener: (provider: EntityTypeProvider) => void): void {
    this.listeners.push(listener);
    for (const provider of this.providers.values()) listener(provider);
  }

  /** By short name or expanded URI. */
  get(type: string): EntityTypeProvider | undefined {
    const direct = this.providers.get(type);
    if (direct) return direct;
    for (const p of this.providers.values()) if (p.typeUri === type) return p;
    return undefined;
  }

  all(): EntityTypeProvider[] {
    return [...this.providers.values()];
  }

  /** The provider whose ids look like `urn:ngsi-ld:<Type>:…`. */
  forId(id: string): EntityTypeProvider | undefined {
    const type = /^urn:ngsi-ld:([A-Za-z][A-Za-z0-9_]*):/.exec(id)?.[1];
    return type ? this.providers.get(type) : undefined;
  }
}

const FALSE = sql<boolean>`false`;
const col = (name: string) => sql.ref(`e.${name}`);

function isInstant(v: Scalar): v is string {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

/** A value as the attribute's SQL type, or undefined when it cannot be one (the term is false). */
function typed(spec: AttributeSpec, v: Scalar): RawBuilder<unknown> | undefined {
  switch (spec.type) {
    case 'number':
      return typeof v === 'number' ? sql`${v}::double precision` : undefined;
    case 'datetime':
      return isInstant(v) ? sql`${v}::timestamptz` : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? sql`${v}::boolean` : undefined;
    case 'string':
    case 'relationship':
      return typeof v === 'string' ? sql`${v}::text` : undefined;
    case 'json':
      return sql`${JSON.stringify(v)}::jsonb`;
  }
}

const OPERATORS = { '==': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

/** The attribute's expression for a path: a compound member of a JSON value, or the column. */
function expression(spec: AttributeSpec, path: AttrPath): RawBuilder<unknown> | undefined {
  // Sub-attributes (properties of properties) are not stored: no entity has them.
  if (path.sub.length > 0) return undefined;
  if (path.members.length === 0) return col(spec.column);
  if (spec.type !== 'json') return undefined;
  return sql`(${col(spec.column)} #> ${`{${path.members.join(',')}}`}::text[])`;
}

/** Compiles one comparison; a JSON member compares as JSON (numbers with numbers, text with text). */
function comparison(spec: AttributeSpec, left: RawBuilder<unknown>, op: keyof typeof OPERATORS, v: Scalar) {
  const right = typed(spec, v);
  if (!right) return FALSE;
  if (spec.type === 'json' && op !== '==' && op !== '!=') {
    // Ordering only between JSON values of the same type (jsonb orders numbers before strings).
    return sql<boolean>`(jsonb_typeof(${left}) = jsonb_typeof(${right}) AND ${left} ${sql.raw(OPERATORS[op])} ${right})`;
  }
  return sql<boolean>`(${left} ${sql.raw(OPERATORS[op])} ${right})`;
}

/** Compiles a `q` tree to SQL over the provider's columns; attributes the type lacks match nothing. */
export function compileQuery(provider: EntityTypeProvider, tree: QNode): RawBuilder<boolean> {
  if (tree.kind === 'and' || tree.kind === 'or') {
    return sql<boolean>`(${sql.join(
      tree.items.map((n) => compileQuery(provider, n)),
      tree.kind === 'and' ? sql` AND ` : sql` OR `,
    )})`;
  }
  const node = tree as QTerm;
  const spec = provider.attributes[node.path.name];
  const left = spec ? expression(spec, node.path) : undefined;
  if (!spec || !left) return FALSE;
  const exists = sql<boolean>`(${left} IS NOT NULL)`;
  switch (node.kind) {
    case 'exists':
      return exists;
    case 'compare':
      return sql<boolean>`coalesce(${comparison(spec, left, node.op, node.value)}, false)`;
    case 'range': {
      const inside = sql<boolean>`(${comparison(spec, left, '>=', node.from)} AND ${comparison(spec, left, '<=', node.to)})`;
      return sql<boolean>`coalesce(${node.negate ? sql`NOT ${inside}` : inside}, false)`;
    }
    case 'list': {
      const any = sql<boolean>`(${sql.join(
        node.values.map((v) => comparison(spec, left, '==', v)),
        sql` OR `,
      )})`;
      return sql<boolean>`coalesce(${node.negate ? sql`NOT ${any}` : any}, false)`;
    }
    case 'regex': {
      if (spec.type !== 'string' && spec.type !== 'relationship') return FALSE;
      return sql<boolean>`coalesce(${left} ${sql.raw(node.negate ? '!~' : '~')} ${node.pattern}, false)`;
    }
  }
}

/** What selects entities of one type: everything but paging. */
export interface EntityFilter {
  ids?: readonly string[];
  idPattern?: string;
  q?: QNode;
  geo?: GeoQuery;
  /** Only the entities of these telemetry devices (subscriptions). */
  deviceIds?: readonly string[];
}

function where(provider: EntityTypeProvider, f: EntityFilter): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`true`];
  if (f.ids) {
    parts.push(sql<boolean>`e.id = ANY(${[...f.ids]}::text[])`);
    const key = provider.key;
    if (key) parts.push(sql<boolean>`${col(key.column)} = ANY(${f.ids.flatMap((id) => key.fromId(id) ?? [])}::text[])`);
  }
  if (f.idPattern) parts.push(sql<boolean>`e.id ~ ${f.idPattern}`);
  if (f.q) parts.push(compileQuery(provider, f.q));
  if (f.geo) parts.push(sql<boolean>`(e.geom IS NOT NULL AND ${geoPredicate(col('geom'), f.geo)})`);
  if (f.deviceIds) parts.push(sql<boolean>`e.device_id = ANY(${[...f.deviceIds]}::text[])`);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

/** One page of a type's entities, ordered by id. */
export async function selectEntities(trx: Tx, provider: EntityTypeProvider, f: EntityFilter, limit: number, offset: number) {
  const { rows } = await sql<SourceRow>`
    SELECT e.* FROM (${provider.source}) AS e WHERE ${where(provider, f)} ORDER BY e.id LIMIT ${limit} OFFSET ${offset}`.execute(trx);
  return rows;
}

export async function countEntities(trx: Tx, provider: EntityTypeProvider, f: EntityFilter): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (${provider.source}) AS e WHERE ${where(provider, f)}`.execute(trx);
  return rows[0]?.n ?? 0;
}

export async function selectEntity(trx: Tx, provider: EntityTypeProvider, id: string): Promise<SourceRow | undefined> {
  return (await selectEntities(trx, provider, { ids: [id] }, 1, 0))[0];
}

/** Checks an idPattern before it reaches the database (PostgreSQL's regular expressions are close to JavaScript's). */
export function checkPattern(pattern: string, what: string): string {
  if (pattern.length === 0 || pattern.length > 256) throw badRequest(`${what}: 1 to 256 characters`);
  try {
    new RegExp(pattern);
  } catch {
    throw badRequest(`${what}: invalid regular expression`);
  }
  return pattern;
}

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

export interface RenderOptions {
  attrs?: readonly string[];
  keyValues: boolean;
  sysAttrs: boolean;
}

/** The entity in the representation asked for: normalized or keyValues, with or without createdAt/modifiedAt. */
export function renderEntity(provider: EntityTypeProvider, row: SourceRow, o: RenderOptions): NormalizedEntity {
  const entity: NormalizedEntity = { id: row.id, type: provider.type };
  if (o.sysAttrs) {
    entity.createdAt = iso(row.createdAt);
    entity.modifiedAt = iso(row.modifiedAt);
  }
  for (const [name, attribute] of Object.entries(provider.toAttributes(row))) {
    if (o.attrs && !o.attrs.includes(name)) continue;
    if (!o.keyValues) entity[name] = attribute;
    else entity[name] = attribute.type === 'Relationship' ? attribute.object : attribute.value;
  }
  return entity;
}
