-- A tile read its features in two passes: the ids in the box through gis.features_in_box (as the
-- owner, on the index), then each feature again under the tenant policy. With 200,000 points
-- (bench/gis.ts) the second pass cost as much as the encoding: one pass as the owner, scoped to
-- the transaction's commune like gis.features_in_box (callers cannot widen it), measured 343 →
-- 180 ms per tile. PL/pgSQL so that the body is not checked when it is created: the embedded
-- database's PostGIS has no ST_AsMVT, and only PostgreSQL calls gis.mvt_tile.
CREATE FUNCTION gis.mvt_tile(layer uuid, name text, z integer, x integer, y integer)
RETURNS bytea
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  RETURN (
    SELECT ST_AsMVT(t, name, 4096, 'geom', 'id') FROM (
      SELECT f.id, f.properties,
             ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope(z, x, y), 4096, 64, true) AS geom
        FROM gis.feature f
       WHERE f.commune_id = platform.current_commune()
         AND f.layer_id = layer
         AND f.geom && ST_Transform(ST_TileEnvelope(z, x, y, margin => 64.0 / 4096), 4326)
    ) AS t
     WHERE t.geom IS NOT NULL);
END $$;
REVOKE ALL ON FUNCTION gis.mvt_tile(uuid, text, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gis.mvt_tile(uuid, text, integer, integer, integer) TO madina_app;

-- The same features for the JavaScript encoder (the embedded database), in one pass too.
CREATE FUNCTION gis.tile_features(layer uuid, z integer, x integer, y integer)
RETURNS TABLE (id bigint, properties_json text, geometry_json text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT f.id, f.properties::text, ST_AsGeoJSON(f.geom)
    FROM gis.feature f
   WHERE f.commune_id = platform.current_commune()
     AND f.layer_id = layer
     AND f.geom && ST_Transform(ST_TileEnvelope(z, x, y, margin => 64.0 / 4096), 4326)
   ORDER BY f.id
$$;
REVOKE ALL ON FUNCTION gis.tile_features(uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gis.tile_features(uuid, integer, integer, integer) TO madina_app;
