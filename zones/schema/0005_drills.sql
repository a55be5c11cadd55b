-- 0005: failover drills as zones/drills.h runs them. 0001's drill table was a sketch that no
-- program ever wrote (scheduled drills, a state column that can go stale, no end reason), so
-- it is replaced rather than altered. Dropping it drops its 0003 triggers too.
DROP TABLE drill;

CREATE TABLE drill (
  id            INTEGER PRIMARY KEY,
  target_kind   TEXT    NOT NULL CHECK (target_kind IN ('region', 'pool', 'member')),
  -- A region or pool name, or "POOL/ADDRESS": by name, so the drill and its report outlive
  -- the object.
  target        TEXT    NOT NULL,
  action        TEXT    NOT NULL CHECK (action IN ('fail', 'drain')),
  note          TEXT    NOT NULL DEFAULT '',
  created_by    TEXT    NOT NULL,
  started_at_ms INTEGER NOT NULL,
  ends_at_ms    INTEGER NOT NULL CHECK (ends_at_ms > started_at_ms),
  -- NULL while running. An expired drill ends at ends_at_ms, whenever it was closed.
  ended_at_ms   INTEGER CHECK (ended_at_ms BETWEEN started_at_ms AND ends_at_ms),
  end_reason    TEXT    CHECK (end_reason IN ('expired', 'aborted')),
  report        TEXT,  -- JSON, written by gslbd while the drill runs and after
  CHECK ((ended_at_ms IS NULL) = (end_reason IS NULL))
) STRICT;

-- Drills not yet closed, by end time: running(), next_end_ms() and close_expired().
CREATE INDEX drill_open_by_end ON drill (ends_at_ms) WHERE ended_at_ms IS NULL;

-- A drill changes what gslbd compiles, so starting, ending or deleting one bumps the version
-- like any configuration write. Writing its report does not: gslbd rewrites the report
-- while the drill runs and must not rebuild its snapshot each time.
CREATE TRIGGER drill_insert_bumps_config AFTER INSERT ON drill
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER drill_update_bumps_config
  AFTER UPDATE OF target_kind, target, action, started_at_ms, ends_at_ms, ended_at_ms ON drill
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER drill_delete_bumps_config AFTER DELETE ON drill
  BEGIN UPDATE config_version SET version = version + 1; END;
