-- Staged imports: a job per uploaded file (its progress, outcome and errors) and the rows it has
-- read, checked and reprojected so far. The rows move to gis.feature in one transaction at the end;
-- a failed or cancelled import leaves nothing behind.
CREATE TABLE gis.import_job (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  layer_id uuid NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) <= 255),
  -- The upload under DATA_DIR/files, removed when the job ends.
  file_key text NOT NULL,
  format text NOT NULL CHECK (format IN ('geojson', 'csv', 'shapefile', 'geopackage')),
  -- The table to read in a GeoPackage holding several.
  source_layer text,
  -- The coordinate system the caller chose (EPSG), if any; `srid` is the one used.
  requested_srid integer,
  srid integer,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  cancel_requested boolean NOT NULL DEFAULT false,
  rows_total integer CHECK (rows_total >= 0),
  rows_done integer NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  -- {imported, repaired, outside, ignored} once succeeded.
  result jsonb,
  -- [{pointer, key, values?}]
  errors jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
  -- Who asked, for the audit record the final step writes.
  actor jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, layer_id) REFERENCES gis.layer (commune_id, id) ON DELETE CASCADE
);
CREATE INDEX import_job_layer_idx ON gis.import_job (commune_id, layer_id, created_at DESC);
SELECT platform.enable_tenancy('gis.import_job');

CREATE TABLE gis.import_row (
  commune_id uuid NOT NULL,
  job_id uuid NOT NULL,
  -- The row's number in the file (1-based; a CSV counts its header line).
  "row" integer NOT NULL,
  properties jsonb NOT NULL CHECK (jsonb_typeof(properties) = 'object'),
  geom geometry(Geometry, 4326) NOT NULL,
  repaired boolean NOT NULL,
  outside boolean NOT NULL,
  PRIMARY KEY (commune_id, job_id, "row"),
  FOREIGN KEY (commune_id, job_id) REFERENCES gis.import_job (commune_id, id) ON DELETE CASCADE
);
SELECT platform.enable_tenancy('gis.import_row');
