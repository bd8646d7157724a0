-- Open311's servicerequestupdates asks for a commune's public updates by time.
CREATE INDEX report_update_time_idx ON reports.report_update (commune_id, created_at) WHERE is_public;
