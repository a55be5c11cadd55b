-- 0002: what the GSLB configuration needs beyond 0001.

-- Networks whose clients are placed in a region, overriding the MaxMind DB: for one service,
-- or for all (service_id NULL). `position` keeps the operator's order.
CREATE TABLE cidr_override (
  id         INTEGER PRIMARY KEY,
  service_id INTEGER REFERENCES service (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  network    TEXT    NOT NULL,
  region_id  INTEGER NOT NULL REFERENCES region (id) ON DELETE RESTRICT
) STRICT;
CREATE UNIQUE INDEX cidr_override_by_network ON cidr_override (ifnull(service_id, 0), network);

-- Latency policy: pools reporting more load than this shed traffic.
ALTER TABLE service ADD COLUMN load_threshold REAL NOT NULL DEFAULT 0.9
  CHECK (load_threshold BETWEEN 0 AND 1);

-- A member's optional label for output, and the operator's order of members and links.
ALTER TABLE member ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE member ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_pool ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
