import { describe, expect, it } from 'vitest';
import { EXAMPLE_SETTINGS, hourlyPrices, nightPrice, nightProfile, simulateRetrofit, tariffProblem } from './energy-model.js';

describe('the retrofit simulator', () => {
  it('replaces 100 HPS 150 W by LED 60 W (golden figures worked by hand)', () => {
    // 100 × 150 W × 4,000 h = 60,000 kWh; 100 × 60 W × 4,000 h = 24,000 kWh; 36,000 kWh saved ×
    // 1.2 MAD = 43,200 MAD and × 0.7 kg = 25,200 kg a year; 100 × 2,500 MAD / 43,200 = 5.787 years.
    expect(
      simulateRetrofit({
        from: { technology: 'HPS', watts: 150, count: 100 },
        to: { technology: 'LED', watts: 60, priceMadPerUnit: 2500 },
        hoursPerYear: 4000,
        priceMadPerKwh: 1.2,
        co2KgPerKwh: 0.7,
      }),
    ).toEqual({
      kwhPerYearBefore: 60000,
      kwhPerYearAfter: 24000,
      kwhPerYearSaved: 36000,
      madPerYearBefore: 72000,
      madPerYearAfter: 28800,
      madPerYearSaved: 43200,
      co2KgPerYearSaved: 25200,
      investmentMad: 250000,
      paybackYears: 5.79,
    });
  });

  it('replaces one metal-halide 250 W by an LED 90 W at 4,200 h and 0.95 MAD/kWh', () => {
    // 1,050 → 378 kWh: 672 kWh saved, 638.40 MAD a year, 1,800 MAD repaid in 2.82 years.
    expect(
      simulateRetrofit({
        from: { technology: 'MH', watts: 250, count: 1 },
        to: { technology: 'LED', watts: 90, priceMadPerUnit: 1800 },
        hoursPerYear: 4200,
        priceMadPerKwh: 0.95,
        co2KgPerKwh: 0.5,
      }),
    ).toMatchObject({
      kwhPerYearBefore: 1050,
      kwhPerYearAfter: 378,
      kwhPerYearSaved: 672,
      madPerYearSaved: 638.4,
      co2KgPerYearSaved: 336,
      paybackYears: 2.82,
    });
  });

  it('has no payback when the new lamp draws as much or more', () => {
    const r = simulateRetrofit({
      from: { technology: 'LED', watts: 60, count: 10 },
      to: { technology: 'LED', watts: 90, priceMadPerUnit: 1000 },
      hoursPerYear: 4000,
      priceMadPerKwh: 1,
      co2KgPerKwh: 0.7,
    });
    expect(r).toMatchObject({ kwhPerYearSaved: -1200, madPerYearSaved: -1200, paybackYears: null });
  });
});

describe('the tariff', () => {
  it('prices each local hour by its band', () => {
    const prices = hourlyPrices(EXAMPLE_SETTINGS);
    expect(prices).toHaveLength(24);
    expect([prices[6], prices[7], prices[16], prices[17], prices[21], prices[22]]).toEqual([0.9, 1.2, 1.2, 1.6, 1.6, 0.9]);
    expect(tariffProblem(EXAMPLE_SETTINGS)).toBeNull();
  });

  it('points at the hour without a price, a band given twice, a band no hour uses', () => {
    const bands = [
      { code: 'a', priceMadPerKwh: 1 },
      { code: 'b', priceMadPerKwh: 2 },
    ];
    const hours = Array.from({ length: 24 }, (_, h) => (h < 12 ? 'a' : 'b'));
    expect(tariffProblem({ bands, hourBands: hours.map((c, h) => (h === 5 ? 'z' : c)) })).toBe('/hourBands/5');
    expect(tariffProblem({ bands: [...bands, { code: 'a', priceMadPerKwh: 3 }], hourBands: hours })).toBe('/bands/2/code');
    expect(tariffProblem({ bands: [...bands, { code: 'c', priceMadPerKwh: 3 }], hourBands: hours })).toBe('/bands/2/code');
  });
});

describe('the night at Berkane', () => {
  it('has some 4,300 dark hours a year, none at noon, all of them around midnight', () => {
    const night = nightProfile(34.92, -2.32, 'Africa/Casablanca', new Date(Date.UTC(2026, 0, 1)));
    // 34.9° N: nights from about 9.6 h (June) to 14.3 h (December) long, sunset to sunrise.
    expect(night.hoursPerYear).toBeGreaterThan(4250);
    expect(night.hoursPerYear).toBeLessThan(4450);
    expect(night.hourWeights[12]).toBe(0);
    expect(night.hourWeights[1]).toBeCloseTo((1 / night.hoursPerYear) * 365, 3);
    expect(night.hourWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // Every dark hour priced off-peak but the evening's peak and the morning's normal hours.
    const price = nightPrice(hourlyPrices(EXAMPLE_SETTINGS), night);
    expect(price).toBeGreaterThan(0.9);
    expect(price).toBeLessThan(1.6);
  });
});
