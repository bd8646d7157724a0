import { Type } from 'typebox';
import { Nullable, Strict, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { IMPORT_CRS, type ImportSrid } from './import.js';
import { IMPORT_FORMATS, IMPORT_STATUSES, type ImportFormat, type ImportStatus } from './imports.repository.js';

export const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' });
export const CrsQuery = Strict({
  crs: Type.Optional(
    Type.Unsafe<ImportSrid>({
      type: 'integer',
      enum: [...IMPORT_CRS],
      description:
        'EPSG code of the coordinates, when the file does not name it (or to confirm it): 4326, 4261 Merchich, 26191 Nord Maroc, 26192 Sud Maroc, 26194 Sahara Nord, 26195 Sahara Sud, 3857',
    }),
  ),
});

export const ImportResultSchema = Type.Object({
  imported: Type.Integer(),
  repaired: Type.Array(Type.Integer(), { description: 'rows whose geometry was repaired' }),
  outside: Type.Array(Type.Integer(), { description: "rows outside the commune's boundary" }),
  ignored: Type.Array(Type.String(), { description: 'columns the layer has no attribute for' }),
});

export const ImportJobResponse = Type.Object(
  {
    id: Uuid,
    layerCode: Type.String(),
    fileName: Type.String(),
    format: Type.Unsafe<ImportFormat>({ type: 'string', enum: [...IMPORT_FORMATS] }),
    status: Type.Unsafe<ImportStatus>({ type: 'string', enum: [...IMPORT_STATUSES] }),
    rowsTotal: Nullable(Type.Integer()),
    rowsDone: Type.Integer(),
    percent: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
    srid: Nullable(Type.Integer()),
    createdAt: Timestamp,
    finishedAt: Nullable(Timestamp),
    result: Nullable(ImportResultSchema),
    errors: Type.Array(
      Type.Object({
        pointer: Type.String({ description: '/file, /query/crs, or /rows/N/… (N: the row in the file)' }),
        key: Type.String(),
        message: Type.String({ description: "in the request's language" }),
      }),
    ),
  },
  { description: 'An import job: its progress (rowsDone of rowsTotal, percent) and, once finished, its result or errors' },
);
