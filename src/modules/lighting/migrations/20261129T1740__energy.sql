-- Energy accounting of public lighting. The readings carry cumulative energy counters (kWh); a
-- job turns their differences into a daily rollup (local days of the commune's time zone), so a
-- month's totals never scan the readings. Cost and CO2 come from per-commune settings.

-- One row per local day and unit: a cabinet's own meter (source 'cabinet': cabinet_id set), or the
-- luminaires' controllers summed by their cabinet, group and district (source 'luminaire').
-- hourly_kwh[1..24] is the energy of each local hour (an hour that occurs twice when the clock goes
-- back is summed into one), what the tariff's time-of-use bands price.
CREATE TABLE lighting.energy_day (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  day date NOT NULL,
  source text NOT NULL CHECK (source IN ('cabinet', 'luminaire')),
  cabinet_id uuid,
  group_id uuid,
  district_id uuid,
  kwh double precision NOT NULL,
  hourly_kwh double precision[] NOT NULL CHECK (cardinality(hourly_kwh) = 24),
  -- What the same burning hours would have drawn at the lamps' rated power (the dimming baseline).
  rated_kwh double precision NOT NULL,
  burning_hours double precision NOT NULL,
  devices integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT energy_day_unit UNIQUE NULLS NOT DISTINCT (commune_id, day, source, cabinet_id, group_id, district_id)
);
SELECT platform.enable_tenancy('lighting.energy_day');

-- The commune's tariff and emission factor. Without a row the module uses an example tariff that
-- the office shows as such ("to be set by the commune").
CREATE TABLE lighting.energy_settings (
  commune_id uuid PRIMARY KEY REFERENCES platform.commune (id),
  -- [{code, priceMadPerKwh}]: the time-of-use bands.
  bands jsonb NOT NULL CHECK (jsonb_typeof(bands) = 'array'),
  -- The band code of each local hour, 0 to 23.
  hour_bands text[] NOT NULL CHECK (cardinality(hour_bands) = 24),
  -- kg of CO2 per kWh drawn from the grid.
  co2_kg_per_kwh double precision NOT NULL CHECK (co2_kg_per_kwh >= 0 AND co2_kg_per_kwh <= 5),
  source_note text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT platform.enable_tenancy('lighting.energy_settings');
