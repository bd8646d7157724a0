/**
 * The command job: at each change of a luminaire's planned level (a step of its profile, dusk,
 * dawn, a calendar night, an override starting or ending, an edit), publishes the new level to
 * its controller's `madina/{commune}/luminaire/{deviceId}/commands` topic, retained and with
 * QoS 1 (docs/mqtt.md), and records what was sent in lighting.command. It runs every minute and
 * soon after every schedule change; what it sends depends only on the plan and on what was last
 * sent, so a second run at the same instant sends nothing and several instances may run it.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { TelemetryService } from '../../platform/mqtt/telemetry.js';
import { deviceTopic } from '../../platform/mqtt/topics.js';
import { type LevelSource, plannedLevelsAt } from './schedule-levels.js';
import * as repo from './schedules.repository.js';

export const COMMAND_JOB = 'lighting.commands';

/** The payload of a command (docs/mqtt.md, "Commands"). */
export interface CommandPayload {
  commandId: string;
  issuedAt: string;
  /** % of full output; 0 is off. */
  dimLevel: number;
  validFrom: string;
  /** When the platform plans the next change (null: not known); the device keeps the level until told otherwise. */
  validUntil: string | null;
  reason: string;
}

/** A short, stable reason: `override:<id>`, `calendar:<code>`, `schedule:<code>` or `default`. */
export function reasonOf(source: LevelSource): string {
  switch (source.kind) {
    case 'override':
      return `override:${source.id}`;
    case 'calendar':
    case 'schedule':
      return `${source.kind}:${source.code}`;
    case 'default':
      return 'default';
  }
}

/** Publishes the changed levels of one commune at `at`; returns how many commands were sent and failed. */
export async function runCommuneCommands(db: Database, telemetry: TelemetryService, communeId: string, at: Date) {
  const due = await withCommune(db, communeId, async (trx) => {
    const [planned, last, commune] = await Promise.all([
      plannedLevelsAt(trx, at),
      repo.lastCommands(trx),
      trx.selectFrom('platform.commune').select('code').where('id', '=', communeId).executeTakeFirstOrThrow(),
    ]);
    const out: { topic: string; row: Omit<repo.CommandTable, 'id' | 'sentAt'>; payload: CommandPayload }[] = [];
    for (const p of planned.values()) {
      if (!p.deviceId || last.get(p.deviceId) === p.level) continue;
      const reason = reasonOf(p.source);
      const payload: CommandPayload = {
        commandId: randomUUID(),
        issuedAt: at.toISOString(),
        dimLevel: p.level,
        validFrom: p.validFrom.toISOString(),
        validUntil: p.validUntil?.toISOString() ?? null,
        reason,
      };
      out.push({
        topic: deviceTopic({ commune: commune.code, kind: 'luminaire', deviceId: p.deviceId, channel: 'commands' }),
        row: { communeId, deviceId: p.deviceId, level: p.level, validFrom: p.validFrom, validUntil: p.validUntil, reason },
        payload,
      });
    }
    return out;
  });
  if (due.length === 0) return { sent: 0, failed: 0 };
  const results = await Promise.allSettled(due.map((d) => telemetry.publish(d.topic, JSON.stringify(d.payload), { retain: true, qos: 1 })));
  const sent = due.filter((_, i) => results[i]?.status === 'fulfilled');
  // What the broker did not take is sent again at the next run (nothing recorded for it).
  await withCommune(db, communeId, (trx) =>
    repo.insertCommands(
      trx,
      sent.map((d) => d.row),
      at,
    ),
  );
  const failed = due.length - sent.length;
  if (failed > 0) {
    const reason = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
    throw new Error(`lighting commands: ${failed} of ${due.length} not acknowledged by the broker (${String(reason)})`);
  }
  return { sent: sent.length, failed };
}

/** Runs the command job for one commune, or every commune. */
export async function runCommands(db: Database, telemetry: TelemetryService, at: Date, communeId?: string | null) {
  const communes = communeId ? [{ id: communeId }] : await db.kysely.selectFrom('platform.commune').select('id').execute();
  let sent = 0;
  for (const c of communes) sent += (await runCommuneCommands(db, telemetry, c.id, at)).sent;
  return { sent };
}
