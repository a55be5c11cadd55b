// When each target is probed: a uv timer per target, a steady cadence of
// interval +/- jitter (so probes of many members spread out and do not march
// in step), and caps on probes in flight (per monitor and overall). A probe
// that cannot start for a cap waits in a queue; a target is never probed
// twice at once (a slot that comes while the last probe is still running or
// queued is skipped). Everything runs on the loop's thread.
//
// First probes: at daemon start spread uniformly over one interval (10 000
// members do not all start at once); a target added later is probed within
// its jitter, i.e. at once rather than after a whole interval.
#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "healthd/member_state.h"
#include "healthd/probe.h"
#include "healthd/targets.h"

namespace healthd {

struct Scheduled {
  Target target;
  MemberState state;
  uint64_t serial = 0;
  uint64_t due_ms = 0;   // uv_now() time of the next probe
  uint64_t slot_ms = 0;  // the slot the current (or queued) probe belongs to
  bool in_flight = false;
  bool queued = false;
  uv_timer_t timer{};
  class Scheduler* owner = nullptr;
};

// Counters since the last take_stats().
struct ScheduleStats {
  uint64_t probes = 0;
  uint64_t skipped = 0;                   // slots missed: the previous probe had not ended
  std::vector<uint32_t> started_late_ms;  // per probe: start - due
};

class Scheduler {
 public:
  using OnResult = std::function<void(Scheduled&, const ProbeResult&)>;

  Scheduler(uv_loop_t* loop, ProbeEngine& engine, size_t max_concurrent, OnResult on_result);
  ~Scheduler();

  // Replaces the target set. Targets whose key stays keep their state and
  // cadence (rescheduled when their monitor changed); `initial` gives the
  // starting state of new ones by key. `startup` spreads first probes over
  // an interval instead of a jitter.
  void set_targets(std::vector<Target> targets, const std::map<std::string, MemberState>& initial,
                   bool startup);

  size_t size() const { return entries_.size(); }
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (auto& [key, s] : entries_) fn(*s);
  }
  size_t in_flight() const { return in_flight_; }
  size_t queued() const { return queued_; }
  ScheduleStats take_stats();
  // Stops every timer (probes in flight are the engine's to cancel).
  void close();

 private:
  static void on_timer(uv_timer_t* timer);
  void arm(Scheduled& s, uint64_t due_ms);
  void due(Scheduled& s);
  bool may_start(const Scheduled& s) const;
  void start(Scheduled& s);
  void finished(uint64_t serial, const ProbeResult& result);
  void pump();
  uint64_t next_due(const Scheduled& s);
  uint32_t jitter_ms(const zones::Monitor& m) const;
  void retire(std::unique_ptr<Scheduled> s);

  uv_loop_t* loop_;
  ProbeEngine& engine_;
  size_t max_concurrent_;
  OnResult on_result_;
  std::mt19937_64 rng_{std::random_device{}()};
  uint64_t next_serial_ = 1;
  std::map<std::string, std::unique_ptr<Scheduled>> entries_;  // by key
  std::unordered_map<uint64_t, Scheduled*> by_serial_;
  std::unordered_map<std::string, size_t> in_flight_by_monitor_;
  size_t in_flight_ = 0;
  std::map<std::string, std::deque<uint64_t>> waiting_;  // by monitor name
  size_t queued_ = 0;
  ScheduleStats stats_;
};

}  // namespace healthd
