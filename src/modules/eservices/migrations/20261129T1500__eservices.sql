-- Administrative e-services (Law 55.19 and, for communes, Decree 2.22.141): the commune's
-- procedure catalog (fiches), citizens' requests with their legal clocks, attachments, history,
-- issued documents signed with the commune's Ed25519 key, and the commune's settings (the
-- interpretations of the law it chose) and holiday adjustments.
CREATE SCHEMA eservices;
GRANT USAGE ON SCHEMA eservices TO madina_app;

-- The choices the law leaves to the commune, one row per commune (defaults when absent); see
-- settings.ts for what each means and which article it reads.
CREATE TABLE eservices.settings (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  completion_days integer NOT NULL DEFAULT 30 CHECK (completion_days BETWEEN 1 AND 90),
  appeal_days integer NOT NULL DEFAULT 30 CHECK (appeal_days BETWEEN 1 AND 90),
  appeal_answer_days integer NOT NULL DEFAULT 15 CHECK (appeal_answer_days BETWEEN 1 AND 90),
  escalation_days integer NOT NULL DEFAULT 10 CHECK (escalation_days BETWEEN 1 AND 90),
  delivery_days integer NOT NULL DEFAULT 7 CHECK (delivery_days BETWEEN 1 AND 90),
  certificate_days integer NOT NULL DEFAULT 10 CHECK (certificate_days BETWEEN 1 AND 90),
  publish_indicators boolean NOT NULL DEFAULT false,
  silence_starts_at text NOT NULL DEFAULT 'complete_file' CHECK (silence_starts_at IN ('complete_file', 'deposit')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id)
);
SELECT platform.enable_tenancy('eservices.settings');

-- An Islamic holiday moved by the commune's admin when the official date (moon sighting)
-- differs from the computed one.
CREATE TABLE eservices.holiday_adjustment (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  holiday text NOT NULL CHECK (holiday ~ '^[a-z][a-z0-9_]{0,39}$'),
  hijri_year integer NOT NULL CHECK (hijri_year BETWEEN 1400 AND 1600),
  date date NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, holiday, hijri_year)
);
SELECT platform.enable_tenancy('eservices.holiday_adjustment');

-- A procedure (fiche, Law 55.19 arts 5–6). The whole definition as the office edits it lives in
-- `definition` (department codes included, as written); the columns beside it are what queries
-- filter, join and search on.
CREATE TABLE eservices.procedure (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  category text NOT NULL,
  receiving_department_id uuid NOT NULL,
  processing_department_id uuid NOT NULL,
  definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
  -- Names, summary and code folded (procedure.ts searchFold): what the portal's search matches.
  name_fold text NOT NULL,
  search_fold text NOT NULL,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, code),
  FOREIGN KEY (commune_id, receiving_department_id) REFERENCES platform.department (commune_id, id),
  FOREIGN KEY (commune_id, processing_department_id) REFERENCES platform.department (commune_id, id)
);
CREATE INDEX procedure_status_idx ON eservices.procedure (commune_id, status, category);
SELECT platform.enable_tenancy('eservices.procedure');

-- Tracking numbers ES-<year>-<n>, one sequence per commune and year.
CREATE TABLE eservices.request_counter (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  year integer NOT NULL,
  last integer NOT NULL,
  PRIMARY KEY (commune_id, year)
);
SELECT platform.enable_tenancy('eservices.request_counter');

CREATE TABLE eservices.request (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number text NOT NULL CHECK (number ~ '^ES-[0-9]{4}-[0-9]{6,9}$'),
  procedure_id uuid NOT NULL,
  -- Copied from the procedure when the request is created: who processes it and who received it
  -- decide which staff may see it, even if the fiche later changes.
  department_id uuid NOT NULL,
  receiving_department_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN (
    'draft', 'incomplete', 'returned', 'submitted', 'under_review', 'needs_completion', 'approved',
    'rejected', 'deemed_approved', 'issued', 'closed', 'appealed', 'appeal_escalated')),
  channel text NOT NULL CHECK (channel IN ('online', 'counter')),
  language text NOT NULL CHECK (language IN ('ar', 'fr', 'zgh', 'en')),
  applicant_name text NOT NULL,
  applicant_email text,
  applicant_phone text,
  -- Answers to the procedure's fields (a CIN only where the procedure has a 'cin' field).
  answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
  -- {fetchedDocumentKey: boolean}: the citizen's consent that the commune obtains it (arts 23–24).
  consents jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(consents) = 'object'),
  -- Keys of the documents replaced by a sworn statement (art 8).
  sworn_statements text[] NOT NULL DEFAULT '{}',
  -- SHA-256 (hex) of the tracking secret; the secret itself is never stored.
  token_hash text NOT NULL,
  -- The deadline the fiche set when the file was deposited (the fiche may change afterwards).
  deadline_days integer,
  deadline_kind text CHECK (deadline_kind IN ('calendar', 'working')),
  silence text CHECK (silence IN ('approval', 'refusal')),
  -- [{key, name}]: frozen at deposit (incomplete) or at the completion request.
  missing_documents jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(missing_documents) = 'array'),
  completion_message text,
  complete_at_deposit boolean,
  deposited_at timestamptz,
  complete_at timestamptz,
  completion_due_at timestamptz,
  deadline_at timestamptz,
  paused_at timestamptz,
  remaining_days integer,
  completion_request_until timestamptz,
  completion_requested boolean NOT NULL DEFAULT false,
  extended_to timestamptz,
  extension_reason text CHECK (extension_reason IN ('technical_study', 'public_inquiry')),
  delivery_due_at timestamptz,
  certificate_requested_at timestamptz,
  certificate_due_at timestamptz,
  appeal_until timestamptz,
  appeal_answer_due_at timestamptz,
  escalation_due_at timestamptz,
  decision_outcome text CHECK (decision_outcome IN ('approved', 'rejected', 'deemed_approved')),
  decision_reasons text,
  decision_at timestamptz,
  appeal_filed_at timestamptz,
  appeal_reason text,
  appeal_status text CHECK (appeal_status IN ('filed', 'escalated', 'answered')),
  appeal_answer text,
  appeal_outcome text CHECK (appeal_outcome IN ('upheld', 'dismissed')),
  appeal_answered_at timestamptz,
  assignee_id uuid,
  created_by uuid,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, number),
  FOREIGN KEY (commune_id, procedure_id) REFERENCES eservices.procedure (commune_id, id),
  FOREIGN KEY (commune_id, department_id) REFERENCES platform.department (commune_id, id),
  FOREIGN KEY (commune_id, receiving_department_id) REFERENCES platform.department (commune_id, id),
  FOREIGN KEY (commune_id, assignee_id) REFERENCES platform.user_account (commune_id, id),
  FOREIGN KEY (commune_id, created_by) REFERENCES platform.user_account (commune_id, id),
  CHECK (decision_outcome <> 'rejected' OR decision_reasons IS NOT NULL)
);
CREATE INDEX request_queue_idx ON eservices.request (commune_id, status, created_at DESC);
CREATE INDEX request_procedure_idx ON eservices.request (commune_id, procedure_id, deposited_at);
-- What the clock job looks for: the open states with a due date.
CREATE INDEX request_completion_due_idx ON eservices.request (completion_due_at) WHERE status = 'incomplete';
CREATE INDEX request_deadline_idx ON eservices.request (deadline_at) WHERE status IN ('submitted', 'under_review');
CREATE INDEX request_appeal_due_idx ON eservices.request (appeal_answer_due_at) WHERE status = 'appealed';
SELECT platform.enable_tenancy('eservices.request');

-- A retried creation (flaky mobile network) with the same Idempotency-Key gets the first answer.
CREATE TABLE eservices.submission_key (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  key text NOT NULL,
  request_hash text NOT NULL,
  request_id uuid NOT NULL,
  -- The tracking secret, kept only here and only for the day a retry may come.
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, key),
  FOREIGN KEY (commune_id, request_id) REFERENCES eservices.request (commune_id, id) ON DELETE CASCADE
);
SELECT platform.enable_tenancy('eservices.submission_key');

CREATE TABLE eservices.attachment (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL,
  -- A citizen document's key, or a 'file' field's key, of the procedure.
  document_key text NOT NULL CHECK (document_key ~ '^[a-z][a-z0-9_]{0,39}$'),
  filename text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size integer NOT NULL CHECK (size > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  file_key text NOT NULL,
  uploaded_by text NOT NULL CHECK (uploaded_by IN ('citizen', 'staff')),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, request_id) REFERENCES eservices.request (commune_id, id) ON DELETE CASCADE
);
CREATE INDEX attachment_request_idx ON eservices.attachment (commune_id, request_id, created_at);
SELECT platform.enable_tenancy('eservices.attachment');

-- A request's history: every status change and citizen or staff action, shown on the tracking
-- page (public rows) and in the office (all rows).
CREATE TABLE eservices.request_event (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  status text NOT NULL,
  action text NOT NULL,
  note text,
  is_public boolean NOT NULL DEFAULT true,
  actor_id uuid,
  actor_label text,
  PRIMARY KEY (commune_id, id),
  FOREIGN KEY (commune_id, request_id) REFERENCES eservices.request (commune_id, id) ON DELETE CASCADE
);
CREATE INDEX request_event_request_idx ON eservices.request_event (commune_id, request_id, at);
SELECT platform.enable_tenancy('eservices.request_event');

-- The commune's Ed25519 keys. Issued documents carry the fingerprint of the key that signed them;
-- a retired key stays listed so older documents still verify.
CREATE TABLE eservices.signing_key (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  fingerprint text NOT NULL,
  public_key_pem text NOT NULL,
  private_key_pem text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  PRIMARY KEY (commune_id, id),
  UNIQUE (commune_id, fingerprint)
);
-- At most one key in use per commune.
CREATE UNIQUE INDEX signing_key_current_idx ON eservices.signing_key (commune_id) WHERE retired_at IS NULL;
SELECT platform.enable_tenancy('eservices.signing_key');

-- An issued document: its signed PDF, its verification code (the QR code's /verify/{code}) and
-- whether the holder chose to show their name on the verification page.
CREATE TABLE eservices.document (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL,
  code text NOT NULL CHECK (code ~ '^[A-Z2-7]{12}$'),
  title jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object'),
  decision jsonb CHECK (decision IS NULL OR jsonb_typeof(decision) = 'object'),
  holder_name text NOT NULL,
  holder_visible boolean NOT NULL,
  file_key text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  key_fingerprint text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  issued_by uuid,
  revoked_at timestamptz,
  revocation_reason text,
  revoked_by uuid,
  PRIMARY KEY (commune_id, id),
  UNIQUE (code),
  FOREIGN KEY (commune_id, request_id) REFERENCES eservices.request (commune_id, id),
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX document_request_idx ON eservices.document (commune_id, request_id);
SELECT platform.enable_tenancy('eservices.document');
