-- The shared telemetry layer (src/platform/mqtt): devices and their MQTT credentials, the latest
-- state of each device, dead letters, and monthly partitions for the modules' reading tables.
-- Lighting, cleanliness and transport register their device kinds and reading tables on it.

-- A device that speaks MQTT: a lamp or cabinet controller, a bin sensor, a bus tracker. Its id is
-- its MQTT user name and the device segment of its topics, so it is unique across communes.
CREATE TABLE platform.device (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9_-]{2,63}$'),
  -- The kind a module registered (e.g. luminaire, cabinet): the topic's kind segment and the
  -- payload schema its readings are checked against.
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{1,31}$'),
  name text,
  -- argon2id of the device's secret (its MQTT password); NULL: listed in the inventory but not
  -- provisioned yet, so it cannot connect.
  secret_hash text,
  credential_created_at timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  last_connected_at timestamptz,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (id)
);
CREATE INDEX device_kind_idx ON platform.device (commune_id, kind);
SELECT platform.enable_tenancy('platform.device');

-- The latest reading of each device (what the maps read), upserted once per ingestion batch and
-- only by a newer reading. `data` is the kind's own summary of the payload.
CREATE TABLE platform.device_state (
  commune_id uuid NOT NULL,
  device_id text NOT NULL,
  kind text NOT NULL,
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
  PRIMARY KEY (commune_id, device_id),
  FOREIGN KEY (commune_id, device_id) REFERENCES platform.device (commune_id, id) ON DELETE CASCADE
);
SELECT platform.enable_tenancy('platform.device_state');

-- Messages the platform could not take: not JSON, wrong types, a timestamp out of the window, an
-- unknown or disabled device, a device on another's topic, a flood. Kept for the operators (and
-- purged after TELEMETRY_DEAD_LETTER_DAYS). A message that names no known commune has no
-- commune: tenants never see it, operators do (as the tables' owner).
CREATE TABLE platform.dead_letter (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  commune_id uuid REFERENCES platform.commune (id),
  topic text NOT NULL,
  -- The device the topic names (it may not exist), or the one that published (broker refusals).
  device_id text,
  reason text NOT NULL CHECK (reason ~ '^[a-z][a-z_]{2,39}$'),
  detail text,
  -- The first bytes of the payload as text (invalid UTF-8 and NUL replaced), and its full size.
  payload_excerpt text NOT NULL,
  payload_bytes integer NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX dead_letter_commune_idx ON platform.dead_letter (commune_id, received_at DESC);
CREATE INDEX dead_letter_received_idx ON platform.dead_letter (received_at);
SELECT platform.enable_tenancy('platform.dead_letter');
-- The ingestion writes letters it cannot attribute to a commune; nobody reads them through RLS.
CREATE POLICY unattributed_insert ON platform.dead_letter FOR INSERT TO madina_app WITH CHECK (commune_id IS NULL);

-- The devices that CONNECT and the ingestion must be found before the commune is known (an MQTT
-- user name is all a CONNECT carries). These functions run as the tables' owner and return only
-- what each step needs; the application role may call them and nothing else crosses communes.
-- They take many ids at once: a reconnect storm costs a few statements, not one per device.
CREATE FUNCTION platform.device_credentials(device_keys text[])
RETURNS TABLE (id text, commune_id uuid, commune_code text, kind text, secret_hash text, enabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT d.id, d.commune_id, c.code, d.kind, d.secret_hash, d.enabled
    FROM platform.device d JOIN platform.commune c ON c.id = d.commune_id
   WHERE d.id = ANY (device_keys)
$$;
REVOKE ALL ON FUNCTION platform.device_credentials(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.device_credentials(text[]) TO madina_app;

CREATE FUNCTION platform.devices_for_ingestion(device_keys text[])
RETURNS TABLE (id text, commune_id uuid, commune_code text, kind text, enabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT d.id, d.commune_id, c.code, d.kind, d.enabled
    FROM platform.device d JOIN platform.commune c ON c.id = d.commune_id
   WHERE d.id = ANY (device_keys)
$$;
REVOKE ALL ON FUNCTION platform.devices_for_ingestion(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.devices_for_ingestion(text[]) TO madina_app;

CREATE FUNCTION platform.devices_connected(device_keys text[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  UPDATE platform.device SET last_connected_at = now() WHERE id = ANY (device_keys)
$$;
REVOKE ALL ON FUNCTION platform.devices_connected(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.devices_connected(text[]) TO madina_app;

-- Reading tables partitioned by month on their reading time (declarative range partitioning).
-- A module registers its table here in its migration; a daily job creates the partitions of the
-- months around now, and the ingestion creates a missing one on demand.
CREATE TABLE platform.monthly_partitioned (
  parent text PRIMARY KEY CHECK (parent ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$')
);
GRANT SELECT ON platform.monthly_partitioned TO madina_app;

-- Creates the missing monthly partitions of `parent` (a registered table) for every month from
-- the one holding `from_ts` to the one holding `to_ts`, in UTC; returns how many it created.
-- Partitions are named <table>_pYYYYMM beside their parent. Concurrent callers are safe.
CREATE FUNCTION platform.ensure_month_partitions(parent text, from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
SET timezone = 'UTC'
AS $$
DECLARE
  schema_name text := split_part(parent, '.', 1);
  table_name text := split_part(parent, '.', 2);
  month timestamp := date_trunc('month', from_ts AT TIME ZONE 'UTC');
  last_month timestamp := date_trunc('month', to_ts AT TIME ZONE 'UTC');
  part text;
  created integer := 0;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM platform.monthly_partitioned p WHERE p.parent = ensure_month_partitions.parent) THEN
    RAISE EXCEPTION 'table % is not registered for monthly partitions', parent USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF last_month < month OR last_month > month + interval '10 years' THEN
    RAISE EXCEPTION 'partition range % to % refused', from_ts, to_ts USING ERRCODE = 'invalid_parameter_value';
  END IF;
  WHILE month <= last_month LOOP
    part := format('%s_p%s', table_name, to_char(month, 'YYYYMM'));
    IF to_regclass(format('%I.%I', schema_name, part)) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                       schema_name, part, schema_name, table_name,
                       month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
        created := created + 1;
      EXCEPTION WHEN duplicate_table OR unique_violation THEN
        NULL; -- another instance created it meanwhile
      END;
    END IF;
    month := month + interval '1 month';
  END LOOP;
  RETURN created;
END $$;
REVOKE ALL ON FUNCTION platform.ensure_month_partitions(text, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.ensure_month_partitions(text, timestamptz, timestamptz) TO madina_app;
