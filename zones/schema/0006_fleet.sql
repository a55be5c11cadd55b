-- Fleet mode (docs/fleet.md): a store kept by a syncer from etcd has this one row; its
-- configuration is etcd's, so gslbadm refuses to write it directly. What the syncer last
-- applied, and when it last heard from etcd, for status pages, metrics and freshness.
CREATE TABLE fleet_state (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  prefix           TEXT    NOT NULL,
  applied_revision INTEGER NOT NULL DEFAULT 0,  -- etcd revision of the last batch applied
  config_revision  INTEGER NOT NULL DEFAULT 0,  -- mod_revision of the write marker applied
  applied_at_ms    INTEGER NOT NULL DEFAULT 0,
  contact_at_ms    INTEGER NOT NULL DEFAULT 0,  -- last successful exchange with etcd
  endpoint         TEXT    NOT NULL DEFAULT '',
  error            TEXT    NOT NULL DEFAULT ''  -- why the last sync step failed, if it did
) STRICT;
