import { Type } from 'typebox';
import { Nullable, plainText, Strict, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { TECHNOLOGIES } from './lighting.repository.js';

const LocalDate = Type.String({
  format: 'date',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'A local date of the commune, YYYY-MM-DD',
});
const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const GROUP_BYS = ['cabinet', 'group', 'district'] as const;
export const PERIODS = ['day', 'month'] as const;
/** The longest range one energy query covers: a quarter by day, two years by month. */
export const MAX_DAYS = { day: 92, month: 731 } as const;
/** The longest range one rollup run recomputes. */
export const MAX_ROLLUP_DAYS = 62;

export const EnergyQuery = Strict({
  groupBy: enumOf(GROUP_BYS),
  period: enumOf(PERIODS),
  from: LocalDate,
  to: LocalDate,
  format: Type.Optional(enumOf(['json', 'csv'] as const, 'csv for a spreadsheet (also chosen by Accept: text/csv)')),
});

const EnergyFigures = {
  kwh: Type.Number({ description: 'Measured energy, kWh' }),
  ratedKwh: Type.Number({ description: 'The same burning hours at the lamps’ rated power, kWh (the dimming baseline)' }),
  savingsKwh: Type.Number({ description: 'ratedKwh − kwh: what dimming saved' }),
  costMad: Type.Number({ description: 'Cost by the tariff’s hourly bands, MAD' }),
  co2Kg: Type.Number({ description: 'kwh × the emission factor, kg' }),
};

export const EnergyRowResponse = Type.Object({
  period: Type.String({ description: 'YYYY-MM-DD or YYYY-MM' }),
  unit: Type.Object({
    id: Nullable(Uuid),
    code: Nullable(Type.String()),
    name: Nullable(Type.Record(Type.String(), Type.String())),
  }),
  source: enumOf(
    ['meter', 'luminaires', 'mixed'] as const,
    'The cabinet’s meter, the sum of its luminaires’ controllers, or both on different days',
  ),
  ...EnergyFigures,
  burningHours: Type.Number({ description: 'Mean burning hours per device' }),
  devices: Type.Integer(),
});

const Band = Type.Object({
  code: Type.String({ pattern: '^[a-z][a-z0-9_]{0,23}$' }),
  priceMadPerKwh: Type.Number({ minimum: 0, maximum: 100 }),
});

export const EnergySettingsBody = Strict({
  bands: Type.Array(Strict({ code: Band.properties.code, priceMadPerKwh: Band.properties.priceMadPerKwh }), { minItems: 1, maxItems: 6 }),
  hourBands: Type.Array(Band.properties.code, { minItems: 24, maxItems: 24, description: 'The band of each local hour, 0 to 23' }),
  co2KgPerKwh: Type.Number({ minimum: 0, maximum: 5 }),
  sourceNote: Type.Optional(Nullable(plainText(500, 'text'))),
});

export const EnergySettingsResponse = Type.Object({
  bands: Type.Array(Band),
  hourBands: Type.Array(Type.String()),
  co2KgPerKwh: Type.Number(),
  sourceNote: Nullable(Type.String()),
  isExample: Type.Boolean({ description: 'An example the commune has not replaced with its own figures yet' }),
  updatedAt: Nullable(Timestamp),
});

export const EnergyResponse = Type.Object({
  groupBy: enumOf(GROUP_BYS),
  period: enumOf(PERIODS),
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(EnergyRowResponse),
  totals: Type.Object(EnergyFigures),
  settings: EnergySettingsResponse,
});

export const RollupBody = Strict({ from: LocalDate, to: LocalDate });
export const RollupResponse = Type.Object({ from: Type.String(), to: Type.String(), rows: Type.Integer() });

const Technology = enumOf(TECHNOLOGIES);
export const RetrofitBody = Strict({
  from: Strict({
    technology: Technology,
    watts: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
    count: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  }),
  to: Strict({
    technology: Technology,
    watts: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
    priceMadPerUnit: Type.Number({ minimum: 0, maximum: 1_000_000, description: 'Price of one new lamp, installed, MAD' }),
  }),
  hoursPerYear: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 8784, description: 'Burning hours a year; by default the commune’s dusk-to-dawn hours' }),
  ),
});

export const RetrofitResponse = Type.Object({
  hoursPerYear: Type.Number(),
  priceMadPerKwh: Type.Number({ description: 'The tariff’s price weighted by the night’s hours' }),
  co2KgPerKwh: Type.Number(),
  tariffIsExample: Type.Boolean(),
  kwhPerYearBefore: Type.Number(),
  kwhPerYearAfter: Type.Number(),
  kwhPerYearSaved: Type.Number(),
  madPerYearBefore: Type.Number(),
  madPerYearAfter: Type.Number(),
  madPerYearSaved: Type.Number(),
  co2KgPerYearSaved: Type.Number(),
  investmentMad: Type.Number(),
  paybackYears: Nullable(Type.Number()),
});
