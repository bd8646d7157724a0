/**
 * The detection rules, as pure functions of a device's latest reading, the level its schedule
 * expects, the commune's thresholds and the time: which faults a device shows now, and how long
 * each must last before it is an alarm. detection.service.ts turns them into alarms and work orders.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { EvaluatedDevice, Rule, SettingsValues } from './alarms.repository.js';

/**
 * The level (0–100) each luminaire's schedule expects at a time, by luminaire id; a luminaire
 * missing from the map has no known expectation (DARK and DAY-BURNING are not judged for it).
 */
export type ExpectedLevels = (trx: Tx, at: Date) => Promise<Map<string, number>>;

export type DetectionSettings = SettingsValues;

/** What a commune gets until it sets its own thresholds (PUT /api/v1/lighting/detection-settings). */
export const DEFAULT_SETTINGS: Omit<DetectionSettings, 'departmentId'> = {
  darkMinutes: 10,
  silentFactor: 3,
  luminaireIntervalSeconds: 60,
  cabinetIntervalSeconds: 60,
  powerTolerancePercent: 25,
  powerSettleMinutes: 5,
  dayBurningMinutes: 30,
  cabinetFaultMinutes: 2,
};

/** Without a chosen department, work orders and alerts go to the department with this code (the demo's lighting department). */
export const DEFAULT_DEPARTMENT_CODE = 'eclairage';

/** A reading below this share of the rated power (or 1 W) counts as no power at all. */
const NO_POWER_SHARE = 0.02;
const LAMP_FAULTS = new Set(['lamp_failure', 'driver_failure', 'relay_failure']);

/** A fault a device shows now: since when the readings say so (`evidenceAt`) and what they say. */
export interface Finding {
  evidenceAt: Date;
  details: Record<string, unknown>;
}

const MINUTE = 60_000;

/** How long a finding must last before it opens an alarm. SILENT's window is in its own condition. */
export function windowMs(rule: Rule, s: DetectionSettings): number {
  switch (rule) {
    case 'dark':
      return s.darkMinutes * MINUTE;
    case 'power':
      return s.powerSettleMinutes * MINUTE;
    case 'day_burning':
      return s.dayBurningMinutes * MINUTE;
    case 'cabinet_fault':
      return s.cabinetFaultMinutes * MINUTE;
    case 'silent':
      return 0;
  }
}

/** The silence after which a device of this kind is SILENT. */
export function silenceMs(kind: EvaluatedDevice['kind'], s: DetectionSettings): number {
  return s.silentFactor * (kind === 'luminaire' ? s.luminaireIntervalSeconds : s.cabinetIntervalSeconds) * 1000;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The faults a device shows at `now`. `expected` is the level its schedule asks for (luminaires;
 * undefined when unknown). A device that never reported is not judged (it may not be installed yet).
 */
export function findFaults(device: EvaluatedDevice, expected: number | undefined, s: DetectionSettings, now: Date): Map<Rule, Finding> {
  const found = new Map<Rule, Finding>();
  if (!device.data || !device.observedAt || !device.receivedAt) return found;
  const lastHeard = device.receivedAt;
  const silence = now.getTime() - lastHeard.getTime();
  if (silence > silenceMs(device.kind, s)) {
    found.set('silent', {
      evidenceAt: lastHeard,
      details: { lastReadingAt: lastHeard.toISOString(), silentSeconds: Math.round(silence / 1000) },
    });
    // What a silent device said last is no news of now.
    return found;
  }
  const at = device.observedAt;
  const state = device.data;
  const on = state.powerState === 'on';
  const faults = strings(state.faults);

  if (device.kind === 'cabinet') {
    if (faults.length > 0) found.set('cabinet_fault', { evidenceAt: at, details: { faults } });
    return found;
  }

  const watts = num(state.powerConsumption);
  const rated = device.powerRating;
  const noPower = watts !== null && watts < Math.max(1, (rated ?? 0) * NO_POWER_SHARE);
  const lampFaults = faults.filter((f) => LAMP_FAULTS.has(f));
  const shouldBeOn = expected !== undefined && expected > 0;
  if (lampFaults.length > 0 || (shouldBeOn && (!on || noPower))) {
    found.set('dark', {
      evidenceAt: at,
      details: { powerState: state.powerState, powerConsumption: watts, expectedLevel: expected ?? null, faults: lampFaults },
    });
    return found;
  }
  if (expected === 0 && on && !noPower) {
    found.set('day_burning', { evidenceAt: at, details: { powerState: state.powerState, powerConsumption: watts, expectedLevel: 0 } });
  }
  const level = num(state.dimLevel) ?? expected;
  if (on && watts !== null && rated !== null && level !== undefined && level > 0) {
    const target = (rated * level) / 100;
    const deviation = ((watts - target) / target) * 100;
    if (Math.abs(deviation) > s.powerTolerancePercent) {
      found.set('power', {
        evidenceAt: at,
        details: {
          powerConsumption: watts,
          expectedPower: Math.round(target * 10) / 10,
          dimLevel: level,
          deviationPercent: Math.round(deviation * 10) / 10,
        },
      });
    }
  }
  return found;
}
