-- Reference geography (public, not a tenant's data): the communes around the tenants, with their
-- official codes, names, census figures and boundaries. A new tenant is created from a row here,
-- and maps draw the neighbours from it.
CREATE TABLE platform.admin_area (
  official_code text PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name jsonb NOT NULL,
  kind text NOT NULL CHECK (kind IN ('urban', 'rural')),
  province_code text NOT NULL,
  census jsonb NOT NULL DEFAULT '{}',
  label_point geometry(Point, 4326),
  boundary geometry(MultiPolygon, 4326) NOT NULL,
  attribution text NOT NULL
);
CREATE INDEX admin_area_boundary_idx ON platform.admin_area USING gist (boundary);
GRANT SELECT ON platform.admin_area TO madina_app;
