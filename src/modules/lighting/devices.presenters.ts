import type { DeviceRow } from '../../platform/mqtt/devices.repository.js';
import type { LightingKind } from './devices.schemas.js';
import type { DeviceLink } from './lighting.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDevice(d: DeviceRow, link: DeviceLink | undefined) {
  return {
    id: d.id,
    kind: d.kind as LightingKind,
    name: d.name,
    enabled: d.enabled,
    provisioned: d.provisioned,
    credentialCreatedAt: iso(d.credentialCreatedAt),
    lastConnectedAt: iso(d.lastConnectedAt),
    lastSeenAt: iso(d.lastSeenAt),
    fittedTo: link ? { type: link.type, id: link.id, code: link.code } : null,
    isDemo: d.isDemo,
    createdAt: d.createdAt.toISOString(),
  };
}
