// The daemon: configuration, scheduler, probe results and the writer together (see daemon.h).
#include "healthd/daemon.h"

#include <uv.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "healthd/health_writer.h"
#include "healthd/probe.h"
#include "healthd/probe_workers.h"
#include "healthd/scheduler.h"
#include "healthd/shard.h"
#include "healthd/stats.h"
#include "healthd/targets.h"
#include "zones/clock.h"
#include "zones/db.h"
#include "zones/gslb_store.h"
#include "zones/log.h"
#include "zones/migrate.h"

namespace healthd {
namespace {

using zones::LogLevel;

// How often the heartbeat is written: half the shortest interval, so a
// vantage's rows never look stale (3 x interval) while it is alive.
uint32_t beat_interval_for(const zones::GslbConfig& config) {
  uint32_t shortest = 1000;
  for (const zones::Monitor& m : config.monitors) shortest = std::min(shortest, m.interval_ms);
  return std::clamp<uint32_t>(shortest / 2, 50, 1000);
}

class Daemon {
 public:
  Daemon(const DaemonOptions& options, zones::Db db)
      : options_(options),
        db_(std::move(db)),
        writer_(options.db, {options.vantage, 0, zones::unix_ms(), GSLB_VERSION}, 500,
                options.link) {}

  int run() {
    uv_loop_init(&loop_);
    auto engine = start_probe_workers(&loop_, {}, options_.probe_threads);
    if (!engine) return fail("cannot start the probe engine: " + engine.error().text());
    engine_ = std::move(*engine);
    scheduler_ = std::make_unique<Scheduler>(
        &loop_, *engine_, options_.max_concurrent,
        [this](Scheduled& s, const ProbeResult& r) { on_result(s, r); });
    if (auto started = writer_.start(); !started) return fail(started.error().text());
    if (!reload(true)) return fail("cannot read the configuration: " + last_error_);
    start_handles();
    zones::log_event(LogLevel::kInfo, "healthd_started",
                     {{"vantage", options_.vantage},
                      {"db", options_.db},
                      {"targets", std::to_string(scheduler_->size())},
                      {"max_concurrent", std::to_string(options_.max_concurrent)},
                      {"probe_threads", std::to_string(options_.probe_threads)}});
    uv_run(&loop_, UV_RUN_DEFAULT);
    writer_.stop();
    const WriterStats w = writer_.stats();
    uv_loop_close(&loop_);
    zones::log_event(
        LogLevel::kInfo, "healthd_stopped",
        {{"rows_written", std::to_string(w.rows)}, {"rows_unwritten", std::to_string(w.pending)}});
    return w.pending == 0 ? 0 : 1;
  }

 private:
  int fail(const std::string& message) {
    zones::log_event(LogLevel::kError, "startup_failed", {{"error", message}});
    std::fprintf(stderr, "gslb-healthd: %s\n", message.c_str());
    return 1;
  }

  void start_handles() {
    uv_timer_init(&loop_, &config_timer_);
    config_timer_.data = this;
    uv_timer_start(
        &config_timer_, [](uv_timer_t* t) { static_cast<Daemon*>(t->data)->reload(false); },
        options_.config_poll_ms, options_.config_poll_ms);
    uv_timer_init(&loop_, &stats_timer_);
    stats_timer_.data = this;
    if (options_.stats_interval_ms > 0) {
      uv_timer_start(
          &stats_timer_, [](uv_timer_t* t) { static_cast<Daemon*>(t->data)->log_stats(); },
          options_.stats_interval_ms, options_.stats_interval_ms);
    }
    for (uv_signal_t* s : {&sigterm_, &sigint_}) {
      uv_signal_init(&loop_, s);
      s->data = this;
    }
    auto on_signal = [](uv_signal_t* s, int signum) {
      static_cast<Daemon*>(s->data)->stop(signum);
    };
    uv_signal_start(&sigterm_, on_signal, SIGTERM);
    uv_signal_start(&sigint_, on_signal, SIGINT);
  }

  void stop(int signum) {
    if (stopping_) return;  // a second signal while handles close: already on the way out
    stopping_ = true;
    zones::log_event(LogLevel::kInfo, "stopping", {{"signal", std::to_string(signum)}});
    scheduler_->close();
    engine_->close();
    for (uv_handle_t* h :
         {reinterpret_cast<uv_handle_t*>(&config_timer_),
          reinterpret_cast<uv_handle_t*>(&stats_timer_), reinterpret_cast<uv_handle_t*>(&sigterm_),
          reinterpret_cast<uv_handle_t*>(&sigint_)})
      uv_close(h, nullptr);
  }

  // Reads the configuration when it or the set of live vantages changed (always at
  // startup). False on error.
  bool reload(bool startup) {
    auto version = db_.query_int("SELECT version FROM config_version");
    if (!version) return note_error(version.error().text());
    std::vector<std::string> vantages = options_.link ? options_.link->vantages() : vantages_;
    if (!startup && *version == config_version_ && vantages == vantages_) return true;
    vantages_ = std::move(vantages);
    zones::GslbStore store(db_);
    auto config = store.load();
    if (!config) return note_error(config.error().text());
    std::map<std::string, MemberState> initial;
    if (startup && !resume_states(store, *config, initial)) return false;
    config_version_ = *version;
    scheduler_->set_targets(my_targets(*config), initial, startup);
    writer_.set_beat_interval(beat_interval_for(*config));
    report_membership(*config);
    if (!startup) {
      zones::log_event(LogLevel::kInfo, "targets_reloaded",
                       {{"targets", std::to_string(scheduler_->size())},
                        {"config_version", std::to_string(config_version_)},
                        {"vantages", std::to_string(vantages_.size())}});
    }
    return true;
  }

  // The targets this vantage probes: all of them on a single node; in a fleet, those that
  // rank it among their vantages_per_member live vantages (shard.h).
  std::vector<Target> my_targets(const zones::GslbConfig& config) const {
    std::vector<Target> targets = build_targets(config);
    if (options_.link == nullptr) return targets;
    std::erase_if(targets, [&](const Target& t) {
      return !probes_here(t.key, options_.vantage, vantages_, options_.vantages_per_member);
    });
    return targets;
  }

  bool note_error(const std::string& error) {
    last_error_ = error;
    zones::log_event(LogLevel::kWarn, "config_read_failed", {{"error", error}});
    return false;
  }

  // A restarted daemon starts each target from the state this vantage last
  // wrote, so a restart never resets verdicts (and never flaps answers).
  bool resume_states(zones::GslbStore& store, const zones::GslbConfig& config,
                     std::map<std::string, MemberState>& initial) {
    auto rows = store.health_since(0);
    if (!rows) return note_error(rows.error().text());
    std::map<int64_t, const zones::HealthRow*> mine;
    for (const zones::HealthRow& row : *rows) {
      if (row.vantage != options_.vantage) continue;
      mine[row.member_id] = &row;
      written_.insert(row.member_id);
      if (row.state != zones::HealthState::kUnknown) reported_.insert(row.member_id);
    }
    for (const Target& t : my_targets(config)) {
      for (int64_t id : t.member_ids) {
        if (const auto it = mine.find(id); it != mine.end()) {
          initial.emplace(t.key, MemberState(*it->second));
          break;
        }
      }
    }
    return true;
  }

  // After a reload: members that joined a known target get its verdict now;
  // members this vantage no longer probes get an "unknown" row, so their
  // old verdict does not stand in for a probe that no longer runs.
  void report_membership(const zones::GslbConfig& config) {
    std::set<int64_t> probed;
    scheduler_->for_each([&](Scheduled& s) {
      bool missing = false;
      for (int64_t id : s.target.member_ids) {
        probed.insert(id);
        missing = missing || !written_.contains(id);
      }
      if (missing && s.state.current().state != zones::HealthState::kUnknown) write(s);
    });
    std::vector<zones::HealthRow> rows;
    const int64_t now = zones::unix_ms();
    std::vector<int64_t> no_monitor = unprobed_members(config);
    std::sort(no_monitor.begin(), no_monitor.end());
    for (const zones::Pool& pool : config.pools) {
      for (const zones::Member& member : pool.members) {
        const int64_t id = member.id;
        if (!reported_.contains(id) || probed.contains(id)) continue;
        zones::HealthRow row;
        row.member_id = id;
        row.vantage = options_.vantage;
        row.state = zones::HealthState::kUnknown;
        row.checked_at_ms = row.changed_at_ms = now;
        row.reason = std::binary_search(no_monitor.begin(), no_monitor.end(), id)
                         ? "not probed: the pool has no monitor"
                         : "not probed here: other vantages probe it";
        rows.push_back(std::move(row));
        reported_.erase(id);
      }
    }
    if (!rows.empty()) writer_.enqueue(std::move(rows));
  }

  void on_result(Scheduled& s, const ProbeResult& result) {
    const zones::Monitor& m = *s.target.probe.monitor;
    const zones::HealthState before = s.state.current().state;
    if (s.state.observe(result, m.rise, m.fall, zones::unix_ms())) {
      zones::log_event(LogLevel::kInfo, "member_state_changed",
                       {{"monitor", m.name},
                        {"address", s.target.probe.address},
                        {"pools", join(s.target.pools)},
                        {"from", zones::to_string(before)},
                        {"to", zones::to_string(s.state.current().state)},
                        {"reason", result.reason}});
    }
    if (s.state.worth_writing()) write(s);
  }

  void write(Scheduled& s) {
    const Measurement& now = s.state.current();
    const int64_t at = zones::unix_ms();
    std::vector<zones::HealthRow> rows;
    for (int64_t id : s.target.member_ids) {
      zones::HealthRow row;
      row.member_id = id;
      row.vantage = options_.vantage;
      row.state = now.state;
      row.rtt_us = now.rtt_us;
      row.rtt_ewma_us = now.rtt_ewma_us;
      row.load = now.load;
      row.checked_at_ms = at;
      row.changed_at_ms = now.changed_at_ms != 0 ? now.changed_at_ms : at;
      row.reason = now.reason;
      rows.push_back(std::move(row));
      written_.insert(id);
      if (now.state != zones::HealthState::kUnknown) reported_.insert(id);
    }
    writer_.enqueue(std::move(rows));
    s.state.mark_written();
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
  }

  void log_stats() {
    const ScheduleStats s = scheduler_->take_stats();
    const WriterStats w = writer_.stats();
    log_schedule_stats(s, options_.stats_interval_ms, scheduler_->size(), scheduler_->in_flight(),
                       scheduler_->queued(), w);
  }

  DaemonOptions options_;
  zones::Db db_;
  HealthWriter writer_;
  uv_loop_t loop_{};
  uv_timer_t config_timer_{}, stats_timer_{};
  uv_signal_t sigterm_{}, sigint_{};
  std::unique_ptr<ProbeEngine> engine_;
  std::unique_ptr<Scheduler> scheduler_;
  int64_t config_version_ = -1;
  std::vector<std::string> vantages_;  // live vantages the targets were sharded over
  bool stopping_ = false;
  std::set<int64_t> written_;   // members with a row from this vantage
  std::set<int64_t> reported_;  // ... whose row says up or down
  std::string last_error_;
};

}  // namespace

std::string vantage_name_problem(const std::string& name) {
  if (name.empty() || name.size() > 63) return "must be 1 to 63 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return "may only hold letters, digits, '.', '_' and '-'";
  }
  return {};
}

int run_daemon(const DaemonOptions& options) {
  auto db = zones::Db::open(options.db, {zones::OpenMode::kExisting, 1000});
  if (!db) {
    std::fprintf(stderr, "gslb-healthd: --db %s: %s\n", options.db.c_str(),
                 db.error().message.c_str());
    return 1;
  }
  if (auto migrated = zones::migrate(*db); !migrated) {
    std::fprintf(stderr, "gslb-healthd: --db %s: %s\n", options.db.c_str(),
                 migrated.error().message.c_str());
    return 1;
  }
  Daemon daemon(options, std::move(*db));
  return daemon.run();
}

}  // namespace healthd
