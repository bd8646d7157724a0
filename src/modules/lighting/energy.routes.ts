import { contextOf } from '../../platform/http/context.js';
import { csvDocument, sendCsv } from '../../platform/http/csv.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import * as s from './energy.schemas.js';
import { EnergyService, ROLLUP_JOB } from './energy.service.js';

const tags = ['lighting'];
const read = problemResponses(400, 401, 403);
const write = problemResponses(400, 401, 403);

const CSV_COLUMNS = [
  'period',
  'unit_id',
  'unit_code',
  'unit_name_ar',
  'unit_name_fr',
  'source',
  'kwh',
  'rated_kwh',
  'savings_kwh',
  'cost_mad',
  'co2_kg',
  'burning_hours',
  'devices',
] as const;

const wantsCsv = (format: 'json' | 'csv' | undefined, accept: string | undefined) =>
  format === 'csv' || (format === undefined && /^text\/csv\b/i.test(accept ?? ''));

/** Energy per cabinet, group and district, the tariff and emission factor, the rollup and the retrofit simulator. */
export async function energyRoutes(app: App, { db, jobs }: Platform) {
  const service = new EnergyService(db);

  app.get(
    '/api/v1/lighting/energy',
    {
      schema: {
        tags,
        summary: 'Energy, cost, CO2 and dimming savings per cabinet, group or district, by day or month (JSON or CSV)',
        description:
          'From the daily rollup of the controllers’ energy counters (local days of the commune). By cabinet, the cabinet’s meter where it has a controller, else the sum of its luminaires (`source`). CSV with format=csv or Accept: text/csv.',
        querystring: s.EnergyQuery,
        response: { 200: s.EnergyResponse, ...read },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const result = await service.energy(contextOf(request), q);
      if (!wantsCsv(format, request.headers.accept)) return result;
      const csv = csvDocument(
        CSV_COLUMNS,
        result.items.map((r) => [
          r.period,
          r.unit.id,
          r.unit.code,
          r.unit.name?.ar,
          r.unit.name?.fr,
          r.source,
          r.kwh,
          r.ratedKwh,
          r.savingsKwh,
          r.costMad,
          r.co2Kg,
          r.burningHours,
          r.devices,
        ]),
      );
      return sendCsv(reply, `energy-${q.groupBy}-${q.from}-${q.to}.csv`, csv);
    },
  );

  app.get(
    '/api/v1/lighting/energy/settings',
    {
      schema: {
        tags,
        summary: 'The commune’s tariff (time-of-use bands) and CO2 factor',
        response: { 200: s.EnergySettingsResponse, ...read },
      },
    },
    async (request) => service.getSettings(contextOf(request)),
  );

  app.put(
    '/api/v1/lighting/energy/settings',
    {
      schema: {
        tags,
        summary: 'Set the commune’s tariff and CO2 factor: every hour of the day in a priced band',
        body: s.EnergySettingsBody,
        response: { 200: s.EnergySettingsResponse, ...write },
      },
    },
    async (request) => service.putSettings(contextOf(request), request.body),
  );

  app.post(
    '/api/v1/lighting/energy/rollup',
    {
      schema: {
        tags,
        summary: 'Recompute the daily energy rollup of a range of local days (idempotent)',
        body: s.RollupBody,
        response: { 200: s.RollupResponse, ...write },
      },
    },
    async (request) => service.rollUp(contextOf(request), request.body.from, request.body.to),
  );

  app.post(
    '/api/v1/lighting/energy/retrofit',
    {
      schema: {
        tags,
        summary: 'Retrofit simulator: replace N lamps by others → kWh, MAD and CO2 a year, payback years',
        body: s.RetrofitBody,
        response: { 200: s.RetrofitResponse, ...read },
      },
    },
    async (request) => service.retrofit(contextOf(request), request.body),
  );

  jobs.handle(ROLLUP_JOB, async () => service.rollUpRecent(new Date()));
  // 02:40 UTC: after midnight in every Moroccan time zone, before the morning.
  jobs.schedule('40 2 * * *', ROLLUP_JOB);
}
