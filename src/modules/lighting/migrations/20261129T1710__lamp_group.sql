-- Lamp groups (FIWARE StreetlightGroup): the luminaires that share a schedule, and a unit energy
-- is totalled by. A luminaire belongs to at most one group, as in TALQ's lighting groups.
CREATE TABLE lighting.lamp_group (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
  -- {ar, fr, zgh, en}
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  description jsonb CHECK (jsonb_typeof(description) = 'object'),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code)
);
SELECT platform.enable_tenancy('lighting.lamp_group');

ALTER TABLE lighting.luminaire ADD COLUMN group_id uuid;
ALTER TABLE lighting.luminaire
  ADD FOREIGN KEY (commune_id, group_id) REFERENCES lighting.lamp_group (commune_id, id);
CREATE INDEX luminaire_group_idx ON lighting.luminaire (commune_id, group_id);
