import { Type } from 'typebox';
import { Nullable, PageMeta, PageQuery, Strict, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { RULES, type Rule } from './alarms.repository.js';
import { DeviceId } from './devices.schemas.js';

const RuleSchema = Type.Unsafe<Rule>({
  type: 'string',
  enum: [...RULES],
  description:
    'dark: should be on but off, ~0 W or a lamp/driver fault; silent: no reading for K × its interval; power: outside ± X % of rated × dim level; day_burning: on while the schedule says off; cabinet_fault: a cabinet fault flag',
});

export const AlarmResponse = Type.Object({
  id: Uuid,
  rule: RuleSchema,
  state: Type.Union([Type.Literal('open'), Type.Literal('cleared')]),
  deviceId: Type.String(),
  luminaireId: Nullable(Uuid),
  cabinetId: Nullable(Uuid),
  openedAt: Timestamp,
  lastSeenAt: Timestamp,
  clearedAt: Nullable(Timestamp),
  workOrderId: Nullable(Uuid),
  details: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What the readings said (power state, watts, expected level, faults, silence…)',
  }),
});

export const AlarmListQuery = Strict({
  ...PageQuery,
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('cleared')])),
  rule: Type.Optional(RuleSchema),
  deviceId: Type.Optional(DeviceId),
  luminaireId: Type.Optional(Uuid),
  cabinetId: Type.Optional(Uuid),
});
export const AlarmListResponse = Type.Object({ items: Type.Array(AlarmResponse), page: PageMeta });

const minutes = (description: string) => Type.Integer({ minimum: 0, maximum: 1440, description });
const interval = (description: string) => Type.Integer({ minimum: 10, maximum: 86_400, description });

/** The thresholds of every rule; all of them, every time (PUT replaces). */
export const DetectionSettingsBody = Strict({
  darkMinutes: minutes('DARK: how long a lamp that should be on must look dark before an alarm (N)'),
  silentFactor: Type.Number({ minimum: 1.5, maximum: 100, description: 'SILENT: missed reporting intervals before an alarm (K)' }),
  luminaireIntervalSeconds: interval('How often luminaire controllers report, s'),
  cabinetIntervalSeconds: interval('How often cabinet controllers report, s'),
  powerTolerancePercent: Type.Number({
    exclusiveMinimum: 0,
    maximum: 200,
    description: 'POWER: allowed deviation from rated power × dim level, % (X)',
  }),
  powerSettleMinutes: minutes('POWER: how long the deviation must last (settle time)'),
  dayBurningMinutes: minutes('DAY-BURNING: how long a lamp may be on while its schedule says off'),
  cabinetFaultMinutes: minutes('How long a cabinet fault flag must last'),
  departmentId: Nullable(Uuid),
});

export const DetectionSettingsResponse = Type.Object({
  darkMinutes: Type.Integer(),
  silentFactor: Type.Number(),
  luminaireIntervalSeconds: Type.Integer(),
  cabinetIntervalSeconds: Type.Integer(),
  powerTolerancePercent: Type.Number(),
  powerSettleMinutes: Type.Integer(),
  dayBurningMinutes: Type.Integer(),
  cabinetFaultMinutes: Type.Integer(),
  departmentId: Nullable(Uuid),
  isDefault: Type.Boolean({ description: 'No thresholds were set: these are the defaults' }),
});
