import { contextOf } from '../../platform/http/context.js';
import { page, problemResponses } from '../../platform/http/schemas.js';
import type { App, Platform } from '../../platform/platform.js';
import { presentDevice } from './devices.presenters.js';
import * as s from './devices.schemas.js';
import { LightingDevicesService, mqttSettings } from './devices.service.js';

const read = problemResponses(400, 401, 403, 404);
const write = problemResponses(400, 401, 403, 404, 409);
const tags = ['lighting'];

/** Provisioning of lamp and cabinet controllers under `/api/v1/lighting/devices`. */
export async function devicesRoutes(app: App, { db, telemetry }: Platform) {
  const service = new LightingDevicesService(db, telemetry);

  app.get(
    '/api/v1/lighting/devices',
    {
      schema: {
        tags,
        summary: 'Lamp and cabinet controllers, by id',
        querystring: s.DeviceListQuery,
        response: { 200: s.DeviceListResponse, ...read },
      },
    },
    async (request) => {
      const { limit, offset } = page(request.query);
      const { rows, links, total } = await service.list(contextOf(request), { kind: request.query.kind, limit, offset });
      return { items: rows.map((d) => presentDevice(d, links.get(d.id))), page: { total, limit, offset } };
    },
  );

  app.get(
    '/api/v1/lighting/devices/:deviceId',
    {
      schema: {
        tags,
        summary: 'One controller with its latest reading',
        params: s.DeviceParams,
        response: { 200: s.DeviceDetailResponse, ...read },
      },
    },
    async (request) => {
      const { row, link, state } = await service.get(contextOf(request), request.params.deviceId);
      return {
        ...presentDevice(row, link),
        state: state ? { observedAt: state.observedAt.toISOString(), receivedAt: state.receivedAt.toISOString(), data: state.data } : null,
      };
    },
  );

  app.post(
    '/api/v1/lighting/devices',
    {
      schema: {
        tags,
        summary: 'Create a controller and its MQTT credential (the secret is shown only in this answer)',
        body: s.DeviceCreateBody,
        response: { 201: s.DeviceCredentialResponse, ...write },
      },
    },
    async (request, reply) => {
      const { row, link, secret } = await service.create(contextOf(request), request.body);
      return reply.code(201).send({ device: presentDevice(row, link), secret, mqtt: mqttSettings(request.commune.code, row.kind, row.id) });
    },
  );

  app.post(
    '/api/v1/lighting/devices/:deviceId/secret',
    {
      schema: {
        tags,
        summary: 'Give a controller a new MQTT secret (shown only in this answer); the old one stops working',
        params: s.DeviceParams,
        response: { 200: s.DeviceCredentialResponse, ...write },
      },
    },
    async (request) => {
      const { row, link, secret } = await service.renewSecret(contextOf(request), request.params.deviceId);
      return { device: presentDevice(row, link), secret, mqtt: mqttSettings(request.commune.code, row.kind, row.id) };
    },
  );

  for (const [action, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/api/v1/lighting/devices/:deviceId/${action}`,
      {
        schema: {
          tags,
          summary: enabled
            ? 'Enable a controller again'
            : 'Disable a controller: it is refused and disconnected, its messages become dead letters',
          params: s.DeviceParams,
          response: { 200: s.DeviceResponse, ...write },
        },
      },
      async (request) => {
        const { row, link } = await service.setEnabled(contextOf(request), request.params.deviceId, enabled);
        return presentDevice(row, link);
      },
    );
  }
}
