-- Public lighting, first part: control cabinets (armoires) and luminaires on the GIS core, and
-- the readings their controllers send over MQTT (src/platform/mqtt). Attribute names follow the
-- FIWARE Smart Data Models Streetlight, StreetlightControlCabinet and StreetlightModel where they
-- have one (in snake_case); schedules, outages and energy come later and join on these tables.
CREATE SCHEMA lighting;
GRANT USAGE ON SCHEMA lighting TO madina_app;

-- A control cabinet: the meter and supply point of a set of circuits, and often a controller.
CREATE TABLE lighting.cabinet (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The label painted on the cabinet (e.g. ARM-012).
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
  name text,
  location geometry(Point, 4326) NOT NULL,
  -- The electricity meter and the supply contract (point de livraison) of the distributor.
  meter_number text,
  supply_point text,
  -- FIWARE maximumPowerAvailable: contracted power, kW.
  maximum_power_available real CHECK (maximum_power_available > 0),
  phases smallint NOT NULL DEFAULT 3 CHECK (phases IN (1, 3)),
  circuit_count smallint NOT NULL DEFAULT 1 CHECK (circuit_count BETWEEN 1 AND 48),
  working_mode text NOT NULL DEFAULT 'automatic' CHECK (working_mode IN ('automatic', 'manual', 'semiautomatic')),
  -- The cabinet's controller (platform.device of kind 'cabinet'), if it has one.
  device_id text,
  date_service_started date,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code),
  UNIQUE (commune_id, device_id),
  FOREIGN KEY (commune_id, device_id) REFERENCES platform.device (commune_id, id)
);
CREATE INDEX cabinet_location_idx ON lighting.cabinet USING gist (location);
SELECT platform.enable_tenancy('lighting.cabinet');

-- A light point: one lantern on a pole (a pole with two arms is two luminaires).
CREATE TABLE lighting.luminaire (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The pole's number (FIWARE streetPoleNum), e.g. L-00042.
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
  location geometry(Point, 4326) NOT NULL,
  -- FIWARE lampTechnology: LED, HPS (high-pressure sodium), MH (metal halide), LPS, other.
  technology text NOT NULL CHECK (technology IN ('LED', 'HPS', 'MH', 'LPS', 'other')),
  -- FIWARE powerRating: the lamp's rated power, W.
  power_rating real NOT NULL CHECK (power_rating > 0 AND power_rating <= 2000),
  -- FIWARE dateServiceStarted: when it was installed.
  date_service_started date,
  cabinet_id uuid,
  -- FIWARE circuit: the cabinet's circuit that feeds it.
  circuit text CHECK (circuit ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$'),
  lantern_height real CHECK (lantern_height > 0 AND lantern_height < 60),
  -- Its controller (platform.device of kind 'luminaire'), when it is individually controlled.
  device_id text,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code),
  UNIQUE (commune_id, device_id),
  FOREIGN KEY (commune_id, cabinet_id) REFERENCES lighting.cabinet (commune_id, id),
  FOREIGN KEY (commune_id, device_id) REFERENCES platform.device (commune_id, id)
);
CREATE INDEX luminaire_location_idx ON lighting.luminaire USING gist (location);
CREATE INDEX luminaire_cabinet_idx ON lighting.luminaire (commune_id, cabinet_id);
SELECT platform.enable_tenancy('lighting.luminaire');

-- Readings of luminaire controllers, one row per device and observation time (a redelivered
-- message is a duplicate and is ignored), partitioned by month on the observation time.
CREATE TABLE lighting.luminaire_reading (
  commune_id uuid NOT NULL,
  device_id text NOT NULL,
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  power_state text NOT NULL CHECK (power_state IN ('on', 'off')),
  -- Dim level, % of full output (FIWARE illuminanceLevel × 100).
  dim_level real,
  -- FIWARE powerConsumption (W), voltage (V), current (A), powerFactor.
  power_consumption real,
  voltage real,
  current real,
  power_factor real,
  -- Cumulative counters: energy (kWh) and burning hours since the controller was installed.
  energy_consumed double precision,
  burning_hours double precision,
  faults text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (commune_id, device_id, observed_at)
) PARTITION BY RANGE (observed_at);
SELECT platform.enable_tenancy('lighting.luminaire_reading');

-- Readings of cabinet controllers: the cabinet's totals, each phase (R, S, T) and each circuit.
CREATE TABLE lighting.cabinet_reading (
  commune_id uuid NOT NULL,
  device_id text NOT NULL,
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  -- The main contactor.
  power_state text NOT NULL CHECK (power_state IN ('on', 'off')),
  dim_level real,
  -- FIWARE StreetlightControlCabinet: totalActivePower (kW), energyConsumed (kWh, cumulative),
  -- reactiveEnergyConsumed (kVArh), frequency (Hz), and per phase voltage (V), intensity (A),
  -- activePower (kW), powerFactor.
  total_active_power real,
  energy_consumed double precision,
  reactive_energy_consumed double precision,
  frequency real,
  voltage_r real,
  voltage_s real,
  voltage_t real,
  intensity_r real,
  intensity_s real,
  intensity_t real,
  active_power_r real,
  active_power_s real,
  active_power_t real,
  power_factor_r real,
  power_factor_s real,
  power_factor_t real,
  burning_hours double precision,
  faults text[] NOT NULL DEFAULT '{}',
  -- [{id, powerState, activePower (kW), intensity (A), energyConsumed (kWh)}]
  circuits jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(circuits) = 'array'),
  PRIMARY KEY (commune_id, device_id, observed_at)
) PARTITION BY RANGE (observed_at);
SELECT platform.enable_tenancy('lighting.cabinet_reading');

INSERT INTO platform.monthly_partitioned (parent) VALUES ('lighting.luminaire_reading'), ('lighting.cabinet_reading');
SELECT platform.ensure_month_partitions('lighting.luminaire_reading', now() - interval '1 month', now() + interval '2 months');
SELECT platform.ensure_month_partitions('lighting.cabinet_reading', now() - interval '1 month', now() + interval '2 months');
