import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { contextOf } from '../../../platform/http/context.js';
import { AppError, invalid } from '../../../platform/http/errors.js';
import { problemResponses } from '../../../platform/http/schemas.js';
import type { App, Platform } from '../../../platform/platform.js';
import { GisService } from '../gis.service.js';

/** The largest extract accepted (a commune's `.osm.pbf` is a few MB; its `.osm` XML ten times that). */
export const OSM_BYTES_MAX = 100 * 1024 * 1024;

const tooLarge = () => new AppError('payload_too_large', 413, 'problem.gis.osm.too_large.detail', { max: OSM_BYTES_MAX / 1024 / 1024 });

/**
 * Streams the multipart field `file` to a new file under `dir`, stopping at OSM_BYTES_MAX (the
 * rest is never read); returns its path. The caller removes it.
 */
async function receiveExtract(request: FastifyRequest, dir: string): Promise<string> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 415, 'problem.gis.osm.format.detail');
  const part = await request.file({ limits: { fileSize: OSM_BYTES_MAX, files: 1, fields: 0 } });
  if (part?.fieldname !== 'file') throw invalid('/body/file', 'problem.field.required');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `osm-${randomUUID()}`);
  try {
    await pipeline(part.file, createWriteStream(file, { flags: 'wx' }));
    if (part.file.truncated) throw tooLarge();
  } catch (error) {
    await fs.rm(file, { force: true });
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw error;
  }
  return file;
}

const Counts = Type.Object({
  read: Type.Object({ nodes: Type.Integer(), ways: Type.Integer(), relations: Type.Integer() }),
  written: Type.Record(Type.String(), Type.Integer(), {
    description: 'features written per layer code or module target (e.g. lighting.luminaire)',
  }),
  outside: Type.Integer({ description: 'features left out because they lie more than 1 km from the commune' }),
  missingNodes: Type.Integer({ description: 'ways and multipolygons left out because the extract lacks some of their nodes or ways' }),
  brokenAreas: Type.Integer({ description: 'multipolygons whose ways do not close into rings' }),
});

/** `POST /api/v1/gis/osm-imports`: an OpenStreetMap extract into the base layers and the modules' layers. */
export async function osmRoutes(app: App, { db, config }: Platform) {
  const gis = new GisService(db);
  const uploads = path.join(config.dataDir, 'uploads');
  app.post(
    '/api/v1/gis/osm-imports',
    {
      schema: {
        tags: ['gis: layers'],
        summary: 'Import an OpenStreetMap extract (.osm.pbf or .osm XML, multipart field "file"), all or nothing',
        description:
          'Streets (with their names in Arabic, French and Tamazight), buildings and places go to the base layers osm_streets, osm_buildings and osm_places; street lamps to the lighting inventory; waste baskets and containers to osm_waste; bus stops to osm_bus_stops. Only what lies within 1 km of the commune is kept; importing the same extract again updates the same features (by OSM id). © OpenStreetMap contributors (ODbL): the layers carry the attribution.',
        consumes: ['multipart/form-data'],
        response: { 200: Counts, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request) => gis.importOsm(contextOf(request), () => receiveExtract(request, uploads)),
  );
}
