import { Type } from 'typebox';
import { contextOf } from '../../platform/http/context.js';
import { problemResponses, Strict, TextOut } from '../../platform/http/schemas.js';
import type { App } from '../../platform/platform.js';
import { HOLIDAY_YEARS } from './calendar.js';
import { type Indicators, type IndicatorsService, indicatorsCsv } from './indicators.service.js';
import type { SettingsService } from './settings.service.js';

const BASE = '/api/v1/eservices';
const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 422);
const Days = (description: string) => Type.Integer({ minimum: 1, maximum: 90, description });

export const SettingsBody = Strict({
  completionDays: Days('Art 10: days to complete an incomplete file before it is returned (30)'),
  appealDays: Days('Art 21: days to appeal after a refusal or a silence (30)'),
  appealAnswerDays: Days('Art 21: days to answer an appeal before it is escalated (15)'),
  escalationDays: Days('Art 21: days the escalated appeal has (10)'),
  deliveryDays: Days('Art 19: days to deliver the decision after a silence-as-approval (7)'),
  certificateDays: Days('Art 20: days the governor has to deliver the certificate of silence (10)'),
  publishIndicators: Type.Boolean({ description: "Art 28: show the procedures' indicators on the portal" }),
  silenceStartsAt: Type.Unsafe<'complete_file' | 'deposit'>({
    type: 'string',
    enum: ['complete_file', 'deposit'],
    description: 'When the deadline starts: at the deposit of the complete file (default) or at the first deposit',
  }),
});
const HolidayList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      date: Type.String({ format: 'date' }),
      name: TextOut,
      kind: Type.Unsafe<'fixed' | 'islamic'>({ type: 'string', enum: ['fixed', 'islamic'] }),
      adjusted: Type.Boolean(),
      hijriYear: Type.Optional(Type.Integer()),
      computedDate: Type.Optional(Type.String({ format: 'date' })),
    }),
  ),
});
const DateT = Type.String({ format: 'date' });
const IndicatorsQuery = Strict({
  from: Type.Optional(DateT),
  to: Type.Optional(DateT),
  format: Type.Optional(Type.Unsafe<'json' | 'csv'>({ type: 'string', enum: ['json', 'csv'] })),
});
const IndicatorsResponse = Type.Object({
  from: DateT,
  to: DateT,
  items: Type.Array(
    Type.Object({
      procedure: Type.Object({ code: Type.String(), name: TextOut }),
      received: Type.Integer(),
      completeAtDeposit: Type.Integer(),
      incompleteAtDeposit: Type.Integer(),
      decidedInTime: Type.Integer(),
      decidedLate: Type.Integer(),
      deemedApproved: Type.Integer(),
      appeals: Type.Integer(),
      medianProcessingDays: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

const presentHolidays = (
  items: {
    id: string;
    date: string;
    name: object;
    kind: 'fixed' | 'islamic';
    adjusted: boolean;
    hijriYear?: number;
    computedDate?: string;
  }[],
) => ({
  items: items.map((h) => ({
    id: h.id,
    date: h.date,
    name: h.name,
    kind: h.kind,
    adjusted: h.adjusted,
    ...(h.hijriYear !== undefined ? { hijriYear: h.hijriYear } : {}),
    ...(h.computedDate !== undefined ? { computedDate: h.computedDate } : {}),
  })),
});

/** Settings (the commune's reading of the law), holidays and their adjustments, indicators. */
export function adminRoutes(app: App, settings: SettingsService, indicators: IndicatorsService) {
  const tags = ['eservices: admin'];
  app.get(
    `${BASE}/settings`,
    {
      schema: { tags, summary: "The commune's settings: delays and interpretations of the law", response: { 200: SettingsBody, ...read } },
    },
    async (request) => settings.get(contextOf(request)),
  );
  app.put(
    `${BASE}/settings`,
    {
      schema: {
        tags,
        summary: 'Change the settings (admins); requests already deposited keep their dates',
        body: SettingsBody,
        response: { 200: SettingsBody, ...write },
      },
    },
    async (request) => settings.put(contextOf(request), request.body),
  );
  app.get(
    `${BASE}/holidays`,
    {
      schema: {
        tags,
        summary: 'The public holidays of a year that working-day deadlines skip, with the adjustments made',
        querystring: Strict({ year: Type.Integer({ minimum: HOLIDAY_YEARS.min, maximum: HOLIDAY_YEARS.max }) }),
        response: { 200: HolidayList, ...read },
      },
    },
    async (request) => presentHolidays(await settings.holidays(contextOf(request), request.query.year)),
  );
  app.put(
    `${BASE}/holidays/adjustments`,
    {
      schema: {
        tags,
        summary: 'Move an Islamic holiday of one Hijri year to its official date (moon sighting); answers the holidays of that year',
        body: Strict({
          holiday: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: "The holiday's id, e.g. eid_al_fitr" }),
          hijriYear: Type.Integer(),
          date: DateT,
        }),
        response: { 200: HolidayList, ...write },
      },
    },
    async (request) => presentHolidays(await settings.adjust(contextOf(request), request.body)),
  );

  const sendIndicators = (reply: import('fastify').FastifyReply, data: Indicators, format: 'json' | 'csv' | undefined) => {
    if (format !== 'csv') return data;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="indicators-${data.from}-${data.to}.csv"`)
      .send(indicatorsCsv(data));
  };
  app.get(
    `${BASE}/indicators`,
    {
      schema: {
        tags,
        summary: 'Indicators per procedure (art 28) over the requests deposited in a period, as JSON or CSV',
        querystring: IndicatorsQuery,
        response: { 200: IndicatorsResponse, ...read },
      },
    },
    async (request, reply) => sendIndicators(reply, await indicators.forStaff(contextOf(request), request.query), request.query.format),
  );
  app.get(
    `${BASE}/indicators/public`,
    {
      schema: {
        tags: ['eservices: citizens'],
        summary: "The published procedures' indicators (art 28), when the commune publishes them (else 404)",
        querystring: IndicatorsQuery,
        response: { 200: IndicatorsResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => sendIndicators(reply, await indicators.forPublic(contextOf(request), request.query), request.query.format),
  );
}
