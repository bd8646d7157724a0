import { randomBytes } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { sqlState } from '../../platform/db/errors.js';
import { withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, conflict, invalid, notFound } from '../../platform/http/errors.js';
import { newDeviceSecret } from '../../platform/mqtt/credentials.js';
import * as devices from '../../platform/mqtt/devices.repository.js';
import type { TelemetryService } from '../../platform/mqtt/telemetry.js';
import { deviceTopic } from '../../platform/mqtt/topics.js';
import { LIGHTING_KINDS, type LightingKind } from './devices.schemas.js';
import * as repo from './lighting.repository.js';

export const READ = 'lighting.devices.read';
export const MANAGE = 'lighting.devices.manage';

/** A device id nobody chose: the kind's letter and 12 random base-32 characters. */
function generatedId(kind: LightingKind): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(12);
  return `${kind === 'luminaire' ? 'lum' : 'cab'}-${[...bytes].map((b) => alphabet[b % 32]).join('')}`;
}

export interface CreateDevice {
  kind: LightingKind;
  id?: string;
  name?: string | null;
  luminaireId?: string;
  cabinetId?: string;
}

/**
 * Provisioning of the lighting controllers: staff create a device (fitted to a luminaire or a
 * cabinet of the inventory) and get its MQTT secret once; they list devices, give a device a new
 * secret, disable and enable it. A disabled device, or one whose secret changed, is refused and
 * dropped by the embedded broker at once, and by the ingestion within 30 s.
 */
export class LightingDevicesService {
  constructor(
    private readonly db: Database,
    private readonly telemetry: TelemetryService,
  ) {}

  list(ctx: CallContext, filter: { kind?: LightingKind; limit: number; offset: number }) {
    authorize(ctx.principal, READ);
    const kinds = filter.kind ? [filter.kind] : LIGHTING_KINDS;
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const rows = await devices.listDevices(trx, { kinds, limit: filter.limit, offset: filter.offset });
      // A page that is not full tells the total; only a full (or empty, past the end) page needs a count.
      const partial = rows.length < filter.limit && (rows.length > 0 || filter.offset === 0);
      const total = partial ? filter.offset + rows.length : await devices.countDevices(trx, kinds);
      return {
        rows,
        links: await repo.deviceLinks(
          trx,
          rows.map((r) => r.id),
        ),
        total,
      };
    });
  }

  get(ctx: CallContext, id: string) {
    authorize(ctx.principal, READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const row = await devices.findDevice(trx, id);
      if (!row || !isLighting(row.kind)) throw notFound();
      const [state] = await devices.deviceStates(trx, [id]);
      return { row, link: (await repo.deviceLinks(trx, [id])).get(id), state };
    });
  }

  async create(ctx: CallContext, input: CreateDevice) {
    authorize(ctx.principal, MANAGE);
    if (input.luminaireId && input.kind !== 'luminaire') throw invalid('/body/luminaireId');
    if (input.cabinetId && input.kind !== 'cabinet') throw invalid('/body/cabinetId');
    const credential = await newDeviceSecret();
    const id = input.id ?? generatedId(input.kind);
    const created = await withCommune(this.db, ctx.communeId, async (trx) => {
      if (await devices.deviceIdTaken(trx, id)) throw conflict('problem.already_exists.detail', { field: 'id' });
      try {
        await devices.insertDevice(trx, {
          communeId: ctx.communeId,
          id,
          kind: input.kind,
          name: input.name ?? null,
          secretHash: credential.hash,
        });
      } catch (error) {
        if (sqlState(error) === '23505') throw conflict('problem.already_exists.detail', { field: 'id' });
        throw error;
      }
      if (input.luminaireId && !(await repo.attachToLuminaire(trx, input.luminaireId, id))) {
        throw new AppError('validation_failed', 400, undefined, {}, [
          { pointer: '/body/luminaireId', key: 'problem.field.unknown_reference' },
        ]);
      }
      if (input.cabinetId && !(await repo.attachToCabinet(trx, input.cabinetId, id))) {
        throw new AppError('validation_failed', 400, undefined, {}, [
          { pointer: '/body/cabinetId', key: 'problem.field.unknown_reference' },
        ]);
      }
      const row = await devices.findDevice(trx, id);
      if (!row) throw notFound();
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.device.create',
        entityType: 'device',
        entityId: id,
        after: { id, kind: input.kind, name: row.name, luminaireId: input.luminaireId ?? null, cabinetId: input.cabinetId ?? null },
      });
      return { row, link: (await repo.deviceLinks(trx, [id])).get(id) };
    });
    return { ...created, secret: credential.secret };
  }

  /** A new secret for a device (its first, or a replacement): the old one stops working now. */
  async renewSecret(ctx: CallContext, id: string) {
    authorize(ctx.principal, MANAGE);
    const credential = await newDeviceSecret();
    const result = await withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await devices.findDevice(trx, id);
      if (!before || !isLighting(before.kind)) throw notFound();
      await devices.setDeviceSecret(trx, id, credential.hash);
      const row = (await devices.findDevice(trx, id)) ?? before;
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.device.secret',
        entityType: 'device',
        entityId: id,
        after: { credentialCreatedAt: row.credentialCreatedAt },
      });
      return { row, link: (await repo.deviceLinks(trx, [id])).get(id) };
    });
    this.telemetry.forgetDevice(id);
    return { ...result, secret: credential.secret };
  }

  async setEnabled(ctx: CallContext, id: string, enabled: boolean) {
    authorize(ctx.principal, MANAGE);
    const result = await withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await devices.findDevice(trx, id);
      if (!before || !isLighting(before.kind)) throw notFound();
      if (before.enabled !== enabled) {
        await devices.setDeviceEnabled(trx, id, enabled);
        await recordAudit(trx, ctx.communeId, ctx.actor, {
          action: enabled ? 'lighting.device.enable' : 'lighting.device.disable',
          entityType: 'device',
          entityId: id,
          before: { enabled: before.enabled },
          after: { enabled },
        });
      }
      const row = (await devices.findDevice(trx, id)) ?? before;
      return { row, link: (await repo.deviceLinks(trx, [id])).get(id) };
    });
    this.telemetry.forgetDevice(id);
    return result;
  }
}

const isLighting = (kind: string): kind is LightingKind => (LIGHTING_KINDS as readonly string[]).includes(kind);

/** The MQTT settings a provisioned device needs. */
export function mqttSettings(communeCode: string, kind: string, deviceId: string) {
  const at = (channel: 'telemetry' | 'state' | 'commands') => deviceTopic({ commune: communeCode, kind, deviceId, channel });
  return {
    username: deviceId,
    clientId: deviceId,
    telemetryTopic: at('telemetry'),
    stateTopic: at('state'),
    commandsTopic: at('commands'),
  };
}
