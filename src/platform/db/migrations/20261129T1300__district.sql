-- The commune's districts (quartiers, lotissements, villages): the names citizens and staff use
-- to say where something is. The demo seeds them from OpenStreetMap and Poste Maroc names, which
-- come without shapes; `area` is filled when the GIS layers give one.
CREATE TABLE platform.district (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  -- Where the name comes from: 'osm', 'poste', 'village', 'staff'.
  source text NOT NULL,
  area geometry(MultiPolygon, 4326),
  PRIMARY KEY (commune_id, id)
);
CREATE INDEX district_area_idx ON platform.district USING gist (area);
SELECT platform.enable_tenancy('platform.district');
