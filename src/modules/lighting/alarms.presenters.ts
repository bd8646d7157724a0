import type { AlarmRow } from './alarms.repository.js';

export function presentAlarm(a: AlarmRow) {
  return {
    id: a.id,
    rule: a.rule,
    state: a.clearedAt ? ('cleared' as const) : ('open' as const),
    deviceId: a.deviceId,
    luminaireId: a.luminaireId,
    cabinetId: a.cabinetId,
    openedAt: a.openedAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    clearedAt: a.clearedAt ? a.clearedAt.toISOString() : null,
    workOrderId: a.workOrderId,
    details: a.details,
  };
}
