// The syncer thread (see syncer.h).
#include "admin/fleet/syncer.h"

#include <chrono>

#include "admin/fleet/fleet_keys.h"
#include "admin/fleet/sync_applier.h"
#include "zones/clock.h"
#include "zones/log.h"
#include "zones/migrate.h"

namespace admin::fleet {
namespace {

constexpr int kPollMs = 100;
constexpr int kRetryMs = 500;

}  // namespace

struct Syncer::Impl {
  SyncerOptions options;
  EtcdClient client;
  SyncApplier applier;
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  bool stopping = false;
  bool attempted = false;
  SyncStatus status;
  std::function<void()> on_applied;  // under `mutex`
  std::string logged_error;          // one log line per kind of problem, not one per retry
  bool said_unseeded = false;

  Impl(const SyncerOptions& o, zones::Db db)
      : options(o), client(o.etcd), applier(std::move(db), o.prefix, o.import_health) {}

  bool stop_requested() {
    std::lock_guard lock(mutex);
    return stopping;
  }

  void sleep_ms(int ms) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping; });
  }

  // Copies the applier's state into the status others read (`mutex` held).
  void fill_status(bool connected, const std::string& error) {
    const FleetState& state = applier.state();
    status.connected = connected;
    status.seeded = applier.seeded();
    status.endpoint = state.endpoint;
    status.applied_revision = state.applied_revision;
    status.config_revision = state.config_revision;
    status.applied_at_ms = state.applied_at_ms;
    status.contact_at_ms = state.contact_at_ms;
    status.error = error.empty() ? state.error : error;
    status.vantages.clear();
    for (const auto& [name, vantage] : applier.vantages()) status.vantages.push_back(name);
  }

  // After an attempt to sync: the status, and whoever waits for it.
  void publish(bool connected, const std::string& error = "") {
    std::lock_guard lock(mutex);
    fill_status(connected, error);
    attempted = true;
    changed.notify_all();
  }

  void applied() {
    std::lock_guard lock(mutex);
    if (on_applied) on_applied();
  }

  void fail(const std::string& what, const zones::Error& error) {
    const std::string text = what + ": " + error.text();
    applier.failed(text);
    {
      std::lock_guard lock(mutex);
      ++status.failures;
    }
    publish(false, text);
    // Keyed by the kind of problem: an outage's retries differ in details, not in kind.
    if (what != logged_error)
      zones::log_event(zones::LogLevel::kWarn, "fleet_sync_failed", {{"error", text}});
    logged_error = what;
  }

  void resumed() {
    if (logged_error.empty()) return;
    zones::log_event(zones::LogLevel::kInfo, "fleet_sync_resumed",
                     {{"endpoint", client.endpoint()}});
    logged_error.clear();
  }

  // A full range, applied; then the watch from the revision after it.
  bool resync() {
    auto range = client.range_prefix(options.prefix);
    if (!range) {
      fail("etcd unreachable", range.error());
      return false;
    }
    if (auto ok = applier.resync(*range, zones::unix_ms(), client.endpoint()); !ok) {
      fail("applying etcd's state", ok.error());
      return false;
    }
    {
      std::lock_guard lock(mutex);
      ++status.resyncs;
    }
    publish(true);
    applied();
    resumed();
    if (!applier.seeded() && !said_unseeded) {
      zones::log_event(zones::LogLevel::kWarn, "fleet_not_seeded",
                       {{"prefix", options.prefix},
                        {"hint", "gslbadm fleet seed; the store's own configuration is served"}});
      said_unseeded = true;
    }
    if (auto ok = client.open_watch(options.prefix, range->revision + 1); !ok) {
      fail("etcd watch", ok.error());
      return false;
    }
    return true;
  }

  // Applies what the watch delivered; false when the watch must be started again.
  bool drain_watch() {
    auto messages = client.poll_watch(kPollMs);
    if (!messages) {
      fail("etcd watch", messages.error());
      return false;
    }
    for (const WatchMessage& message : *messages) {
      if (message.compact_revision > 0 || message.canceled) {
        fail("etcd watch", {zones::ErrorCode::kNotFound, "etcd",
                            "watch ended (" +
                                (message.canceled ? message.cancel_reason
                                                  : "revision compacted to " +
                                                        std::to_string(message.compact_revision)) +
                                "): reading everything again"});
        return false;
      }
      if (message.events.empty()) continue;
      if (auto ok = applier.apply(message, zones::unix_ms()); !ok) {
        fail("applying a watch batch", ok.error());
        return false;  // nothing of it was applied: read everything again
      }
      publish(true);
      applied();
    }
    return true;
  }

  // The periodic linearizable read; false when etcd is unreachable or the watch lags.
  bool check_contact(int& lagging) {
    auto marker = client.get(options.prefix + std::string(kWriteMarker));
    if (!marker) {
      fail("etcd unreachable", marker.error());
      return false;
    }
    const int64_t latest = marker->kvs.empty() ? 0 : marker->kvs.front().mod_revision;
    lagging = latest > applier.marker_revision() ? lagging + 1 : 0;
    if (lagging >= 3) {
      fail("etcd watch", {zones::ErrorCode::kBusy, "etcd",
                          "the watch has not delivered revision " + std::to_string(latest) +
                              ": reading everything again"});
      return false;
    }
    if (auto ok = applier.contact(zones::unix_ms(), client.endpoint()); !ok) {
      fail("recording contact", ok.error());
      return false;
    }
    publish(true);
    return true;
  }

  void run() {
    while (!stop_requested()) {
      if (!resync()) {
        client.close_watch();
        sleep_ms(kRetryMs);
        continue;
      }
      auto next_contact = std::chrono::steady_clock::now();
      int lagging = 0;
      while (!stop_requested() && drain_watch()) {
        const auto now = std::chrono::steady_clock::now();
        if (now < next_contact) continue;
        next_contact = now + std::chrono::milliseconds(options.contact_interval_ms);
        if (!check_contact(lagging)) break;
      }
      client.close_watch();
      if (!stop_requested()) sleep_ms(kRetryMs);
    }
  }
};

Syncer::Syncer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

zones::Result<std::unique_ptr<Syncer>> Syncer::start(const SyncerOptions& options) {
  if (auto ok = validate(options.etcd); !ok) return std::unexpected(ok.error());
  zones::DbOptions db_options;
  db_options.mode = zones::OpenMode::kExisting;
  auto db = zones::Db::open(options.db_path, db_options);
  if (!db) return std::unexpected(db.error());
  if (auto migrated = zones::migrate(*db); !migrated) return std::unexpected(migrated.error());
  SyncerOptions canonical = options;
  canonical.prefix = canonical_prefix(options.prefix);
  auto impl = std::make_unique<Impl>(canonical, std::move(*db));
  if (auto ok = impl->applier.open(); !ok) return std::unexpected(ok.error());
  {
    std::lock_guard lock(impl->mutex);
    impl->fill_status(false, "not yet synced");
  }
  std::unique_ptr<Syncer> syncer(new Syncer(std::move(impl)));
  syncer->impl_->thread = std::thread([raw = syncer->impl_.get()] { raw->run(); });
  return syncer;
}

Syncer::~Syncer() {
  stop();
}

void Syncer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->changed.notify_all();
  }
  impl_->thread.join();
}

void Syncer::set_on_applied(std::function<void()> callback) {
  std::lock_guard lock(impl_->mutex);
  impl_->on_applied = std::move(callback);
}

SyncStatus Syncer::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

bool Syncer::wait_for_config(int64_t revision, int timeout_ms) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                 [&] { return impl_->status.config_revision >= revision; });
}

void Syncer::wait_first_attempt(int timeout_ms) const {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                          [&] { return impl_->attempted; });
}

}  // namespace admin::fleet
