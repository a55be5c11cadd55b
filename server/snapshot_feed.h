// The control thread's side of snapshots: notice store changes (PRAGMA
// data_version, cheap), then either rebuild (the configuration changed:
// config_version moved) or only read new health rows into the current
// snapshot's health atomics. New snapshots are compiled aside, get the
// current health before anyone sees them, and go to every worker; old ones
// are freed only once no worker serves them. A failed build keeps the last
// good snapshot serving and reports the error.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/feed_status.h"
#include "server/health_view.h"
#include "zones/clock.h"
#include "zones/db.h"
#include "zones/drills.h"
#include "zones/result.h"
#include "zones/snapshot.h"

namespace server {

class Worker;

// Reads zones and GSLB configuration from the store, overlays the drills
// running at `now_ms` (zones::apply_drills) and compiles them (health not
// applied). What gslbd serves, and what `gslbadm explain` answers from.
// `running`, when given, receives the drills that were overlaid.
zones::Result<zones::SnapshotPtr> load_snapshot(zones::Db& db, uint64_t generation,
                                                int64_t now_ms = zones::unix_ms(),
                                                std::vector<zones::Drill>* running = nullptr);

class SnapshotFeed {
 public:
  // Opens the store (it must exist), migrating an older schema. `quorum`
  // combines several vantages' reports on a member (health_view.h).
  static zones::Result<SnapshotFeed> open(const std::string& db_path, Quorum quorum = {});

  // Builds the first snapshot; gslbd refuses to start without one.
  zones::Result<zones::SnapshotPtr> build_initial();

  // Called every poll interval: rebuilds and publishes when the store
  // changed or a running drill reached its end time (it is closed in the
  // store first). Returns false when a build failed (the error is logged).
  bool poll(const std::vector<Worker*>& workers);

  // Where the feed copies its status after every poll that changed
  // something (the admin API's /v1/status and /metrics read it). Optional.
  void set_status_board(FeedStatusBoard* board) { board_ = board; }
  // Called right before a rebuilt snapshot goes to the workers, while they
  // still answer from the old one (the drill watch takes its last counts of
  // drills the new snapshot may drop). Optional.
  void set_before_publish(std::function<void()> hook) { before_publish_ = std::move(hook); }
  // Asked with every health refresh (at least every 250 ms): whether this node's data may be
  // stale at `now_ms` (a fleet node cut off from etcd); answers then carry degraded TTLs
  // (zones::ServiceTable::stale_data). Optional.
  void set_stale_data_check(std::function<bool(int64_t now_ms)> check) {
    stale_data_check_ = std::move(check);
  }
  // The drills overlaid on the serving snapshot, and whether the last poll
  // published a new snapshot (the drill watch learns when drills go live).
  const std::vector<zones::Drill>& live_drills() const { return live_drills_; }
  bool published_last_poll() const { return published_; }
  zones::Db& db() { return db_; }

  uint64_t generation() const { return current_ ? current_->generation : 0; }
  // Member state counts and report ages as of the last health apply (metrics).
  const HealthSummary& health_summary() const { return health_.summary(); }

 private:
  SnapshotFeed(zones::Db db, Quorum quorum) : db_(std::move(db)), health_(quorum) {}
  zones::Result<zones::SnapshotPtr> build();
  void refresh_health(bool force);
  void retire_unused(const std::vector<Worker*>& workers);
  void close_expired_drills(int64_t now_ms);
  bool refresh_and_publish();
  void publish_status();

  zones::Db db_;
  int64_t data_version_ = -1;
  int64_t config_version_ = -1;
  HealthView health_;
  int64_t health_applied_ms_ = 0;
  uint64_t next_generation_ = 1;
  zones::SnapshotPtr current_;
  zones::SnapshotPtr current_health_target_;  // the newest built snapshot
  std::vector<zones::SnapshotPtr> retired_;   // still possibly served by a worker
  std::vector<zones::Drill> live_drills_;     // overlaid on current_
  std::vector<zones::Drill> built_drills_;    // overlaid on current_health_target_
  std::optional<int64_t> next_drill_end_ms_;  // rebuild then: the drill ends by itself
  bool published_ = false;
  FeedStatusBoard* board_ = nullptr;
  std::function<void()> before_publish_;
  std::function<bool(int64_t)> stale_data_check_;
  FeedStatus status_;
};

}  // namespace server
