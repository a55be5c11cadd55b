// Store polling, snapshot builds and hand-off to workers.
#include "server/snapshot_feed.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "server/worker.h"
#include "zones/clock.h"
#include "zones/compile.h"
#include "zones/gslb_store.h"
#include "zones/log.h"
#include "zones/migrate.h"
#include "zones/store.h"

namespace server {

zones::Result<zones::SnapshotPtr> load_snapshot(zones::Db& db, uint64_t generation, int64_t now_ms,
                                                std::vector<zones::Drill>* running) {
  zones::Store store(db);
  auto zones = store.load_zones();  // one read transaction: a consistent view
  if (!zones) return std::unexpected(zones.error());
  zones::GslbStore gslb_store(db);
  auto gslb = gslb_store.load();  // services in a zone deleted in between are left out
  if (!gslb) return std::unexpected(gslb.error());
  // A drill started in between bumps config_version again: the next poll
  // rebuilds with it.
  auto drills = zones::DrillStore(db).running(now_ms);
  if (!drills) return std::unexpected(drills.error());
  zones::apply_drills(*gslb, *drills);
  if (running != nullptr) *running = std::move(*drills);
  return zones::compile_snapshot(*zones, *gslb, generation);
}

zones::Result<SnapshotFeed> SnapshotFeed::open(const std::string& db_path, Quorum quorum) {
  if (!std::filesystem::exists(db_path))
    return zones::fail(
        zones::ErrorCode::kNotFound, "--db",
        "no store at " + db_path + "; create one with: gslbadm --db " + db_path + " init");
  auto db = zones::Db::open(db_path, {zones::OpenMode::kExisting});
  if (!db) return std::unexpected(db.error());
  if (auto migrated = zones::migrate(*db); !migrated) return std::unexpected(migrated.error());
  return SnapshotFeed(std::move(*db), quorum);
}

zones::Result<zones::SnapshotPtr> SnapshotFeed::build() {
  const auto started = std::chrono::steady_clock::now();
  // Read the version first: a write landing during the build bumps it again
  // and the next poll rebuilds, so no change is ever missed.
  auto version = db_.query_int("PRAGMA data_version");
  if (!version) return std::unexpected(version.error());
  data_version_ = *version;
  auto config_version = db_.query_int("SELECT version FROM config_version");
  if (!config_version) return std::unexpected(config_version.error());
  config_version_ = *config_version;
  const int64_t now = zones::unix_ms();
  auto snap = load_snapshot(db_, next_generation_, now, &built_drills_);
  if (!snap) return std::unexpected(snap.error());
  auto next_end = zones::DrillStore(db_).next_end_ms(now);
  if (!next_end) return std::unexpected(next_end.error());
  next_drill_end_ms_ = *next_end;
  ++next_generation_;
  // Workers must never see a new snapshot's members as "unknown" for a
  // moment: health goes in before publication.
  current_health_target_ = *snap;
  health_.reset();  // re-read every row: deleted members' reports must not linger
  refresh_health(true);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  zones::log_event(zones::LogLevel::kInfo, "snapshot_loaded",
                   {{"generation", std::to_string((*snap)->generation)},
                    {"zones", std::to_string((*snap)->zones.size())},
                    {"records", std::to_string((*snap)->record_count)},
                    {"services", std::to_string((*snap)->services.services.size())},
                    {"ms", std::to_string(ms)}});
  return snap;
}

zones::Result<zones::SnapshotPtr> SnapshotFeed::build_initial() {
  // A drill whose end passed while gslbd was down is closed before the
  // first build (it is not overlaid either way: running() checks the time).
  close_expired_drills(zones::unix_ms());
  auto snap = build();
  if (snap) {
    current_ = *snap;
    live_drills_ = built_drills_;
    ++status_.reloads_ok;
    status_.built_at_ms = zones::unix_ms();
    published_ = true;
  } else {
    current_health_target_ = nullptr;
  }
  publish_status();
  return snap;
}

void SnapshotFeed::close_expired_drills(int64_t now_ms) {
  auto closed = zones::DrillStore(db_).close_expired(now_ms);
  if (!closed) {  // the overlay already ignores it; the next poll retries the bookkeeping
    zones::log_event(zones::LogLevel::kWarn, "drill_close_failed",
                     {{"error", closed.error().text()}});
    return;
  }
  for (const int64_t id : *closed)
    zones::log_event(zones::LogLevel::kInfo, "drill_ended",
                     {{"drill", std::to_string(id)}, {"reason", "expired"}});
}

void SnapshotFeed::publish_status() {
  if (board_ == nullptr) return;
  if (current_) {
    status_.generation = current_->generation;
    status_.zones = current_->zones.size();
    status_.services = current_->services.services.size();
  }
  status_.config_version = config_version_;
  status_.health = health_.summary();
  status_.drills_active = live_drills_.size();
  status_.snapshot = current_;
  board_->publish(status_);
}

// Reads new health rows (every poll: a cheap indexed query) and rewrites the
// atomics when rows arrived, when forced, or every kStaleCheckMs so that
// reports going stale turn into "unknown" without any write.
void SnapshotFeed::refresh_health(bool force) {
  constexpr int64_t kStaleCheckMs = 250;
  zones::GslbStore store(db_);
  auto fresh = health_.poll(store);
  if (!fresh) {
    zones::log_event(zones::LogLevel::kWarn, "health_read_failed",
                     {{"error", fresh.error().text()}});
    return;
  }
  const int64_t now = zones::unix_ms();
  if (!force && !*fresh && now - health_applied_ms_ < kStaleCheckMs) return;
  if (current_health_target_) {
    health_.apply(current_health_target_->services, now);
    const bool stale = stale_data_check_ && stale_data_check_(now);
    current_health_target_->services.stale_data->store(stale, std::memory_order_relaxed);
  }
  health_applied_ms_ = now;
}

bool SnapshotFeed::poll(const std::vector<Worker*>& workers) {
  published_ = false;
  retire_unused(workers);
  const int64_t now = zones::unix_ms();
  if (next_drill_end_ms_ && now >= *next_drill_end_ms_) {
    close_expired_drills(now);  // bumps config_version: the rebuild below drops the drill
    next_drill_end_ms_.reset();
    data_version_ = -1;
    config_version_ = -1;  // rebuild even if closing failed: the overlay checks the time
  }
  auto version = db_.query_int("PRAGMA data_version");
  if (version && *version == data_version_) return refresh_and_publish();
  if (version) data_version_ = *version;
  auto config_version = db_.query_int("SELECT version FROM config_version");
  if (config_version && *config_version == config_version_)
    return refresh_and_publish();  // a health write: no rebuild
  auto snap = build();
  if (!snap) {
    const std::string error = snap.error().text();
    const std::string serving = std::to_string(generation());
    zones::log_event(zones::LogLevel::kError, "snapshot_build_failed",
                     {{"error", error}, {"serving_generation", serving}});
    ++status_.reloads_failed;
    status_.last_error = error;
    status_.last_error_at_ms = now;
    publish_status();
    return false;
  }
  if (before_publish_) before_publish_();
  retired_.push_back(std::move(current_));
  current_ = *snap;  // == current_health_target_
  live_drills_ = built_drills_;
  for (Worker* w : workers) w->publish(current_);
  published_ = true;
  ++status_.reloads_ok;
  status_.built_at_ms = now;
  publish_status();
  return true;
}

bool SnapshotFeed::refresh_and_publish() {
  const int64_t applied = health_applied_ms_;
  refresh_health(false);
  if (health_applied_ms_ != applied) publish_status();
  return true;
}

void SnapshotFeed::retire_unused(const std::vector<Worker*>& workers) {
  uint64_t oldest_served = generation();
  for (const Worker* w : workers) oldest_served = std::min(oldest_served, w->serving_generation());
  std::erase_if(retired_,
                [&](const zones::SnapshotPtr& s) { return s->generation < oldest_served; });
}

}  // namespace server
