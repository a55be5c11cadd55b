// The control thread's side of snapshots: notice store changes (PRAGMA
// data_version, cheap), then either rebuild (the configuration changed:
// config_version moved) or only read new health rows into the current
// snapshot's health atomics. New snapshots are compiled aside, get the
// current health before anyone sees them, and go to every worker; old ones
// are freed only once no worker serves them. A failed build keeps the last
// good snapshot serving and reports the error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/health_view.h"
#include "zones/db.h"
#include "zones/result.h"
#include "zones/snapshot.h"

namespace server {

class Worker;

// Reads zones and GSLB configuration from the store and compiles them (health
// not applied). What gslbd serves, and what `gslbadm explain` answers from.
zones::Result<zones::SnapshotPtr> load_snapshot(zones::Db& db, uint64_t generation);

class SnapshotFeed {
 public:
  // Opens the store (it must exist), migrating an older schema. `quorum`
  // combines several vantages' reports on a member (health_view.h).
  static zones::Result<SnapshotFeed> open(const std::string& db_path, Quorum quorum = {});

  // Builds the first snapshot; gslbd refuses to start without one.
  zones::Result<zones::SnapshotPtr> build_initial();

  // Called every poll interval: rebuilds and publishes when the store
  // changed. Returns false when a build failed (the error is logged).
  bool poll(const std::vector<Worker*>& workers);

  uint64_t generation() const { return current_ ? current_->generation : 0; }
  // Member state counts and report ages as of the last health apply (metrics).
  const HealthSummary& health_summary() const { return health_.summary(); }

 private:
  SnapshotFeed(zones::Db db, Quorum quorum) : db_(std::move(db)), health_(quorum) {}
  zones::Result<zones::SnapshotPtr> build();
  void refresh_health(bool force);
  void retire_unused(const std::vector<Worker*>& workers);

  zones::Db db_;
  int64_t data_version_ = -1;
  int64_t config_version_ = -1;
  HealthView health_;
  int64_t health_applied_ms_ = 0;
  uint64_t next_generation_ = 1;
  zones::SnapshotPtr current_;
  zones::SnapshotPtr current_health_target_;  // the newest built snapshot
  std::vector<zones::SnapshotPtr> retired_;   // still possibly served by a worker
};

}  // namespace server
