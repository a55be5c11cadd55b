// A node's syncer: one thread that keeps the node's SQLite store a copy of what etcd holds
// under the prefix. It reads everything at a revision R (a full range), applies it in one
// transaction, then watches from R + 1 and applies each watch message in one transaction
// (SyncApplier). Every `contact_interval_ms` it reads the write marker (a linearizable read,
// so it needs etcd's quorum): success means etcd is reachable and live vantages' reports
// stay fresh; failure, a broken or compacted watch, or a marker newer than what the watch
// delivered, means start again from a full range (against the next endpoint when one is
// down). gslbd and gslb-healthd go on reading the store as they always do: the syncer is
// the only writer of its configuration, and gslbd never waits for it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "admin/fleet/etcd_client.h"
#include "zones/result.h"

namespace admin::fleet {

struct SyncerOptions {
  EtcdSettings etcd;
  std::string prefix = "/gslb/";
  std::string db_path;
  bool import_health = true;  // gslbd: yes; a vantage's own store: configuration only
  // Each successful contact refreshes the live vantages' heartbeats: well within the
  // 3-interval staleness of the shortest monitors (500 ms intervals go stale after 1.5 s).
  int contact_interval_ms = 500;
};

struct SyncStatus {
  bool connected = false;  // the last exchange with etcd succeeded
  bool seeded = false;     // etcd holds a configuration (the write marker exists)
  std::string endpoint;
  int64_t applied_revision = 0;
  int64_t config_revision = 0;
  int64_t applied_at_ms = 0;
  int64_t contact_at_ms = 0;  // 0: never
  std::string error;          // the last problem, "" while all is well
  uint64_t resyncs = 0, failures = 0;
  std::vector<std::string> vantages;  // live vantages (with a lease), sorted
};

class Syncer {
 public:
  // Opens the store (it must exist and be migrated), checks its prefix and starts the thread.
  static zones::Result<std::unique_ptr<Syncer>> start(const SyncerOptions& options);
  ~Syncer();
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  void stop();
  SyncStatus status() const;
  // Waits until the configuration at marker revision `revision` (or later) is applied;
  // false after `timeout_ms`.
  bool wait_for_config(int64_t revision, int timeout_ms) const;
  // Waits until a first exchange with etcd (successful or not) has happened.
  void wait_first_attempt(int timeout_ms) const;
  // Called (on the syncer's thread) after each batch is applied to the store, so gslbd
  // rebuilds at once instead of at its next poll; empty to stop. Must not block.
  void set_on_applied(std::function<void()> callback);

 private:
  struct Impl;
  explicit Syncer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace admin::fleet
