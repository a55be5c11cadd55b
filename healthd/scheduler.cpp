// Scheduler: timers, jitter and concurrency caps (see scheduler.h).
#include "healthd/scheduler.h"

#include <algorithm>

namespace healthd {
namespace {

void free_closed_timer(uv_handle_t* handle) {
  delete static_cast<Scheduled*>(handle->data);
}

}  // namespace

Scheduler::Scheduler(uv_loop_t* loop, ProbeEngine& engine, size_t max_concurrent,
                     OnResult on_result)
    : loop_(loop),
      engine_(engine),
      max_concurrent_(std::max<size_t>(1, max_concurrent)),
      on_result_(std::move(on_result)) {}

Scheduler::~Scheduler() {
  close();
}

uint32_t Scheduler::jitter_ms(const zones::Monitor& m) const {
  return m.jitter_ms.value_or(m.interval_ms / 10);
}

void Scheduler::set_targets(std::vector<Target> targets,
                            const std::map<std::string, MemberState>& initial, bool startup) {
  std::map<std::string, std::unique_ptr<Scheduled>> kept;
  const uint64_t now = uv_now(loop_);
  for (Target& t : targets) {
    auto old = entries_.find(t.key);
    if (old != entries_.end()) {
      std::unique_ptr<Scheduled> s = std::move(old->second);
      entries_.erase(old);
      const bool changed = !same_probe(*s->target.probe.monitor, *t.probe.monitor);
      s->target = std::move(t);
      if (changed && !s->in_flight && !s->queued)
        arm(*s, now + jitter_ms(*s->target.probe.monitor));
      kept.emplace(s->target.key, std::move(s));
      continue;
    }
    auto s = std::make_unique<Scheduled>();
    s->serial = next_serial_++;
    s->owner = this;
    if (auto it = initial.find(t.key); it != initial.end()) s->state = it->second;
    s->target = std::move(t);
    uv_timer_init(loop_, &s->timer);
    s->timer.data = s.get();
    const zones::Monitor& m = *s->target.probe.monitor;
    const uint32_t spread = startup ? m.interval_ms : jitter_ms(m);
    arm(*s, now + std::uniform_int_distribution<uint32_t>(0, spread)(rng_));
    by_serial_[s->serial] = s.get();
    kept.emplace(s->target.key, std::move(s));
  }
  for (auto& [key, gone] : entries_) retire(std::move(gone));
  entries_ = std::move(kept);
}

void Scheduler::retire(std::unique_ptr<Scheduled> s) {
  by_serial_.erase(s->serial);  // a probe still in flight finds no entry and is dropped
  if (s->queued) --queued_;     // its serial stays in the queue and is skipped there
  uv_timer_stop(&s->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&s->timer), free_closed_timer);
  s.release();  // freed by free_closed_timer once libuv lets go of the handle
}

void Scheduler::arm(Scheduled& s, uint64_t due_ms) {
  s.due_ms = due_ms;
  const uint64_t now = uv_now(loop_);
  uv_timer_start(&s.timer, on_timer, due_ms > now ? due_ms - now : 0, 0);
}

void Scheduler::on_timer(uv_timer_t* timer) {
  auto* s = static_cast<Scheduled*>(timer->data);
  s->owner->due(*s);
}

uint64_t Scheduler::next_due(const Scheduled& s) {
  const zones::Monitor& m = *s.target.probe.monitor;
  const int64_t jitter = jitter_ms(m);
  const int64_t offset = std::uniform_int_distribution<int64_t>(-jitter, jitter)(rng_);
  const int64_t next = static_cast<int64_t>(s.due_ms) + m.interval_ms + offset;
  // Behind (the loop stalled, or the probe waited for a slot): keep the
  // interval from now rather than firing a burst of catch-up probes.
  const int64_t now = static_cast<int64_t>(uv_now(loop_));
  return static_cast<uint64_t>(std::max(next, now + 1));
}

void Scheduler::due(Scheduled& s) {
  const uint64_t due_at = s.due_ms;
  arm(s, next_due(s));
  if (s.in_flight || s.queued) {
    ++stats_.skipped;
    return;
  }
  s.slot_ms = due_at;  // lateness is measured against this slot
  if (may_start(s)) {
    start(s);
  } else {
    s.queued = true;
    ++queued_;
    waiting_[s.target.probe.monitor->name].push_back(s.serial);
  }
}

bool Scheduler::may_start(const Scheduled& s) const {
  if (in_flight_ >= max_concurrent_) return false;
  const zones::Monitor& m = *s.target.probe.monitor;
  if (m.max_concurrent == 0) return true;
  const auto it = in_flight_by_monitor_.find(m.name);
  return it == in_flight_by_monitor_.end() || it->second < m.max_concurrent;
}

void Scheduler::start(Scheduled& s) {
  s.queued = false;
  s.in_flight = true;
  ++in_flight_;
  ++in_flight_by_monitor_[s.target.probe.monitor->name];
  ++stats_.probes;
  const uint64_t now = uv_now(loop_);
  stats_.started_late_ms.push_back(
      static_cast<uint32_t>(now > s.slot_ms ? std::min<uint64_t>(now - s.slot_ms, UINT32_MAX) : 0));
  const uint64_t serial = s.serial;
  const std::string monitor = s.target.probe.monitor->name;
  engine_.start(s.target.probe, [this, serial, monitor](const ProbeResult& result) {
    --in_flight_;
    --in_flight_by_monitor_[monitor];
    finished(serial, result);
    pump();
  });
}

void Scheduler::finished(uint64_t serial, const ProbeResult& result) {
  const auto it = by_serial_.find(serial);
  if (it == by_serial_.end()) return;  // the target was removed meanwhile
  Scheduled& s = *it->second;
  s.in_flight = false;
  on_result_(s, result);
}

// Starts waiting probes while the overall cap allows, one per monitor per
// round (each monitor's queue is first-in first-out and has its own cap).
// Costs what it starts plus one look per monitor, however long the queues.
void Scheduler::pump() {
  bool started = true;
  while (started && queued_ > 0 && in_flight_ < max_concurrent_) {
    started = false;
    for (auto it = waiting_.begin(); it != waiting_.end() && in_flight_ < max_concurrent_;) {
      std::deque<uint64_t>& queue = it->second;
      while (!queue.empty() && !by_serial_.contains(queue.front())) queue.pop_front();  // removed
      if (!queue.empty() && may_start(*by_serial_.at(queue.front()))) {
        Scheduled& s = *by_serial_.at(queue.front());
        queue.pop_front();
        --queued_;
        start(s);
        started = true;
      }
      it = queue.empty() ? waiting_.erase(it) : std::next(it);
    }
  }
}

ScheduleStats Scheduler::take_stats() {
  ScheduleStats out = std::move(stats_);
  stats_ = {};
  return out;
}

void Scheduler::close() {
  for (auto& [key, s] : entries_) retire(std::move(s));
  entries_.clear();
  waiting_.clear();
  queued_ = 0;
}

}  // namespace healthd
