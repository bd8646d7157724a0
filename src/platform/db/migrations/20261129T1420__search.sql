-- Search by name: trigram similarity (pg_trgm, a trusted extension a database owner may create)
-- over names folded the way people type them. `search_fold` is the SQL twin of `searchFold` in
-- src/modules/eservices/procedure.ts (a test compares the two): lower case; Latin accents, Arabic
-- diacritics (tashkeel) and tatweel removed; hamza forms of alif (أ إ آ ٱ) → ا, ة → ه, ى → ي,
-- ؤ → و, ئ → ي. NFKD first splits accented letters and hamza carriers into base + mark.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
GRANT USAGE ON SCHEMA public TO madina_app;

CREATE FUNCTION platform.search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
  SELECT btrim(regexp_replace(lower(translate(
           regexp_replace(normalize(t, NFKD), '[\u0300-\u036f\u064B-\u065F\u0670\u06D6-\u06ED\u0640]', '', 'g'),
           'ٱةى', 'اهي')), '\s+', ' ', 'g'))
$$;
GRANT EXECUTE ON FUNCTION platform.search_fold(text) TO madina_app;
