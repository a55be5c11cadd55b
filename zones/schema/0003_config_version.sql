-- 0003: a counter that every configuration write bumps (by trigger, so no writer can forget),
-- and that health writes do not. gslbd polls it to rebuild its snapshot only when the
-- configuration changed; health rows reach the selector without a rebuild.
CREATE TABLE config_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE TRIGGER zone_insert_bumps_config AFTER INSERT ON zone
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER zone_update_bumps_config AFTER UPDATE ON zone
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER zone_delete_bumps_config AFTER DELETE ON zone
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER record_insert_bumps_config AFTER INSERT ON record
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER record_update_bumps_config AFTER UPDATE ON record
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER record_delete_bumps_config AFTER DELETE ON record
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER region_insert_bumps_config AFTER INSERT ON region
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER region_update_bumps_config AFTER UPDATE ON region
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER region_delete_bumps_config AFTER DELETE ON region
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER monitor_insert_bumps_config AFTER INSERT ON monitor
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER monitor_update_bumps_config AFTER UPDATE ON monitor
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER monitor_delete_bumps_config AFTER DELETE ON monitor
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER pool_insert_bumps_config AFTER INSERT ON pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER pool_update_bumps_config AFTER UPDATE ON pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER pool_delete_bumps_config AFTER DELETE ON pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER member_insert_bumps_config AFTER INSERT ON member
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER member_update_bumps_config AFTER UPDATE ON member
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER member_delete_bumps_config AFTER DELETE ON member
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER service_insert_bumps_config AFTER INSERT ON service
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER service_update_bumps_config AFTER UPDATE ON service
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER service_delete_bumps_config AFTER DELETE ON service
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER service_pool_insert_bumps_config AFTER INSERT ON service_pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER service_pool_update_bumps_config AFTER UPDATE ON service_pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER service_pool_delete_bumps_config AFTER DELETE ON service_pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER geo_map_insert_bumps_config AFTER INSERT ON geo_map
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER geo_map_update_bumps_config AFTER UPDATE ON geo_map
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER geo_map_delete_bumps_config AFTER DELETE ON geo_map
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER geo_map_pool_insert_bumps_config AFTER INSERT ON geo_map_pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER geo_map_pool_update_bumps_config AFTER UPDATE ON geo_map_pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER geo_map_pool_delete_bumps_config AFTER DELETE ON geo_map_pool
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER cidr_override_insert_bumps_config AFTER INSERT ON cidr_override
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER cidr_override_update_bumps_config AFTER UPDATE ON cidr_override
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER cidr_override_delete_bumps_config AFTER DELETE ON cidr_override
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER drill_insert_bumps_config AFTER INSERT ON drill
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER drill_update_bumps_config AFTER UPDATE ON drill
  BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER drill_delete_bumps_config AFTER DELETE ON drill
  BEGIN UPDATE config_version SET version = version + 1; END;
