/**
 * The lighting module's device kinds: luminaire controllers (one per light point) and cabinet
 * controllers (one per control cabinet), their telemetry payloads (docs/mqtt.md) and how a
 * payload becomes a row of lighting.luminaire_reading / lighting.cabinet_reading. Names follow
 * the FIWARE Smart Data Models Streetlight and StreetlightControlCabinet where they have one.
 */
import { type Static, type TSchema, Type } from 'typebox';
import type { DeviceKind } from '../../platform/mqtt/kinds.js';
import { DEVICE_ID } from '../../platform/mqtt/topics.js';

const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const num = (minimum: number, maximum: number, description: string) => Type.Optional(Type.Number({ minimum, maximum, description }));

/** Fault flags a luminaire controller may raise. */
export const LUMINAIRE_FAULTS = [
  'lamp_failure',
  'driver_failure',
  'relay_failure',
  'over_voltage',
  'under_voltage',
  'over_current',
  'over_temperature',
  'low_power_factor',
  'tilt',
  'communication_failure',
] as const;

/** Fault flags a cabinet controller may raise. */
export const CABINET_FAULTS = [
  'mains_failure',
  'phase_loss',
  'breaker_tripped',
  'earth_leakage',
  'contactor_failure',
  'door_open',
  'over_voltage',
  'under_voltage',
  'over_current',
  'surge_protection',
  'meter_failure',
] as const;

const POWER_STATES = ['on', 'off'] as const;

const envelope = {
  deviceId: Type.String({ pattern: DEVICE_ID.source, description: 'The device id, as in the topic (a device may not speak for another)' }),
  observationDateTime: Type.String({ format: 'date-time', maxLength: 40, description: 'When it was measured, RFC 3339 with a time zone' }),
};

// Unknown properties are ignored, not refused: a firmware update that adds a field must not turn
// every reading of a city into a dead letter.
export const LuminaireTelemetry = Type.Object(
  {
    ...envelope,
    powerState: oneOf(POWER_STATES),
    dimLevel: num(0, 100, 'Dim level, % of full output'),
    powerConsumption: num(0, 5000, 'Active power, W'),
    voltage: num(0, 1000, 'Supply voltage, V'),
    current: num(0, 100, 'Current, A'),
    powerFactor: num(-1, 1, 'Power factor'),
    energyConsumed: num(0, 1e9, 'Energy counter since installation, kWh'),
    burningHours: num(0, 1e7, 'Burning-hours counter, h'),
    faults: Type.Optional(Type.Array(oneOf(LUMINAIRE_FAULTS), { maxItems: LUMINAIRE_FAULTS.length, uniqueItems: true })),
  },
  { additionalProperties: true, description: 'Telemetry of a luminaire controller' },
);
export type LuminaireTelemetry = Static<typeof LuminaireTelemetry>;

const Circuit = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$' }),
    powerState: oneOf(POWER_STATES),
    activePower: num(0, 1000, 'kW'),
    intensity: num(0, 2000, 'A'),
    energyConsumed: num(0, 1e10, 'kWh'),
  },
  { additionalProperties: true },
);

export const CabinetTelemetry = Type.Object(
  {
    ...envelope,
    powerState: oneOf(POWER_STATES),
    dimLevel: num(0, 100, 'Dim level applied by the cabinet (voltage regulator), %'),
    totalActivePower: num(0, 1000, 'Active power, all phases, kW'),
    energyConsumed: num(0, 1e10, 'Energy counter, kWh'),
    reactiveEnergyConsumed: num(0, 1e10, 'Reactive energy counter, kVArh'),
    frequency: num(40, 70, 'Hz'),
    voltageR: num(0, 1000, 'V'),
    voltageS: num(0, 1000, 'V'),
    voltageT: num(0, 1000, 'V'),
    intensityR: num(0, 2000, 'A'),
    intensityS: num(0, 2000, 'A'),
    intensityT: num(0, 2000, 'A'),
    activePowerR: num(0, 1000, 'kW'),
    activePowerS: num(0, 1000, 'kW'),
    activePowerT: num(0, 1000, 'kW'),
    powerFactorR: num(-1, 1, ''),
    powerFactorS: num(-1, 1, ''),
    powerFactorT: num(-1, 1, ''),
    burningHours: num(0, 1e7, 'h'),
    faults: Type.Optional(Type.Array(oneOf(CABINET_FAULTS), { maxItems: CABINET_FAULTS.length, uniqueItems: true })),
    circuits: Type.Optional(Type.Array(Circuit, { maxItems: 48 })),
  },
  { additionalProperties: true, description: 'Telemetry of a cabinet controller' },
);
export type CabinetTelemetry = Static<typeof CabinetTelemetry>;

const or = <T>(value: T | undefined) => (value === undefined ? null : value);

/** Luminaire controllers: `madina/{commune}/luminaire/{deviceId}/telemetry`. */
export const luminaireKind: DeviceKind<LuminaireTelemetry> = {
  kind: 'luminaire',
  module: 'lighting',
  schema: LuminaireTelemetry as TSchema,
  table: 'lighting.luminaire_reading',
  columns: [
    ['power_state', 'text'],
    ['dim_level', 'real'],
    ['power_consumption', 'real'],
    ['voltage', 'real'],
    ['current', 'real'],
    ['power_factor', 'real'],
    ['energy_consumed', 'double precision'],
    ['burning_hours', 'double precision'],
    ['faults', 'text[]'],
  ],
  toRow: (p) => [
    p.powerState,
    or(p.dimLevel),
    or(p.powerConsumption),
    or(p.voltage),
    or(p.current),
    or(p.powerFactor),
    or(p.energyConsumed),
    or(p.burningHours),
    p.faults ?? [],
  ],
  toState: (p) => ({
    powerState: p.powerState,
    dimLevel: or(p.dimLevel),
    powerConsumption: or(p.powerConsumption),
    voltage: or(p.voltage),
    current: or(p.current),
    energyConsumed: or(p.energyConsumed),
    burningHours: or(p.burningHours),
    faults: p.faults ?? [],
  }),
};

const PHASE_FIELDS = [
  'voltageR',
  'voltageS',
  'voltageT',
  'intensityR',
  'intensityS',
  'intensityT',
  'activePowerR',
  'activePowerS',
  'activePowerT',
  'powerFactorR',
  'powerFactorS',
  'powerFactorT',
] as const;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Cabinet controllers: `madina/{commune}/cabinet/{deviceId}/telemetry`. */
export const cabinetKind: DeviceKind<CabinetTelemetry> = {
  kind: 'cabinet',
  module: 'lighting',
  schema: CabinetTelemetry as TSchema,
  table: 'lighting.cabinet_reading',
  columns: [
    ['power_state', 'text'],
    ['dim_level', 'real'],
    ['total_active_power', 'real'],
    ['energy_consumed', 'double precision'],
    ['reactive_energy_consumed', 'double precision'],
    ['frequency', 'real'],
    ...PHASE_FIELDS.map((f) => [snake(f), 'real'] as const),
    ['burning_hours', 'double precision'],
    ['faults', 'text[]'],
    ['circuits', 'jsonb'],
  ],
  toRow: (p) => [
    p.powerState,
    or(p.dimLevel),
    or(p.totalActivePower),
    or(p.energyConsumed),
    or(p.reactiveEnergyConsumed),
    or(p.frequency),
    ...PHASE_FIELDS.map((f) => or(p[f])),
    or(p.burningHours),
    p.faults ?? [],
    // Only the fields the contract names, whatever else a firmware adds.
    (p.circuits ?? []).map((c) => ({
      id: c.id,
      powerState: c.powerState,
      activePower: or(c.activePower),
      intensity: or(c.intensity),
      energyConsumed: or(c.energyConsumed),
    })),
  ],
  toState: (p) => ({
    powerState: p.powerState,
    dimLevel: or(p.dimLevel),
    totalActivePower: or(p.totalActivePower),
    energyConsumed: or(p.energyConsumed),
    faults: p.faults ?? [],
    circuits: (p.circuits ?? []).map((c) => ({ id: c.id, powerState: c.powerState })),
  }),
};
