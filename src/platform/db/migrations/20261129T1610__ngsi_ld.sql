-- NGSI-LD context subscriptions (src/platform/ngsi-ld): what a context consumer asked to be told
-- of. Each matching change queues one notification job (platform.job, kind ngsi_ld.notify) in the
-- transaction that stored the change, with a dedupe key per subscription, entity and observation:
-- a change is notified once even when its reading is delivered again after a crash.
CREATE TABLE platform.ngsi_subscription (
  commune_id uuid NOT NULL REFERENCES platform.commune (id),
  -- urn:ngsi-ld:Subscription:<uuid>, or the id the client chose (a URI).
  id text NOT NULL CHECK (length(id) BETWEEN 3 AND 256),
  subscription_name text CHECK (length(subscription_name) <= 200),
  description text CHECK (length(description) <= 1000),
  -- [{type, id?, idPattern?}] (short type names)
  entities jsonb NOT NULL CHECK (jsonb_typeof(entities) = 'array'),
  -- Empty: every attribute.
  watched_attributes text[] NOT NULL DEFAULT '{}',
  q text CHECK (length(q) <= 2000),
  -- The attributes each notification carries (empty: all) and their format.
  notification_attributes text[] NOT NULL DEFAULT '{}',
  notification_format text NOT NULL DEFAULT 'normalized' CHECK (notification_format IN ('normalized', 'keyValues')),
  endpoint_uri text NOT NULL CHECK (endpoint_uri ~ '^(https?|mqtts?)://' AND length(endpoint_uri) <= 2000),
  endpoint_accept text NOT NULL DEFAULT 'application/json' CHECK (endpoint_accept IN ('application/json', 'application/ld+json')),
  -- Seconds that must pass between two notifications (0: none).
  throttling integer NOT NULL DEFAULT 0 CHECK (throttling BETWEEN 0 AND 86400),
  expires_at timestamptz,
  is_active boolean NOT NULL DEFAULT true,
  times_sent integer NOT NULL DEFAULT 0,
  times_failed integer NOT NULL DEFAULT 0,
  last_notification timestamptz,
  last_success timestamptz,
  last_failure timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  modified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, id)
);
SELECT platform.enable_tenancy('platform.ngsi_subscription');
