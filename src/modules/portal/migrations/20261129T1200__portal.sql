-- The citizens' portal: announcements (news the commune publishes) and its offices, with their
-- contacts and opening hours. Texts are multilingual JSON objects {ar, fr, zgh, en}.
CREATE SCHEMA portal;
GRANT USAGE ON SCHEMA portal TO madina_app;

CREATE TABLE portal.announcement (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object'),
  body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
  -- Set at the first publication and kept afterwards (an archived or unpublished one keeps it).
  published_at timestamptz,
  -- The staff member who wrote it; NULL when a machine client or the system did.
  author_id uuid,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, author_id) REFERENCES platform.user_account (commune_id, id),
  CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX announcement_published_idx ON portal.announcement (commune_id, published_at DESC) WHERE status = 'published';
CREATE INDEX announcement_updated_idx ON portal.announcement (commune_id, updated_at DESC);
SELECT platform.enable_tenancy('portal.announcement');

CREATE TABLE portal.office (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  address jsonb CHECK (address IS NULL OR jsonb_typeof(address) = 'object'),
  phone text,
  email text,
  -- [{day: 1..7 (ISO weekday, 1 = Monday), opens: 'HH:MM', closes: 'HH:MM'}], checked by the service.
  hours jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(hours) = 'array'),
  note jsonb CHECK (note IS NULL OR jsonb_typeof(note) = 'object'),
  sort_order integer NOT NULL DEFAULT 0,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id)
);
CREATE INDEX office_sort_idx ON portal.office (commune_id, sort_order);
SELECT platform.enable_tenancy('portal.office');
