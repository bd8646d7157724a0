import { Type } from 'typebox';
import { Nullable, PageMeta, PageQuery, plainText, Strict, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { DEVICE_ID } from '../../platform/mqtt/topics.js';

export const LIGHTING_KINDS = ['luminaire', 'cabinet'] as const;
export type LightingKind = (typeof LIGHTING_KINDS)[number];

const Kind = Type.Unsafe<LightingKind>({ type: 'string', enum: [...LIGHTING_KINDS] });
export const DeviceId = Type.String({
  pattern: DEVICE_ID.source,
  description: 'The device id: its MQTT user name and client id, unique across communes (3 to 64 of a-z, 0-9, _ and -)',
});
export const DeviceParams = Strict({ deviceId: DeviceId });

export const DeviceResponse = Type.Object({
  id: Type.String(),
  kind: Kind,
  name: Nullable(Type.String()),
  enabled: Type.Boolean(),
  provisioned: Type.Boolean({ description: 'It has a secret and can connect' }),
  credentialCreatedAt: Nullable(Timestamp),
  lastConnectedAt: Nullable(Timestamp),
  lastSeenAt: Nullable(Timestamp),
  fittedTo: Nullable(
    Type.Object({ type: Type.Union([Type.Literal('luminaire'), Type.Literal('cabinet')]), id: Uuid, code: Type.String() }),
  ),
  isDemo: Type.Boolean(),
  createdAt: Timestamp,
});

export const DeviceDetailResponse = Type.Intersect([
  DeviceResponse,
  Type.Object({
    state: Nullable(
      Type.Object({
        observedAt: Timestamp,
        receivedAt: Timestamp,
        data: Type.Record(Type.String(), Type.Unknown(), { description: 'The latest reading, as the kind summarizes it' }),
      }),
    ),
  }),
]);

export const DeviceListResponse = Type.Object({ items: Type.Array(DeviceResponse), page: PageMeta });
export const DeviceListQuery = Strict({ ...PageQuery, kind: Type.Optional(Kind) });

export const DeviceCreateBody = Strict({
  kind: Kind,
  id: Type.Optional(DeviceId),
  name: Type.Optional(Nullable(plainText(120, 'line'))),
  luminaireId: Type.Optional(Uuid),
  cabinetId: Type.Optional(Uuid),
});

/** The device's credential, shown once: only its hash is kept. */
export const DeviceCredentialResponse = Type.Object({
  device: DeviceResponse,
  secret: Type.String({ description: 'The MQTT password; shown only in this answer' }),
  mqtt: Type.Object({
    username: Type.String(),
    clientId: Type.String(),
    telemetryTopic: Type.String(),
    stateTopic: Type.String(),
    commandsTopic: Type.String(),
  }),
});
