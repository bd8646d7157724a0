/**
 * The topic contract (docs/mqtt.md): `madina/{commune}/{kind}/{deviceId}/{channel}` where the
 * commune is its code (e.g. berkane), the kind one a module registered (e.g. luminaire), and the
 * channel `telemetry` (device → platform, QoS 1), `state` (device → platform, retained: online or
 * not, as its will) or `commands` (platform → device, retained, QoS 1).
 */
export const TOPIC_ROOT = 'madina';
export const CHANNELS = ['telemetry', 'state', 'commands'] as const;
export type Channel = (typeof CHANNELS)[number];

export const COMMUNE_CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const KIND = /^[a-z][a-z0-9_]{1,31}$/;
/** A device id: its MQTT user name and client id, unique across communes. */
export const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{2,63}$/;

export interface DeviceTopic {
  commune: string;
  kind: string;
  deviceId: string;
  channel: Channel;
}

export function deviceTopic(t: DeviceTopic): string {
  return `${TOPIC_ROOT}/${t.commune}/${t.kind}/${t.deviceId}/${t.channel}`;
}

/** The topic prefix a device may publish under (and subscribe to its commands below). */
export function devicePrefix(commune: string, kind: string, deviceId: string): string {
  return `${TOPIC_ROOT}/${commune}/${kind}/${deviceId}/`;
}

/** Parses a device topic; undefined when it does not follow the contract. */
export function parseTopic(topic: string): DeviceTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== TOPIC_ROOT) return undefined;
  const [, commune, kind, deviceId, channel] = parts as [string, string, string, string, string];
  if (!COMMUNE_CODE.test(commune) || !KIND.test(kind) || !DEVICE_ID.test(deviceId)) return undefined;
  if (!(CHANNELS as readonly string[]).includes(channel)) return undefined;
  return { commune, kind, deviceId, channel: channel as Channel };
}

/** The subscriptions of the ingestion, optionally shared by several instances (`$share/<group>/…`). */
export function ingestionTopics(shareGroup?: string): string[] {
  const topics = [`${TOPIC_ROOT}/+/+/+/telemetry`];
  return shareGroup ? topics.map((t) => `$share/${shareGroup}/${t}`) : topics;
}
