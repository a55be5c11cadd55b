// The syncer's store side: applies what etcd holds (a full range, or one watch message) to
// the node's SQLite store, each in one transaction that also records the revision applied,
// so the store never holds half a batch. Configuration objects are kept in memory as well
// (the whole set is what a change is materialized from); health reports go to the health
// table as the vantage's rows; live vantages get a heartbeat whenever etcd was reached, so
// that a node cut off from etcd sees every report go stale.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "admin/fleet/etcd_client.h"
#include "admin/fleet/fleet_objects.h"
#include "admin/fleet/fleet_state.h"
#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/result.h"

namespace admin::fleet {

// (pool, address) of every member in the store.
using MemberSet = std::set<std::pair<std::string, std::string>>;

class SyncApplier {
 public:
  // `db` is the node's store (migrated); `prefix` canonical. Without `import_health` (a
  // vantage's own store) health reports and heartbeats are not written.
  SyncApplier(zones::Db db, std::string prefix, bool import_health);

  // Reads the stored fleet_state (or starts one for `prefix`); refuses a store that was
  // synced from another prefix.
  zones::Result<void> open();

  // Replaces everything with `range` (every key under the prefix at one revision).
  zones::Result<void> resync(const RangeResult& range, int64_t now_ms, const std::string& endpoint);
  // Applies one watch message's events.
  zones::Result<void> apply(const WatchMessage& message, int64_t now_ms);
  // etcd answered at `now_ms`: live vantages beat, the contact time is stored.
  zones::Result<void> contact(int64_t now_ms, const std::string& endpoint);
  // Records why the last step failed (kept until a step succeeds).
  void failed(const std::string& error);

  const FleetState& state() const { return state_; }
  // Whether etcd holds a configuration (the write marker exists): until then the store's
  // own configuration is left as it is.
  bool seeded() const { return marker_revision_ > 0; }
  int64_t marker_revision() const { return marker_revision_; }
  const std::map<std::string, zones::Vantage>& vantages() const { return vantages_; }

 private:
  struct Batch {
    bool config_changed = false;
    std::vector<zones::HealthRow> reports;
    std::set<std::string> vantages_started;
  };

  void take(const KeyValue& kv, bool deleted, int64_t now_ms, Batch& batch);
  zones::Result<void> write(Batch& batch, int64_t revision, int64_t now_ms, std::string_view actor);
  zones::Result<void> write_reports(std::vector<zones::HealthRow>& reports);
  zones::Result<void> beat(const std::string& vantage, int64_t now_ms);
  // Stores `next` as the fleet_state row, commits `tx`, and adopts `next`.
  zones::Result<void> commit(zones::Transaction& tx, const FleetState& next);

  zones::Db db_;
  std::string prefix_;
  bool import_health_;
  Objects objects_;
  int64_t marker_revision_ = 0;
  std::string marker_by_;
  std::map<std::string, zones::Vantage> vantages_;
  std::string config_problem_;        // why etcd's configuration is not applied, until it is
  std::optional<MemberSet> members_;  // cached for health imports; reset by config changes
  FleetState state_;
};

}  // namespace admin::fleet
