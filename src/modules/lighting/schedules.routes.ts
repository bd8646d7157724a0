import { Type } from 'typebox';
import { contextOf } from '../../platform/http/context.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { App } from '../../platform/platform.js';
import * as present from './schedules.presenters.js';
import * as s from './schedules.schemas.js';
import type { SchedulesService } from './schedules.service.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409);
const tags = ['lighting'];
const base = '/api/v1/lighting';

/**
 * Dimming profiles, schedules, calendars and overrides under `/api/v1/lighting/{profiles,
 * schedules, calendars, overrides}`, a night's plan, and the commands sent to the controllers.
 */
export function schedulesRoutes(app: App, service: SchedulesService) {
  // ── profiles ───────────────────────────────────────────────────────────────────────────────
  app.get(
    `${base}/profiles`,
    { schema: { tags, summary: 'Dimming profiles', response: { 200: s.ProfileListResponse, ...read } } },
    async (request) => ({ items: (await service.listProfiles(contextOf(request))).map(present.presentProfile) }),
  );
  app.post(
    `${base}/profiles`,
    { schema: { tags, summary: 'Create a dimming profile', body: s.ProfileBody, response: { 201: s.ProfileResponse, ...write } } },
    async (request, reply) => reply.code(201).send(present.presentProfile(await service.createProfile(contextOf(request), request.body))),
  );
  app.put(
    `${base}/profiles/:id`,
    {
      schema: {
        tags,
        summary: 'Change a dimming profile',
        params: s.IdParams,
        body: s.ProfileBody,
        response: { 200: s.ProfileResponse, ...write },
      },
    },
    async (request) => present.presentProfile(await service.updateProfile(contextOf(request), request.params.id, request.body)),
  );
  app.delete(
    `${base}/profiles/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a profile no schedule or calendar uses',
        params: s.IdParams,
        response: { 204: Type.Null(), ...write },
      },
    },
    async (request, reply) => {
      await service.deleteProfile(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  // ── schedules ──────────────────────────────────────────────────────────────────────────────
  app.get(
    `${base}/schedules`,
    { schema: { tags, summary: 'Schedules and the groups that follow them', response: { 200: s.ScheduleListResponse, ...read } } },
    async (request) => {
      const { rows, groups } = await service.listSchedules(contextOf(request));
      return { items: rows.map((r) => present.presentSchedule(r, groups.get(r.id) ?? [])) };
    },
  );
  app.get(
    `${base}/schedules/:id`,
    { schema: { tags, summary: 'One schedule', params: s.IdParams, response: { 200: s.ScheduleResponse, ...read } } },
    async (request) => {
      const { row, groupIds } = await service.getSchedule(contextOf(request), request.params.id);
      return present.presentSchedule(row, groupIds);
    },
  );
  app.post(
    `${base}/schedules`,
    {
      schema: {
        tags,
        summary: 'Create a schedule (and assign it to groups)',
        body: s.ScheduleBody,
        response: { 201: s.ScheduleResponse, ...write },
      },
    },
    async (request, reply) => {
      const { row, groupIds } = await service.createSchedule(contextOf(request), request.body);
      return reply.code(201).send(present.presentSchedule(row, groupIds));
    },
  );
  app.put(
    `${base}/schedules/:id`,
    {
      schema: {
        tags,
        summary: 'Change a schedule; groupIds, when given, replaces its groups',
        params: s.IdParams,
        body: s.ScheduleBody,
        response: { 200: s.ScheduleResponse, ...write },
      },
    },
    async (request) => {
      const { row, groupIds } = await service.updateSchedule(contextOf(request), request.params.id, request.body);
      return present.presentSchedule(row, groupIds);
    },
  );
  app.delete(
    `${base}/schedules/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a schedule (its groups go back to the default night rule)',
        params: s.IdParams,
        response: { 204: Type.Null(), ...write },
      },
    },
    async (request, reply) => {
      await service.deleteSchedule(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    `${base}/schedules/:id/plan`,
    {
      schema: {
        tags,
        summary: "A night's plan under a schedule: dusk, dawn and the levels between (the night of the evening's local date)",
        params: s.IdParams,
        querystring: s.PlanQuery,
        response: { 200: s.PlanResponse, ...read },
      },
    },
    async (request) => present.presentPlan(await service.plan(contextOf(request), request.params.id, request.query.date)),
  );

  // ── calendars ──────────────────────────────────────────────────────────────────────────────
  app.get(
    `${base}/calendars`,
    { schema: { tags, summary: 'Calendars of exception nights, first match first', response: { 200: s.CalendarListResponse, ...read } } },
    async (request) => ({ items: (await service.listCalendars(contextOf(request))).map(present.presentCalendar) }),
  );
  app.post(
    `${base}/calendars`,
    { schema: { tags, summary: 'Create a calendar', body: s.CalendarBody, response: { 201: s.CalendarResponse, ...write } } },
    async (request, reply) => reply.code(201).send(present.presentCalendar(await service.createCalendar(contextOf(request), request.body))),
  );
  app.put(
    `${base}/calendars/:id`,
    {
      schema: {
        tags,
        summary: 'Change a calendar',
        params: s.IdParams,
        body: s.CalendarBody,
        response: { 200: s.CalendarResponse, ...write },
      },
    },
    async (request) => present.presentCalendar(await service.updateCalendar(contextOf(request), request.params.id, request.body)),
  );
  app.delete(
    `${base}/calendars/:id`,
    { schema: { tags, summary: 'Delete a calendar', params: s.IdParams, response: { 204: Type.Null(), ...write } } },
    async (request, reply) => {
      await service.deleteCalendar(contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  // ── overrides ──────────────────────────────────────────────────────────────────────────────
  app.get(
    `${base}/overrides`,
    { schema: { tags, summary: 'Manual overrides running or to come', response: { 200: s.OverrideListResponse, ...read } } },
    async (request) => ({ items: (await service.listOverrides(contextOf(request), new Date())).map(present.presentOverride) }),
  );
  app.post(
    `${base}/overrides`,
    {
      schema: {
        tags,
        summary: 'Set a group, a luminaire or a cabinet to a level for a while (wins over every schedule)',
        body: s.OverrideBody,
        response: { 201: s.OverrideResponse, ...write },
      },
    },
    async (request, reply) =>
      reply.code(201).send(present.presentOverride(await service.createOverride(contextOf(request), request.body, new Date()))),
  );
  app.post(
    `${base}/overrides/:id/cancel`,
    { schema: { tags, summary: 'End an override now', params: s.IdParams, response: { 200: s.OverrideResponse, ...write } } },
    async (request) => present.presentOverride(await service.cancelOverride(contextOf(request), request.params.id, new Date())),
  );

  // ── commands ───────────────────────────────────────────────────────────────────────────────
  app.get(
    `${base}/commands`,
    {
      schema: {
        tags,
        summary: 'Commands published to the controllers, latest first',
        querystring: s.CommandListQuery,
        response: { 200: s.CommandListResponse, ...read },
      },
    },
    async (request) => ({
      items: (await service.listCommands(contextOf(request), request.query.deviceId, request.query.limit ?? 50)).map(
        present.presentCommand,
      ),
    }),
  );
}
