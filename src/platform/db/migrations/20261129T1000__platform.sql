-- The platform kernel: communes (tenants), departments, staff accounts, sessions, API keys,
-- login throttling, the append-only audit log and the job queue.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Application queries run as this non-owner role, so row-level security applies to them even
-- when the connecting user owns the tables or is a superuser (PGlite's default user is one).
DO $$ BEGIN
  CREATE ROLE madina_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$ BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT madina_app TO %I', current_user);
  END IF;
END $$;
GRANT USAGE ON SCHEMA platform TO madina_app;
GRANT USAGE ON SCHEMA public TO madina_app;

-- The commune of the current transaction, or NULL when none was set (then tenant tables show nothing).
CREATE FUNCTION platform.current_commune() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('madina.commune_id', true), '')::uuid $$;

-- Makes a table tenant-scoped: rows visible and writable only for the transaction's commune.
CREATE FUNCTION platform.enable_tenancy(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (commune_id = platform.current_commune()) '
                 'WITH CHECK (commune_id = platform.current_commune())', target);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO madina_app', target);
END $$;

CREATE TABLE platform.commune (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  official_code text UNIQUE,
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  kind text NOT NULL CHECK (kind IN ('urban', 'rural')),
  default_locale text NOT NULL DEFAULT 'ar' CHECK (default_locale IN ('ar', 'fr', 'zgh', 'en')),
  locale_fallback text[] NOT NULL DEFAULT '{ar,fr,zgh,en}',
  time_zone text NOT NULL DEFAULT 'Africa/Casablanca',
  boundary geometry(MultiPolygon, 4326),
  census jsonb NOT NULL DEFAULT '{}',
  attribution text NOT NULL DEFAULT '',
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commune_boundary_idx ON platform.commune USING gist (boundary);
GRANT SELECT ON platform.commune TO madina_app;

CREATE TABLE platform.commune_host (
  host text PRIMARY KEY CHECK (host = lower(host)),
  commune_id uuid NOT NULL REFERENCES platform.commune (id) ON DELETE CASCADE
);
GRANT SELECT ON platform.commune_host TO madina_app;

CREATE TABLE platform.department (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object'),
  parent_id uuid,
  -- Materialized path '/<root id>/…/<id>/': a subtree is every path with this prefix.
  path text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code),
  FOREIGN KEY (commune_id, parent_id) REFERENCES platform.department (commune_id, id)
);
CREATE INDEX department_path_idx ON platform.department (commune_id, path text_pattern_ops);
SELECT platform.enable_tenancy('platform.department');

CREATE TABLE platform.user_account (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer')),
  department_id uuid,
  locale text CHECK (locale IN ('ar', 'fr', 'zgh', 'en')),
  active boolean NOT NULL DEFAULT true,
  is_demo boolean NOT NULL DEFAULT false,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, email),
  FOREIGN KEY (commune_id, department_id) REFERENCES platform.department (commune_id, id)
);
SELECT platform.enable_tenancy('platform.user_account');

CREATE TABLE platform.session (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token_hash bytea NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  user_id uuid NOT NULL,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, user_id) REFERENCES platform.user_account (commune_id, id) ON DELETE CASCADE
);
CREATE INDEX session_expires_idx ON platform.session (expires_at);
SELECT platform.enable_tenancy('platform.session');

CREATE TABLE platform.login_attempt (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  email text NOT NULL,
  ip text,
  succeeded boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id)
);
CREATE INDEX login_attempt_email_idx ON platform.login_attempt (commune_id, email, at);
SELECT platform.enable_tenancy('platform.login_attempt');

CREATE TABLE platform.api_key (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  prefix text NOT NULL UNIQUE,
  secret_hash bytea NOT NULL,
  permissions text[] NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (commune_id, id)
);
SELECT platform.enable_tenancy('platform.api_key');

-- Append-only: the application role may only read and insert, and triggers refuse UPDATE,
-- DELETE and TRUNCATE to everyone, the owner and superusers included.
CREATE TABLE platform.audit_event (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'cli')),
  actor_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text,
  ip text,
  PRIMARY KEY (commune_id, id)
);
CREATE INDEX audit_event_at_idx ON platform.audit_event (commune_id, at DESC);
CREATE INDEX audit_event_entity_idx ON platform.audit_event (commune_id, entity_type, entity_id);
ALTER TABLE platform.audit_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.audit_event
  USING (commune_id = platform.current_commune()) WITH CHECK (commune_id = platform.current_commune());
GRANT SELECT, INSERT ON platform.audit_event TO madina_app;

CREATE FUNCTION platform.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON platform.audit_event
  FOR EACH ROW EXECUTE FUNCTION platform.refuse_audit_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON platform.audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION platform.refuse_audit_change();

-- Work queued for any instance to pick up (FOR UPDATE SKIP LOCKED): runs once, survives crashes.
CREATE TABLE platform.job (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  commune_id uuid REFERENCES platform.commune (id),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  dedupe_key text UNIQUE,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX job_ready_idx ON platform.job (run_at) WHERE state IN ('queued', 'running');
-- ON CONFLICT (dedupe_key) DO NOTHING needs to read the arbiter column.
GRANT INSERT, SELECT (dedupe_key) ON platform.job TO madina_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA platform TO madina_app;
