-- The OpenStreetMap import (src/modules/gis/osm): a layer remembers the source it was imported
-- from and the attribution that source's licence requires (ODbL: "© OpenStreetMap contributors"),
-- and a feature its OSM reference (n123, w45, r6), by which a re-import updates it.
ALTER TABLE gis.layer
  ADD COLUMN source text CHECK (source IN ('osm')),
  ADD COLUMN attribution text CHECK (length(attribution) <= 500);
ALTER TABLE gis.feature ADD COLUMN osm_ref text CHECK (osm_ref ~ '^[nwr][0-9]{1,19}$');
CREATE UNIQUE INDEX feature_osm_ref_idx ON gis.feature (commune_id, layer_id, osm_ref) WHERE osm_ref IS NOT NULL;
