-- Request counters for fixed-window rate limits, shared by every app instance. A key names what
-- is limited and for whom (e.g. 'reports.create:<commune id>:<ip>'), so no commune RLS applies:
-- the application never lists this table, it only counts. UNLOGGED: counters are worth no WAL
-- (and no replica); after a crash they restart from zero, which merely forgives a few requests.
CREATE UNLOGGED TABLE platform.rate_limit (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL DEFAULT 1,
  PRIMARY KEY (key, window_start)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.rate_limit TO madina_app;
