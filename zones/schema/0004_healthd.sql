-- 0004: what gslb-healthd needs: the rest of a monitor's knobs, a service's treatment of
-- members nobody reports on, and vantage heartbeats.

ALTER TABLE monitor ADD COLUMN method TEXT NOT NULL DEFAULT 'GET' CHECK (method IN ('GET', 'HEAD'));
ALTER TABLE monitor ADD COLUMN tls_verify INTEGER NOT NULL DEFAULT 1 CHECK (tls_verify IN (0, 1));
ALTER TABLE monitor ADD COLUMN ca_file TEXT;
ALTER TABLE monitor ADD COLUMN follow_redirects INTEGER NOT NULL DEFAULT 0
  CHECK (follow_redirects IN (0, 1));
ALTER TABLE monitor ADD COLUMN load_header TEXT;
ALTER TABLE monitor ADD COLUMN query_name TEXT;
ALTER TABLE monitor ADD COLUMN query_type TEXT NOT NULL DEFAULT 'A';
ALTER TABLE monitor ADD COLUMN expect_rcode TEXT NOT NULL DEFAULT 'NOERROR';
ALTER TABLE monitor ADD COLUMN expect_answer INTEGER NOT NULL DEFAULT 1
  CHECK (expect_answer IN (0, 1));
ALTER TABLE monitor ADD COLUMN jitter_ms INTEGER CHECK (jitter_ms >= 0);
ALTER TABLE monitor ADD COLUMN max_concurrent INTEGER NOT NULL DEFAULT 0
  CHECK (max_concurrent >= 0);

ALTER TABLE service ADD COLUMN when_unknown TEXT NOT NULL DEFAULT 'up'
  CHECK (when_unknown IN ('up', 'down'));

-- A health daemon's heartbeat, written with its health rows (never bumps config_version):
-- while it beats, the vantage's rows stand as current.
CREATE TABLE vantage (
  name       TEXT    PRIMARY KEY,
  seen_at    INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  version    TEXT    NOT NULL DEFAULT ''
) STRICT;

-- HTTP-only fields on tcp/dns monitors never meant anything, and validation now refuses them
-- there; reset them so that a store written by an older gslb stays editable.
UPDATE monitor SET path = '/', expect_status = '[200]', expect_body = NULL, load_field = NULL
  WHERE type IN ('tcp', 'dns');
