// The control thread's side of snapshots: notice store changes (PRAGMA
// data_version, cheap), compile a new snapshot aside, hand it to every
// worker, and free old ones only once no worker serves them. A failed build
// keeps the last good snapshot serving and reports the error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zones/db.h"
#include "zones/result.h"
#include "zones/snapshot.h"

namespace server {

class Worker;

class SnapshotFeed {
 public:
  // Opens the store (it must exist), migrating an older schema.
  static zones::Result<SnapshotFeed> open(const std::string& db_path);

  // Builds the first snapshot; gslbd refuses to start without one.
  zones::Result<zones::SnapshotPtr> build_initial();

  // Called every poll interval: rebuilds and publishes when the store
  // changed. Returns false when a build failed (the error is logged).
  bool poll(const std::vector<Worker*>& workers);

  uint64_t generation() const { return current_ ? current_->generation : 0; }

 private:
  explicit SnapshotFeed(zones::Db db) : db_(std::move(db)) {}
  zones::Result<zones::SnapshotPtr> build();
  void retire_unused(const std::vector<Worker*>& workers);

  zones::Db db_;
  int64_t data_version_ = -1;
  uint64_t next_generation_ = 1;
  zones::SnapshotPtr current_;
  std::vector<zones::SnapshotPtr> retired_;  // still possibly served by a worker
};

}  // namespace server
