/**
 * The pure arithmetic of lighting energy: the tariff's price of each local hour, the example
 * settings a commune starts from, the yearly night hours at a place, and the retrofit simulator.
 */
import { isNight } from './simulator.js';

export interface TariffBand {
  code: string;
  priceMadPerKwh: number;
}

export interface EnergySettings {
  bands: TariffBand[];
  /** The band code of each local hour, 0 to 23. */
  hourBands: string[];
  co2KgPerKwh: number;
  sourceNote: string | null;
  /** True while the commune has not set its own figures: the office labels them as an example. */
  isExample: boolean;
}

/**
 * What a commune sees before it sets its tariff: a three-band time-of-use tariff (peak 17–22 h,
 * normal 07–17 h, off-peak 22–07 h) with round prices, and a round emission factor. These are an
 * EXAMPLE, not ONEE's tariff nor an official factor: the commune sets its own contract's figures.
 */
export const EXAMPLE_SETTINGS: EnergySettings = {
  bands: [
    { code: 'peak', priceMadPerKwh: 1.6 },
    { code: 'normal', priceMadPerKwh: 1.2 },
    { code: 'off_peak', priceMadPerKwh: 0.9 },
  ],
  hourBands: Array.from({ length: 24 }, (_, h) => (h >= 17 && h < 22 ? 'peak' : h >= 7 && h < 17 ? 'normal' : 'off_peak')),
  co2KgPerKwh: 0.7,
  sourceNote: null,
  isExample: true,
};

/** The price of each local hour (MAD/kWh), 0 to 23. */
export function hourlyPrices(s: Pick<EnergySettings, 'bands' | 'hourBands'>): number[] {
  const price = new Map(s.bands.map((b) => [b.code, b.priceMadPerKwh]));
  return s.hourBands.map((code) => {
    const p = price.get(code);
    if (p === undefined) throw new Error(`hour band ${code} has no price`);
    return p;
  });
}

/** The first problem of a tariff (a JSON pointer into it), or null: every hour's band must be priced once. */
export function tariffProblem(s: Pick<EnergySettings, 'bands' | 'hourBands'>): string | null {
  const codes = s.bands.map((b) => b.code);
  const dup = codes.findIndex((c, i) => codes.indexOf(c) !== i);
  if (dup >= 0) return `/bands/${dup}/code`;
  const unpriced = s.hourBands.findIndex((c) => !codes.includes(c));
  if (unpriced >= 0) return `/hourBands/${unpriced}`;
  const unused = codes.findIndex((c) => !s.hourBands.includes(c));
  return unused >= 0 ? `/bands/${unused}/code` : null;
}

/** The lamps' dark hours at a place over a year, and how they fall on each local hour (weights sum to 1). */
export interface NightProfile {
  hoursPerYear: number;
  hourWeights: number[];
}

/**
 * Dusk-to-dawn hours over the year starting at `start`, sampled every quarter of an hour with the
 * simulator's sun rule, and their share in each local hour of `timeZone`.
 */
export function nightProfile(lat: number, lon: number, timeZone: string, start: Date): NightProfile {
  const hourOf = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
  const step = 15 * 60_000;
  const counts = new Array<number>(24).fill(0);
  let dark = 0;
  for (let t = start.getTime(); t < start.getTime() + 365 * 86_400_000; t += step) {
    const at = new Date(t + step / 2);
    if (!isNight(at, lat, lon)) continue;
    dark += 1;
    counts[Number(hourOf.format(at)) % 24]! += 1;
  }
  return { hoursPerYear: dark / 4, hourWeights: counts.map((c) => (dark === 0 ? 0 : c / dark)) };
}

/** The price of a kWh burnt at night: the hourly prices weighted by the night's hours. */
export const nightPrice = (prices: number[], profile: NightProfile) => prices.reduce((sum, p, h) => sum + p * profile.hourWeights[h]!, 0);

export interface RetrofitInput {
  from: { technology: string; watts: number; count: number };
  to: { technology: string; watts: number; priceMadPerUnit: number };
  hoursPerYear: number;
  priceMadPerKwh: number;
  co2KgPerKwh: number;
}

export interface RetrofitResult {
  kwhPerYearBefore: number;
  kwhPerYearAfter: number;
  kwhPerYearSaved: number;
  madPerYearBefore: number;
  madPerYearAfter: number;
  madPerYearSaved: number;
  co2KgPerYearSaved: number;
  investmentMad: number;
  /** Years for the savings to repay the new lamps; null when it saves nothing. */
  paybackYears: number | null;
}

/** `x` rounded to `digits` decimals. */
export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Replacing `count` lamps of `from.watts` by lamps of `to.watts` burning `hoursPerYear` hours at
 * full power: the energy, cost and CO2 before and after, the investment and its simple payback.
 * E.g. 100 HPS 150 W → LED 60 W at 4,000 h and 1.2 MAD/kWh: 60,000 → 24,000 kWh, 43,200 MAD saved
 * a year; at 2,500 MAD a lamp the 250,000 MAD repay in 5.79 years.
 */
export function simulateRetrofit(i: RetrofitInput): RetrofitResult {
  const kwh = (watts: number) => (i.from.count * watts * i.hoursPerYear) / 1000;
  const before = kwh(i.from.watts);
  const after = kwh(i.to.watts);
  const saved = before - after;
  const madSaved = saved * i.priceMadPerKwh;
  const investment = i.from.count * i.to.priceMadPerUnit;
  return {
    kwhPerYearBefore: round(before, 1),
    kwhPerYearAfter: round(after, 1),
    kwhPerYearSaved: round(saved, 1),
    madPerYearBefore: round(before * i.priceMadPerKwh, 2),
    madPerYearAfter: round(after * i.priceMadPerKwh, 2),
    madPerYearSaved: round(madSaved, 2),
    co2KgPerYearSaved: round(saved * i.co2KgPerKwh, 1),
    investmentMad: round(investment, 2),
    paybackYears: madSaved > 0 ? round(investment / madSaved, 2) : null,
  };
}
