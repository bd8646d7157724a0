-- Lighting schedules: dimming profiles, schedules (a profile and how dusk and dawn are found),
-- their assignment to lamp groups, calendars of exception nights, timed manual overrides, and
-- the commands published to the controllers. The rules are in src/modules/lighting/schedule.ts.

-- A dimming profile: levels by time of night. steps = [{from, until, level}] where from and until
-- are {at: 'clock', time: 'HH:MM'} (the commune's zone) or {at: 'dusk'|'dawn', offsetMinutes}.
CREATE TABLE lighting.dimming_profile (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
  -- {ar, fr, zgh, en}
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  steps jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code)
);
SELECT platform.enable_tenancy('lighting.dimming_profile');

-- A schedule: a profile, and dusk and dawn as the sun crossing an altitude plus offsets.
CREATE TABLE lighting.schedule (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  profile_id uuid NOT NULL,
  -- Degrees: −0.833 is sunset and sunrise, −6 civil twilight.
  sun_altitude real NOT NULL DEFAULT -0.833 CHECK (sun_altitude BETWEEN -18 AND 0),
  dusk_offset_minutes smallint NOT NULL DEFAULT 0 CHECK (dusk_offset_minutes BETWEEN -180 AND 180),
  dawn_offset_minutes smallint NOT NULL DEFAULT 0 CHECK (dawn_offset_minutes BETWEEN -180 AND 180),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code),
  FOREIGN KEY (commune_id, profile_id) REFERENCES lighting.dimming_profile (commune_id, id)
);
SELECT platform.enable_tenancy('lighting.schedule');

-- Which schedule a lamp group follows (a group without a row follows the default night rule).
CREATE TABLE lighting.group_schedule (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  group_id uuid NOT NULL,
  schedule_id uuid NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, group_id),
  FOREIGN KEY (commune_id, group_id) REFERENCES lighting.lamp_group (commune_id, id) ON DELETE CASCADE,
  FOREIGN KEY (commune_id, schedule_id) REFERENCES lighting.schedule (commune_id, id)
);
CREATE INDEX group_schedule_schedule_idx ON lighting.group_schedule (commune_id, schedule_id);
SELECT platform.enable_tenancy('lighting.group_schedule');

-- A calendar: the nights its rules match use its profile instead of the schedule's. The first
-- matching calendar by priority (lowest first) wins. schedule_id NULL: every schedule.
-- rules = [{kind: 'dates', from, until} | {kind: 'annual', from: 'MM-DD', until: 'MM-DD'}
--          | {kind: 'hijri_month', month} | {kind: 'public_holidays'}]
CREATE TABLE lighting.calendar (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  priority integer NOT NULL CHECK (priority BETWEEN 0 AND 10000),
  schedule_id uuid,
  profile_id uuid NOT NULL,
  rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code),
  FOREIGN KEY (commune_id, schedule_id) REFERENCES lighting.schedule (commune_id, id) ON DELETE CASCADE,
  FOREIGN KEY (commune_id, profile_id) REFERENCES lighting.dimming_profile (commune_id, id)
);
SELECT platform.enable_tenancy('lighting.calendar');

-- A timed manual override of a group, a luminaire or a cabinet's luminaires. It wins over every
-- schedule while it runs; among overrides the most specific target wins (luminaire, cabinet,
-- group), then the latest created. Ended early by setting cancelled_at, never deleted.
CREATE TABLE lighting.override (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  target_type text NOT NULL CHECK (target_type IN ('group', 'luminaire', 'cabinet')),
  target_id uuid NOT NULL,
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 100),
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_by uuid,
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  cancelled_by_label text,
  PRIMARY KEY (commune_id, id),
  CHECK (valid_until > valid_from)
);
CREATE INDEX override_active_idx ON lighting.override (commune_id, valid_until) WHERE cancelled_at IS NULL;
SELECT platform.enable_tenancy('lighting.override');

-- What was published to each controller's commands topic (retained, QoS 1).
CREATE TABLE lighting.command (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  device_id text NOT NULL,
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 100),
  valid_from timestamptz NOT NULL,
  valid_until timestamptz,
  reason text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, device_id) REFERENCES platform.device (commune_id, id)
);
CREATE INDEX command_device_idx ON lighting.command (commune_id, device_id, sent_at DESC);
SELECT platform.enable_tenancy('lighting.command');
