/**
 * `PATCH /entities/{id}/attrs` from an IoT agent: the update becomes one reading of the entity's
 * device kind, checked by the kind's own payload schema and written by the telemetry layer's
 * `writeBatch` — the same rows (readings table, device_state) and the same stored-reading
 * listeners (detection, subscriptions) as a reading that came over MQTT.
 */
import type { Database } from '../db/database.js';
import { describeErrors } from '../mqtt/kinds.js';
import type { TelemetryService } from '../mqtt/telemetry.js';
import { writeBatch } from '../mqtt/writer.js';
import { badRequest, NgsiError } from './errors.js';
import type { TelemetryUpdate } from './registry.js';

/** Stores the update; returns the attributes written and those the kind refused (207 notUpdated). */
export async function storeTelemetryUpdate(
  db: Database,
  telemetry: TelemetryService,
  communeId: string,
  update: TelemetryUpdate,
): Promise<{ updated: string[]; notUpdated: TelemetryUpdate['notUpdated'] }> {
  const kind = telemetry.kinds.get(update.kind);
  if (!kind) throw new NgsiError('OperationNotSupported', `no telemetry for device kind ${update.kind}`);
  const payload = { ...update.payload };
  const notUpdated = [...update.notUpdated];
  // A field the kind refuses (out of its range) is left out and reported; the rest is stored.
  for (;;) {
    if (kind.validate(payload)) break;
    const error = kind.validate.errors?.[0];
    const field = error?.instancePath.split('/')[1];
    const attribute = field ? update.sources[field] : undefined;
    if (!field || !attribute) throw badRequest(`the update cannot be stored: ${describeErrors(kind.validate.errors)}`);
    delete payload[field];
    delete update.sources[field];
    notUpdated.push({ attributeName: attribute, reason: `refused by the ${kind.kind} contract: ${describeErrors([error])}` });
  }
  const row = {
    deviceId: payload.deviceId,
    observedAt: payload.observationDateTime,
    receivedAt: new Date().toISOString(),
    values: kind.toRow(payload),
  };
  const state = {
    deviceId: payload.deviceId,
    kind: kind.kind,
    observedAt: row.observedAt,
    receivedAt: row.receivedAt,
    data: kind.toState ? kind.toState(payload) : Object.fromEntries(kind.columns.map(([name], i) => [name, row.values[i] ?? null])),
  };
  await writeBatch(db, {
    byCommune: new Map([[communeId, { readings: new Map([[kind, [row]]]), states: [state], deadLetters: [] }]]),
    unattributed: [],
  });
  return { updated: [...new Set(Object.values(update.sources))], notUpdated };
}
