// The fleet_state row of a store kept by a syncer (zones/schema/0006_fleet.sql): present
// only in fleet mode, so its presence is what marks a store as a replica of etcd.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "zones/db.h"
#include "zones/result.h"

namespace admin::fleet {

struct FleetState {
  std::string prefix;
  int64_t applied_revision = 0;
  int64_t config_revision = 0;
  int64_t applied_at_ms = 0;
  int64_t contact_at_ms = 0;
  std::string endpoint;
  std::string error;
};

zones::Result<std::optional<FleetState>> read_fleet_state(zones::Db& db);
zones::Result<void> write_fleet_state(zones::Db& db, const FleetState& state);

// kConflict naming the prefix when `db` is kept by a syncer: its configuration is written
// through etcd (the admin API of a node), never directly.
zones::Result<void> refuse_if_replica(zones::Db& db);

}  // namespace admin::fleet
