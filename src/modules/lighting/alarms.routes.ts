import { contextOf } from '../../platform/http/context.js';
import { IdParams, page, problemResponses } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import { presentAlarm } from './alarms.presenters.js';
import * as s from './alarms.schemas.js';
import { AlarmsService } from './alarms.service.js';

const read = problemResponses(400, 401, 403, 404);
const tags = ['lighting'];

/** Alarms under `/api/v1/lighting/alarms` and the detection thresholds under `/api/v1/lighting/detection-settings`. */
export async function alarmsRoutes(app: App, { db }: Platform) {
  const service = new AlarmsService(db);

  app.get(
    '/api/v1/lighting/alarms',
    {
      schema: {
        tags,
        summary: 'Alarms raised by outage and anomaly detection, newest first (state=open: what the map shows per device)',
        querystring: s.AlarmListQuery,
        response: { 200: s.AlarmListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { state, rule, deviceId, luminaireId, cabinetId } = request.query;
      const { rows, total } = await service.list(contextOf(request), { state, rule, deviceId, luminaireId, cabinetId, limit, offset });
      return { items: rows.map(presentAlarm), page: { total, limit, offset } };
    },
  );

  app.get(
    '/api/v1/lighting/alarms/:id',
    { schema: { tags, summary: 'One alarm', params: IdParams, response: { 200: s.AlarmResponse, ...read } } },
    async (request) => presentAlarm(await service.get(contextOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/lighting/detection-settings',
    {
      schema: {
        tags,
        summary: 'The detection thresholds of the commune (the defaults until set)',
        response: { 200: s.DetectionSettingsResponse, ...problemResponses(401, 403) },
      },
    },
    async (request) => service.settings(contextOf(request)),
  );

  app.put(
    '/api/v1/lighting/detection-settings',
    {
      schema: {
        tags,
        summary: 'Set every detection threshold of the commune',
        body: s.DetectionSettingsBody,
        response: { 200: s.DetectionSettingsResponse, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => service.updateSettings(contextOf(request), request.body),
  );
}
