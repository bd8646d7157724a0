import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';
import type { Tx } from '../db/tenant.js';
import { KIND } from './topics.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** PostgreSQL types a reading column may have (the ingestion casts each value to it). */
export type ColumnType = 'text' | 'real' | 'double precision' | 'integer' | 'boolean' | 'timestamptz' | 'text[]' | 'jsonb';

/** Every payload carries these: who observed it and when (RFC 3339 with a time zone). */
export interface TelemetryEnvelope {
  deviceId: string;
  observationDateTime: string;
}

/**
 * A kind of device a module registers with the telemetry layer: the schema of its `telemetry`
 * payload, the partitioned table its readings go to, and how a payload becomes a row of that
 * table and the device's latest state.
 */
export interface DeviceKind<P extends TelemetryEnvelope = TelemetryEnvelope> {
  /** The topic's kind segment, e.g. `luminaire`. */
  kind: string;
  /** The module that owns it (for logs and metrics). */
  module: string;
  /** JSON Schema (TypeBox) of the payload; it must require `deviceId` and `observationDateTime`. */
  schema: TSchema;
  /** `schema.table`, partitioned by month on `observed_at` and registered in platform.monthly_partitioned. */
  table: string;
  /**
   * The table's columns besides commune_id, device_id, observed_at and received_at, in the order
   * `toRow` returns their values.
   */
  columns: readonly (readonly [name: string, type: ColumnType])[];
  toRow(payload: P): unknown[];
  /** The device's latest state as the maps read it (default: the row's values by column name). */
  toState?(payload: P): Record<string, unknown>;
}

/** A device's latest state as one batch gives it (the newest reading of the batch per device). */
export interface StateRow {
  deviceId: string;
  kind: string;
  observedAt: string;
  receivedAt: string;
  data: Record<string, unknown>;
}

/**
 * Told of the devices of one kind and commune whose readings a batch stored, with the state each
 * reading gives (the newest of the batch per device), inside the batch's transaction with the
 * commune set. A listener that throws fails the batch (its messages are redelivered), so a listener
 * must be quick and idempotent: it records or queues work, it does not do it.
 */
export type StoredListener = (trx: Tx, stored: { communeId: string; states: readonly StateRow[] }) => Promise<void>;

export interface CompiledKind extends DeviceKind {
  validate: ValidateFunction;
  listeners: StoredListener[];
}

const IDENT = /^[a-z][a-z0-9_]*$/;
const TABLE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
const TYPES = new Set<ColumnType>(['text', 'real', 'double precision', 'integer', 'boolean', 'timestamptz', 'text[]', 'jsonb']);

/** The first validation error as a short sentence for a dead letter (`/dimLevel must be <= 100`). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'invalid';
  const where = e.instancePath || '/';
  if (e.keyword === 'required') return `${where} must have ${(e.params as { missingProperty: string }).missingProperty}`;
  return `${where} ${e.message ?? 'is invalid'}`.slice(0, 300);
}

/** The device kinds the modules registered, with their compiled payload validators. */
export class DeviceKindRegistry {
  private readonly kinds = new Map<string, CompiledKind>();
  // Strict types (12 is not "12"), no defaults injected into device payloads, every error reported
  // only once (the first is enough for a dead letter).
  private readonly ajv = addFormats(new Ajv({ coerceTypes: false, useDefaults: false, allErrors: false, strict: false }));

  register<P extends TelemetryEnvelope>(kind: DeviceKind<P>): void {
    if (!KIND.test(kind.kind)) throw new Error(`bad device kind "${kind.kind}"`);
    if (this.kinds.has(kind.kind)) throw new Error(`device kind "${kind.kind}" is registered twice`);
    if (!TABLE.test(kind.table)) throw new Error(`bad reading table "${kind.table}"`);
    for (const [name, type] of kind.columns) {
      if (!IDENT.test(name) || !TYPES.has(type)) throw new Error(`bad column ${name} ${type} of ${kind.table}`);
    }
    const required = (kind.schema as { required?: string[] }).required ?? [];
    if (!required.includes('deviceId') || !required.includes('observationDateTime')) {
      throw new Error(`the payload schema of "${kind.kind}" must require deviceId and observationDateTime`);
    }
    this.kinds.set(kind.kind, { ...(kind as unknown as DeviceKind), validate: this.ajv.compile(kind.schema), listeners: [] });
  }

  /** Adds a listener to the stored readings of a registered kind (detection, context subscriptions…). */
  onStored(kind: string, listener: StoredListener): void {
    const compiled = this.kinds.get(kind);
    if (!compiled) throw new Error(`device kind "${kind}" is not registered`);
    compiled.listeners.push(listener);
  }

  get(kind: string): CompiledKind | undefined {
    return this.kinds.get(kind);
  }

  all(): CompiledKind[] {
    return [...this.kinds.values()];
  }
}
