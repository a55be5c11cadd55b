-- 0001: the whole gslb data model (see the design notes, "Data model").
-- Names are stored absolute, lowercase, with the trailing dot. Times are unix milliseconds.

-- A delegated zone: its apex and SOA. The SOA is not a row of `record`, so that bumping the
-- serial is one UPDATE.
CREATE TABLE zone (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  mname       TEXT    NOT NULL,
  rname       TEXT    NOT NULL,
  serial      INTEGER NOT NULL CHECK (serial BETWEEN 0 AND 4294967295),
  refresh     INTEGER NOT NULL CHECK (refresh BETWEEN 0 AND 4294967295),
  retry       INTEGER NOT NULL CHECK (retry BETWEEN 0 AND 4294967295),
  expire      INTEGER NOT NULL CHECK (expire BETWEEN 0 AND 4294967295),
  minimum     INTEGER NOT NULL CHECK (minimum BETWEEN 0 AND 4294967295),
  soa_ttl     INTEGER NOT NULL CHECK (soa_ttl BETWEEN 0 AND 2147483647),
  default_ttl INTEGER NOT NULL CHECK (default_ttl BETWEEN 0 AND 2147483647)
) STRICT;

-- Static records. rdata_wire is the uncompressed RDATA; it makes duplicates detectable
-- whatever spelling the operator used.
CREATE TABLE record (
  id         INTEGER PRIMARY KEY,
  zone_id    INTEGER NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  owner      TEXT    NOT NULL,
  type       INTEGER NOT NULL CHECK (type BETWEEN 1 AND 65535),
  ttl        INTEGER NOT NULL CHECK (ttl BETWEEN 0 AND 2147483647),
  rdata_text TEXT    NOT NULL,
  rdata_wire BLOB    NOT NULL,
  UNIQUE (zone_id, owner, type, rdata_wire)
) STRICT;

CREATE TABLE region (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  latitude  REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  continent TEXT NOT NULL DEFAULT '',
  country   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE monitor (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL UNIQUE,
  type          TEXT    NOT NULL CHECK (type IN ('http', 'https', 'tcp', 'dns')),
  port          INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  path          TEXT    NOT NULL DEFAULT '/',
  host          TEXT    NOT NULL DEFAULT '',
  expect_status TEXT    NOT NULL DEFAULT '[200]',  -- JSON array of status codes
  expect_body   TEXT,
  interval_ms   INTEGER NOT NULL DEFAULT 1000 CHECK (interval_ms > 0),
  timeout_ms    INTEGER NOT NULL DEFAULT 800 CHECK (timeout_ms > 0),
  rise          INTEGER NOT NULL DEFAULT 2 CHECK (rise >= 1),
  fall          INTEGER NOT NULL DEFAULT 2 CHECK (fall >= 1),
  load_field    TEXT
) STRICT;

CREATE TABLE pool (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  region_id   INTEGER NOT NULL REFERENCES region (id) ON DELETE RESTRICT,
  monitor_id  INTEGER REFERENCES monitor (id) ON DELETE RESTRICT,
  min_healthy INTEGER NOT NULL DEFAULT 1 CHECK (min_healthy >= 0),
  admin_state TEXT    NOT NULL DEFAULT 'enabled' CHECK (admin_state IN ('enabled', 'drain', 'fail'))
) STRICT;

CREATE TABLE member (
  id          INTEGER PRIMARY KEY,
  pool_id     INTEGER NOT NULL REFERENCES pool (id) ON DELETE CASCADE,
  address     TEXT    NOT NULL,
  weight      INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
  admin_state TEXT    NOT NULL DEFAULT 'enabled' CHECK (admin_state IN ('enabled', 'drain', 'fail')),
  UNIQUE (pool_id, address)
) STRICT;

-- A GSLB name inside a zone and how its answers are chosen.
CREATE TABLE service (
  id            INTEGER PRIMARY KEY,
  zone_id       INTEGER NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  name          TEXT    NOT NULL UNIQUE,
  policy        TEXT    NOT NULL
                CHECK (policy IN ('failover', 'weighted', 'geo', 'proximity', 'latency', 'all')),
  ttl           INTEGER NOT NULL DEFAULT 30 CHECK (ttl BETWEEN 0 AND 2147483647),
  degraded_ttl  INTEGER NOT NULL DEFAULT 10 CHECK (degraded_ttl BETWEEN 0 AND 2147483647),
  max_answers   INTEGER NOT NULL DEFAULT 1 CHECK (max_answers >= 1),
  when_all_down TEXT    NOT NULL DEFAULT 'fail-open'
                CHECK (when_all_down IN ('fail-open', 'nodata', 'fallback')),
  fallback      TEXT    NOT NULL DEFAULT '[]',  -- JSON array of addresses
  affinity      TEXT    NOT NULL DEFAULT 'none' CHECK (affinity IN ('none', 'subnet')),
  tolerance_ms  INTEGER NOT NULL DEFAULT 20 CHECK (tolerance_ms >= 0)
) STRICT;

CREATE TABLE service_pool (
  service_id INTEGER NOT NULL REFERENCES service (id) ON DELETE CASCADE,
  pool_id    INTEGER NOT NULL REFERENCES pool (id) ON DELETE RESTRICT,
  priority   INTEGER NOT NULL DEFAULT 1,
  weight     INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
  bias       REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (service_id, pool_id)
) STRICT;

-- Geo map of a service: entries in order, each matching 'cidr:..', 'country:..',
-- 'continent:..' or 'default', with an ordered list of pools.
CREATE TABLE geo_map (
  id         INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES service (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  match      TEXT    NOT NULL,
  UNIQUE (service_id, position),
  UNIQUE (service_id, match)
) STRICT;

CREATE TABLE geo_map_pool (
  geo_map_id INTEGER NOT NULL REFERENCES geo_map (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  pool_id    INTEGER NOT NULL REFERENCES pool (id) ON DELETE RESTRICT,
  PRIMARY KEY (geo_map_id, position)
) STRICT;

-- Health per member and vantage point. `seq` grows with every write (max(seq) + 1) so gslbd
-- reads only the rows that changed since it last looked.
CREATE TABLE health (
  member_id   INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,
  vantage     TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('up', 'down', 'unknown')),
  rtt_us      INTEGER,
  rtt_ewma_us INTEGER,
  load        REAL,
  checked_at  INTEGER NOT NULL,
  changed_at  INTEGER NOT NULL,
  reason      TEXT    NOT NULL DEFAULT '',
  seq         INTEGER NOT NULL,
  PRIMARY KEY (member_id, vantage)
) STRICT;
CREATE INDEX health_by_seq ON health (seq);

CREATE TABLE drill (
  id          INTEGER PRIMARY KEY,
  target_kind TEXT    NOT NULL CHECK (target_kind IN ('region', 'pool', 'member')),
  target      TEXT    NOT NULL,  -- by name, so the report outlives the object
  action      TEXT    NOT NULL CHECK (action IN ('fail', 'drain')),
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
  state       TEXT    NOT NULL CHECK (state IN ('scheduled', 'running', 'ended', 'aborted')),
  actor       TEXT    NOT NULL,
  dry_run     INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  report      TEXT    -- JSON
) STRICT;

-- Every change: who did what to which object, with the object before and after (JSON).
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  actor  TEXT    NOT NULL,
  action TEXT    NOT NULL,
  object TEXT    NOT NULL,
  before TEXT,
  after  TEXT
) STRICT;
