-- Finding places by name, and what is at a point. Feature names live in the properties the
-- commune's data came with: the usual keys are read in the order of the commune's languages.
CREATE FUNCTION gis.feature_name(p jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT nullif(concat_ws(' / ', p->>'name_ar', p->>'name_fr', p->>'name_en', p->>'name'), '') $$;
GRANT EXECUTE ON FUNCTION gis.feature_name(jsonb) TO madina_app;

CREATE INDEX feature_name_trgm_idx ON gis.feature USING gin (platform.search_fold(gis.feature_name(properties)) gin_trgm_ops);

-- Like gis.features_in_box (20261129T1410): under row-level security the trigram and geometry
-- operators cannot use their indexes (they are not LEAKPROOF), so these run as the table's owner
-- and apply the tenant scope themselves, from the transaction's commune, and the layer's
-- visibility from the caller's right to read private layers.
CREATE FUNCTION gis.search_features(q text, include_private boolean, max_rows integer)
RETURNS TABLE (feature_id bigint, layer_code text, layer_title text, name text, score real, lon float8, lat float8)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT f.id, l.code, l.title::text, gis.feature_name(f.properties),
         word_similarity(platform.search_fold(q), platform.search_fold(gis.feature_name(f.properties))),
         ST_X(ST_PointOnSurface(f.geom)), ST_Y(ST_PointOnSurface(f.geom))
    FROM gis.feature f
    JOIN gis.layer l ON l.commune_id = f.commune_id AND l.id = f.layer_id
   WHERE f.commune_id = platform.current_commune()
     AND (include_private OR l.is_public)
     AND platform.search_fold(q) <% platform.search_fold(gis.feature_name(f.properties))
   ORDER BY 5 DESC, f.id
   LIMIT max_rows
$$;
REVOKE ALL ON FUNCTION gis.search_features(text, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gis.search_features(text, boolean, integer) TO madina_app;

CREATE FUNCTION gis.named_features_near(lon float8, lat float8, metres float8, include_private boolean, max_rows integer)
RETURNS TABLE (feature_id bigint, layer_code text, layer_title text, name text, distance float8)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT f.id, l.code, l.title::text, gis.feature_name(f.properties), ST_Distance(f.geom::geography, here.g)
    FROM gis.feature f
    JOIN gis.layer l ON l.commune_id = f.commune_id AND l.id = f.layer_id,
         (SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS g) AS here
   WHERE f.commune_id = platform.current_commune()
     AND (include_private OR l.is_public)
     AND gis.feature_name(f.properties) IS NOT NULL
     -- A box in degrees around the point (a degree of longitude is the shorter one here) lets the
     -- geometry index find the candidates; the distance on the sphere then decides.
     AND f.geom && ST_Expand(ST_SetSRID(ST_MakePoint(lon, lat), 4326), metres / (111320 * cos(radians(lat))))
     AND ST_DWithin(f.geom::geography, here.g, metres)
   ORDER BY 5, f.id
   LIMIT max_rows
$$;
REVOKE ALL ON FUNCTION gis.named_features_near(float8, float8, float8, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gis.named_features_near(float8, float8, float8, boolean, integer) TO madina_app;
