// Store polling, snapshot builds and hand-off to workers.
#include "server/snapshot_feed.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "server/worker.h"
#include "zones/compile.h"
#include "zones/log.h"
#include "zones/migrate.h"
#include "zones/store.h"

namespace server {

zones::Result<SnapshotFeed> SnapshotFeed::open(const std::string& db_path) {
  if (!std::filesystem::exists(db_path))
    return zones::fail(
        zones::ErrorCode::kNotFound, "--db",
        "no store at " + db_path + "; create one with: gslbadm --db " + db_path + " init");
  auto db = zones::Db::open(db_path, {zones::OpenMode::kExisting});
  if (!db) return std::unexpected(db.error());
  if (auto migrated = zones::migrate(*db); !migrated) return std::unexpected(migrated.error());
  return SnapshotFeed(std::move(*db));
}

zones::Result<zones::SnapshotPtr> SnapshotFeed::build() {
  const auto started = std::chrono::steady_clock::now();
  // Read the version first: a write landing during the build bumps it again
  // and the next poll rebuilds, so no change is ever missed.
  auto version = db_.query_int("PRAGMA data_version");
  if (!version) return std::unexpected(version.error());
  data_version_ = *version;
  zones::Store store(db_);
  auto zones = store.load_zones();  // one read transaction: a consistent view
  if (!zones) return std::unexpected(zones.error());
  auto snap = zones::compile_snapshot(*zones, next_generation_);
  if (!snap) return std::unexpected(snap.error());
  ++next_generation_;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  zones::log_event(zones::LogLevel::kInfo, "snapshot_loaded",
                   {{"generation", std::to_string((*snap)->generation)},
                    {"zones", std::to_string((*snap)->zones.size())},
                    {"records", std::to_string((*snap)->record_count)},
                    {"ms", std::to_string(ms)}});
  return snap;
}

zones::Result<zones::SnapshotPtr> SnapshotFeed::build_initial() {
  auto snap = build();
  if (snap) current_ = *snap;
  return snap;
}

bool SnapshotFeed::poll(const std::vector<Worker*>& workers) {
  retire_unused(workers);
  auto version = db_.query_int("PRAGMA data_version");
  if (version && *version == data_version_) return true;
  auto snap = build();
  if (!snap) {
    const std::string error = snap.error().text();
    const std::string serving = std::to_string(generation());
    zones::log_event(zones::LogLevel::kError, "snapshot_build_failed",
                     {{"error", error}, {"serving_generation", serving}});
    return false;
  }
  retired_.push_back(std::move(current_));
  current_ = *snap;
  for (Worker* w : workers) w->publish(current_);
  return true;
}

void SnapshotFeed::retire_unused(const std::vector<Worker*>& workers) {
  uint64_t oldest_served = generation();
  for (const Worker* w : workers) oldest_served = std::min(oldest_served, w->serving_generation());
  std::erase_if(retired_,
                [&](const zones::SnapshotPtr& s) { return s->generation < oldest_served; });
}

}  // namespace server
