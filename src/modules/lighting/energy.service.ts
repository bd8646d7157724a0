import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, invalid } from '../../platform/http/errors.js';
import * as repo from './energy.repository.js';
import { MAX_DAYS, MAX_ROLLUP_DAYS } from './energy.schemas.js';
import {
  type EnergySettings,
  EXAMPLE_SETTINGS,
  hourlyPrices,
  nightPrice,
  nightProfile,
  type RetrofitInput,
  round,
  simulateRetrofit,
  tariffProblem,
} from './energy-model.js';
import { communePlace } from './lighting.repository.js';

export const ENERGY_READ = 'lighting.energy.read';
export const ENERGY_MANAGE = 'lighting.energy.manage';
/** The job that rolls up yesterday and the day before (late readings) for every commune, nightly. */
export const ROLLUP_JOB = 'lighting.energy_rollup';

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

/** A date range from a request: `to` not before `from`, at most `maxDays` long. */
function checkRange(part: 'query' | 'body', from: string, to: string, maxDays: number) {
  const days = daysBetween(from, to);
  if (Number.isNaN(days)) throw invalid(`/${part}/from`);
  if (days < 0) throw invalid(`/${part}/to`, 'problem.field.before_from');
  if (days + 1 > maxDays) {
    throw new AppError('validation_failed', 400, undefined, {}, [
      { pointer: `/${part}/to`, key: 'problem.field.period_too_long', values: { max: maxDays } },
    ]);
  }
}

async function settingsOf(trx: Tx): Promise<EnergySettings & { updatedAt: Date | null }> {
  const row = await repo.findEnergySettings(trx);
  return row ? { ...row, isExample: false } : { ...EXAMPLE_SETTINGS, updatedAt: null };
}

/** The local date of an instant in a time zone, YYYY-MM-DD. */
const localDate = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(at);

/**
 * Energy accounting: the daily rollup (recomputed by the nightly job or on demand), energy per
 * cabinet, group or district with its cost, CO2 and dimming savings, the commune's tariff and
 * emission factor, and the retrofit simulator.
 */
export class EnergyService {
  constructor(private readonly db: Database) {}

  async energy(ctx: CallContext, q: { groupBy: repo.GroupBy; period: repo.Period; from: string; to: string }) {
    authorize(ctx.principal, ENERGY_READ);
    checkRange('query', q.from, q.to, MAX_DAYS[q.period]);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const settings = await settingsOf(trx);
      const rows = await repo.energyRows(trx, { ...q, prices: hourlyPrices(settings) });
      const items = rows.map((r) => ({
        period: r.period,
        unit: { id: r.unitId, code: r.code, name: r.name },
        source: r.source,
        kwh: round(r.kwh, 3),
        ratedKwh: round(r.ratedKwh, 3),
        savingsKwh: round(r.ratedKwh - r.kwh, 3),
        costMad: round(r.costMad, 2),
        co2Kg: round(r.kwh * settings.co2KgPerKwh, 2),
        burningHours: r.devices > 0 ? round(r.burningHours / r.devices, 2) : 0,
        devices: r.devices,
      }));
      const sum = (f: (r: (typeof items)[number]) => number, digits: number) =>
        round(
          items.reduce((s, r) => s + f(r), 0),
          digits,
        );
      return {
        ...q,
        items,
        totals: {
          kwh: sum((r) => r.kwh, 3),
          ratedKwh: sum((r) => r.ratedKwh, 3),
          savingsKwh: sum((r) => r.savingsKwh, 3),
          costMad: sum((r) => r.costMad, 2),
          co2Kg: sum((r) => r.co2Kg, 2),
        },
        settings: presentSettings(settings),
      };
    });
  }

  getSettings(ctx: CallContext) {
    authorize(ctx.principal, ENERGY_READ);
    return withCommune(this.db, ctx.communeId, async (trx) => presentSettings(await settingsOf(trx)));
  }

  async putSettings(ctx: CallContext, body: Omit<EnergySettings, 'isExample' | 'sourceNote'> & { sourceNote?: string | null }) {
    authorize(ctx.principal, ENERGY_MANAGE);
    const problem = tariffProblem(body);
    if (problem) throw invalid(`/body${problem}`);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findEnergySettings(trx);
      const next = { bands: body.bands, hourBands: body.hourBands, co2KgPerKwh: body.co2KgPerKwh, sourceNote: body.sourceNote ?? null };
      await repo.saveEnergySettings(trx, ctx.communeId, next);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.energy.settings',
        entityType: 'lighting_energy_settings',
        entityId: null,
        before: before
          ? { bands: before.bands, hourBands: before.hourBands, co2KgPerKwh: before.co2KgPerKwh, sourceNote: before.sourceNote }
          : null,
        after: next,
      });
      return presentSettings(await settingsOf(trx));
    });
  }

  /** Recomputes the rollup of a range of local days on demand (after late readings or a tariff's first day). */
  async rollUp(ctx: CallContext, from: string, to: string) {
    authorize(ctx.principal, ENERGY_MANAGE);
    checkRange('body', from, to, MAX_ROLLUP_DAYS);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const { timeZone } = await communePlace(trx, ctx.communeId);
      const rows = await repo.rollUpEnergy(trx, ctx.communeId, timeZone, from, to);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: 'lighting.energy.rollup',
        entityType: 'lighting_energy_day',
        entityId: null,
        after: { from, to, rows },
      });
      return { from, to, rows };
    });
  }

  /** The nightly job: yesterday and the day before (readings arrive late) of every commune, in its time zone. */
  async rollUpRecent(now: Date) {
    const communes = await this.db.kysely.selectFrom('platform.commune').select(['id', 'timeZone']).execute();
    for (const c of communes) {
      const to = localDate(new Date(now.getTime() - DAY_MS), c.timeZone);
      const from = localDate(new Date(now.getTime() - 2 * DAY_MS), c.timeZone);
      await withCommune(this.db, c.id, (trx) => repo.rollUpEnergy(trx, c.id, c.timeZone, from, to));
    }
  }

  async retrofit(
    ctx: CallContext,
    body: Omit<RetrofitInput, 'hoursPerYear' | 'priceMadPerKwh' | 'co2KgPerKwh'> & { hoursPerYear?: number },
  ) {
    authorize(ctx.principal, ENERGY_READ);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const settings = await settingsOf(trx);
      const place = await communePlace(trx, ctx.communeId);
      const year = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
      const night = nightProfile(place.lat, place.lon, place.timeZone, year);
      const hoursPerYear = body.hoursPerYear ?? Math.round(night.hoursPerYear);
      const priceMadPerKwh = round(nightPrice(hourlyPrices(settings), night), 4);
      const result = simulateRetrofit({ ...body, hoursPerYear, priceMadPerKwh, co2KgPerKwh: settings.co2KgPerKwh });
      return { hoursPerYear, priceMadPerKwh, co2KgPerKwh: settings.co2KgPerKwh, tariffIsExample: settings.isExample, ...result };
    });
  }
}

function presentSettings(s: EnergySettings & { updatedAt: Date | null }) {
  return {
    bands: s.bands,
    hourBands: s.hourBands,
    co2KgPerKwh: s.co2KgPerKwh,
    sourceNote: s.sourceNote,
    isExample: s.isExample,
    updatedAt: s.updatedAt ? s.updatedAt.toISOString() : null,
  };
}
