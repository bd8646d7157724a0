-- Outage and anomaly detection (src/modules/lighting/detection.ts): each commune's thresholds,
-- the faults seen but not yet long enough to raise an alarm, the alarms themselves (one open
-- alarm per device and rule), and the devices whose readings changed since the last evaluation.

-- A commune's thresholds; without a row the defaults of detection.ts apply.
CREATE TABLE lighting.detection_setting (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  -- DARK: should be on, reports off / ~0 W / a lamp or driver fault, for this many minutes.
  dark_minutes integer NOT NULL CHECK (dark_minutes BETWEEN 0 AND 1440),
  -- SILENT: no reading for silent_factor × the kind's reporting interval.
  silent_factor real NOT NULL CHECK (silent_factor >= 1.5 AND silent_factor <= 100),
  luminaire_interval_seconds integer NOT NULL CHECK (luminaire_interval_seconds BETWEEN 10 AND 86400),
  cabinet_interval_seconds integer NOT NULL CHECK (cabinet_interval_seconds BETWEEN 10 AND 86400),
  -- POWER: outside ± this % of rated power × dim level, for power_settle_minutes.
  power_tolerance_percent real NOT NULL CHECK (power_tolerance_percent > 0 AND power_tolerance_percent <= 200),
  power_settle_minutes integer NOT NULL CHECK (power_settle_minutes BETWEEN 0 AND 1440),
  -- DAY-BURNING: on while the expected level is 0, for this many minutes.
  day_burning_minutes integer NOT NULL CHECK (day_burning_minutes BETWEEN 0 AND 1440),
  -- Cabinet fault flags (door open, phase loss…) held this many minutes.
  cabinet_fault_minutes integer NOT NULL CHECK (cabinet_fault_minutes BETWEEN 0 AND 1440),
  -- The department that gets the work orders and the alerts.
  department_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id),
  FOREIGN KEY (commune_id, department_id) REFERENCES platform.department (commune_id, id)
);
SELECT platform.enable_tenancy('lighting.detection_setting');

-- A fault condition seen on a device since `since` (the observation that first showed it), not
-- yet held for its rule's window. Removed when the condition ends or the alarm opens.
CREATE TABLE lighting.fault_onset (
  commune_id uuid NOT NULL,
  device_id text NOT NULL,
  rule text NOT NULL CHECK (rule IN ('dark', 'silent', 'power', 'day_burning', 'cabinet_fault')),
  since timestamptz NOT NULL,
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  PRIMARY KEY (commune_id, device_id, rule),
  FOREIGN KEY (commune_id, device_id) REFERENCES platform.device (commune_id, id) ON DELETE CASCADE
);
SELECT platform.enable_tenancy('lighting.fault_onset');

-- An alarm: a rule broken by a device for its window. At most one open alarm per device and rule.
CREATE TABLE lighting.alarm (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  device_id text NOT NULL,
  luminaire_id uuid,
  cabinet_id uuid,
  rule text NOT NULL CHECK (rule IN ('dark', 'silent', 'power', 'day_burning', 'cabinet_fault')),
  -- When the condition began (its first observation), when it was last confirmed, when it ended.
  opened_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  cleared_at timestamptz,
  -- The work order (workorders module) it opened or joined; no foreign key across modules.
  work_order_id uuid,
  -- What the readings said: power state, watts, expected level, fault flags, silence…
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, device_id) REFERENCES platform.device (commune_id, id),
  FOREIGN KEY (commune_id, luminaire_id) REFERENCES lighting.luminaire (commune_id, id),
  FOREIGN KEY (commune_id, cabinet_id) REFERENCES lighting.cabinet (commune_id, id),
  CHECK (cleared_at IS NULL OR cleared_at >= opened_at)
);
CREATE UNIQUE INDEX alarm_open_idx ON lighting.alarm (commune_id, device_id, rule) WHERE cleared_at IS NULL;
CREATE INDEX alarm_recent_idx ON lighting.alarm (commune_id, opened_at DESC);
CREATE INDEX alarm_luminaire_open_idx ON lighting.alarm (commune_id, luminaire_id) WHERE cleared_at IS NULL;
SELECT platform.enable_tenancy('lighting.alarm');

-- Devices whose readings an ingestion batch stored since the last evaluation (see onStored).
CREATE TABLE lighting.detection_mark (
  commune_id uuid NOT NULL,
  device_id text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, device_id)
);
SELECT platform.enable_tenancy('lighting.detection_mark');
