// What the control thread knows about the snapshots it builds, copied out
// for other threads (the admin API's status and metrics run on HTTP
// threads): the serving generation, when it was built, reload outcomes and
// the health summary. SnapshotFeed publishes a copy after every poll that
// changed something; readers take a copy under a mutex (never per query).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "server/health_view.h"
#include "zones/snapshot.h"

namespace server {

struct FeedStatus {
  uint64_t generation = 0;       // the snapshot being served
  int64_t built_at_ms = 0;       // unix ms when it was built
  int64_t config_version = 0;    // the store's config_version it was built from
  uint64_t reloads_ok = 0;       // rebuilds that succeeded (the first build counts)
  uint64_t reloads_failed = 0;   // rebuilds that failed (the last good snapshot kept serving)
  std::string last_error;        // the last failed rebuild's error; empty when none yet
  int64_t last_error_at_ms = 0;  // unix ms of that failure
  size_t zones = 0;              // zones in the serving snapshot
  size_t services = 0;           // services in the serving snapshot
  HealthSummary health;          // as of the last health apply
  size_t drills_active = 0;      // drills overlaid on the serving snapshot
  zones::SnapshotPtr snapshot;   // the serving snapshot (member states for metrics)
};

// A FeedStatus shared between the control thread (writer) and readers.
class FeedStatusBoard {
 public:
  void publish(const FeedStatus& status) {
    std::lock_guard lock(mutex_);
    status_ = status;
  }
  FeedStatus read() const {
    std::lock_guard lock(mutex_);
    return status_;
  }

 private:
  mutable std::mutex mutex_;
  FeedStatus status_;
};

}  // namespace server
