// The fleet_state row (see fleet_state.h).
#include "admin/fleet/fleet_state.h"

namespace admin::fleet {

zones::Result<std::optional<FleetState>> read_fleet_state(zones::Db& db) {
  auto stmt = db.prepare(
      "SELECT prefix, applied_revision, config_revision, applied_at_ms, contact_at_ms, endpoint, "
      "error FROM fleet_state WHERE id = 1");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<FleetState>{};
  FleetState state;
  state.prefix = stmt->text_at(0);
  state.applied_revision = stmt->int_at(1);
  state.config_revision = stmt->int_at(2);
  state.applied_at_ms = stmt->int_at(3);
  state.contact_at_ms = stmt->int_at(4);
  state.endpoint = stmt->text_at(5);
  state.error = stmt->text_at(6);
  return state;
}

zones::Result<void> write_fleet_state(zones::Db& db, const FleetState& state) {
  // One row (id 1): replacing it whole is its update.
  auto stmt = db.prepare(
      "INSERT OR REPLACE INTO fleet_state (id, prefix, applied_revision, config_revision, "
      "applied_at_ms, contact_at_ms, endpoint, error) VALUES (1, :prefix, :applied, :config, "
      ":applied_at, :contact, :endpoint, :error)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":prefix", state.prefix)
      .bind(":applied", state.applied_revision)
      .bind(":config", state.config_revision)
      .bind(":applied_at", state.applied_at_ms)
      .bind(":contact", state.contact_at_ms)
      .bind(":endpoint", state.endpoint)
      .bind(":error", state.error);
  return stmt->run();
}

zones::Result<void> refuse_if_replica(zones::Db& db) {
  auto state = read_fleet_state(db);
  if (!state) return std::unexpected(state.error());
  if (!*state) return {};
  return zones::fail(zones::ErrorCode::kConflict, db.path(),
                     "this store is a fleet node's copy of etcd (prefix " + (*state)->prefix +
                         "): write through a node's admin API (gslbadm --api URL), not the "
                         "store itself");
}

}  // namespace admin::fleet
