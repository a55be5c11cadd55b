// gslb-healthd's scheduler on a real libuv loop with a fake probe engine:
// cadence and jitter, the caps on probes in flight, no overlapping probes of
// one target, first probes of added targets, and removal while in flight.
#include <doctest/doctest.h>

#include <uv.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "healthd/scheduler.h"

namespace {

// Ends each probe after `delay_ms` with "up"; records starts and concurrency.
class FakeEngine : public healthd::ProbeEngine {
 public:
  FakeEngine(uv_loop_t* loop, uint64_t delay_ms) : loop_(loop), delay_ms_(delay_ms) {}
  ~FakeEngine() override { close(); }

  void start(const healthd::ProbeTarget& target, healthd::ProbeDone done) override {
    starts[target.address].push_back(uv_now(loop_));
    ++in_flight_;
    max_in_flight = std::max(max_in_flight, in_flight_);
    auto* p = new Pending{this, std::move(done), {}};
    pending_.insert(p);
    uv_timer_init(loop_, &p->timer);
    p->timer.data = p;
    uv_timer_start(
        &p->timer,
        [](uv_timer_t* t) {
          auto* pending = static_cast<Pending*>(t->data);
          --pending->engine->in_flight_;
          pending->engine->pending_.erase(pending);
          pending->done({true, 1000, std::nullopt, "fake"});
          release(pending);
        },
        delay_ms_, 0);
  }
  size_t in_flight() const override { return in_flight_; }
  // Drops every probe in flight without calling back (as the real engine does).
  void close() override {
    for (Pending* p : pending_) release(p);
    pending_.clear();
  }

  std::map<std::string, std::vector<uint64_t>> starts;
  size_t max_in_flight = 0;

 private:
  struct Pending {
    FakeEngine* engine;
    healthd::ProbeDone done;
    uv_timer_t timer;
  };
  static void release(Pending* p) {
    uv_close(reinterpret_cast<uv_handle_t*>(&p->timer),
             [](uv_handle_t* h) { delete static_cast<Pending*>(h->data); });
  }
  std::set<Pending*> pending_;
  uv_loop_t* loop_;
  uint64_t delay_ms_;
  size_t in_flight_ = 0;
};

std::shared_ptr<const zones::Monitor> monitor(uint32_t interval_ms, uint32_t max_concurrent = 0,
                                              std::optional<uint32_t> jitter = {}) {
  auto m = std::make_shared<zones::Monitor>();
  m->name = "m" + std::to_string(interval_ms) + "-" + std::to_string(max_concurrent);
  m->type = "tcp";
  m->port = 1;
  m->interval_ms = interval_ms;
  m->timeout_ms = interval_ms / 2;
  m->max_concurrent = max_concurrent;
  m->jitter_ms = jitter;
  return m;
}

std::vector<healthd::Target> targets(std::shared_ptr<const zones::Monitor> m, int count) {
  std::vector<healthd::Target> out;
  for (int i = 0; i < count; ++i) {
    healthd::Target t;
    t.probe = {m, "192.0.2." + std::to_string(i + 1)};
    t.key = m->name + "|" + t.probe.address;
    t.member_ids = {i + 1};
    out.push_back(std::move(t));
  }
  return out;
}

// Runs the loop for `ms` of loop time.
void run_for(uv_loop_t* loop, uint64_t ms) {
  uv_timer_t stop;
  uv_timer_init(loop, &stop);
  uv_timer_start(
      &stop, [](uv_timer_t* t) { uv_stop(t->loop); }, ms, 0);
  uv_run(loop, UV_RUN_DEFAULT);
  uv_close(reinterpret_cast<uv_handle_t*>(&stop), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
}

struct Loop {
  uv_loop_t loop{};
  Loop() { uv_loop_init(&loop); }
  ~Loop() {
    uv_run(&loop, UV_RUN_DEFAULT);  // let closed handles go
    uv_loop_close(&loop);
  }
};

}  // namespace

TEST_CASE("scheduler: each target every interval +/- jitter, first probes spread at startup") {
  Loop l;
  FakeEngine engine(&l.loop, 5);
  size_t results = 0;
  uv_update_time(&l.loop);
  const uint64_t t0 = uv_now(&l.loop);
  {
    healthd::Scheduler sched(&l.loop, engine, 100,
                             [&](healthd::Scheduled&, const auto&) { ++results; });
    sched.set_targets(targets(monitor(100, 0, 10), 5), {}, true);
    run_for(&l.loop, 1050);
    sched.close();
  }
  REQUIRE(engine.starts.size() == 5);
  for (const auto& [address, starts] : engine.starts) {
    CHECK(starts.front() - t0 <= 100 + 20);  // within the first interval
    // Timers fire late on a loaded machine, but slots stay on the cadence:
    // the mean gap is the interval, and no two probes come close together.
    REQUIRE(starts.size() >= 7);
    CHECK(starts.size() <= 12);
    const double mean_gap =
        static_cast<double>(starts.back() - starts.front()) / (starts.size() - 1);
    CHECK(mean_gap >= 85);
    CHECK(mean_gap <= 130);
    for (size_t i = 1; i < starts.size(); ++i) CHECK(starts[i] - starts[i - 1] >= 40);
  }
  CHECK(results >= 35);
}

TEST_CASE("scheduler: a monitor's cap and the overall cap bound probes in flight") {
  Loop l;
  FakeEngine engine(&l.loop, 80);
  {
    healthd::Scheduler sched(&l.loop, engine, 1000, [](auto&, const auto&) {});
    sched.set_targets(targets(monitor(100, 3, 0), 10), {}, true);
    run_for(&l.loop, 400);
    CHECK(engine.max_in_flight == 3);
    sched.close();
  }
  Loop l2;
  FakeEngine engine2(&l2.loop, 80);
  {
    healthd::Scheduler sched(&l2.loop, engine2, 4, [](auto&, const auto&) {});
    sched.set_targets(targets(monitor(100, 0, 0), 20), {}, true);
    run_for(&l2.loop, 400);
    CHECK(engine2.max_in_flight == 4);
    CHECK(sched.take_stats().skipped > 0);  // 20 probes of 80 ms through 4 slots: behind
    sched.close();
  }
}

TEST_CASE("scheduler: a target is never probed twice at once") {
  Loop l;
  FakeEngine engine(&l.loop, 250);  // longer than the interval (a hung member)
  {
    healthd::Scheduler sched(&l.loop, engine, 100, [](auto&, const auto&) {});
    sched.set_targets(targets(monitor(100, 0, 0), 1), {}, true);
    run_for(&l.loop, 800);
    const auto& starts = engine.starts.begin()->second;
    for (size_t i = 1; i < starts.size(); ++i) CHECK(starts[i] - starts[i - 1] >= 250);
    CHECK(engine.max_in_flight == 1);
    sched.close();
  }
}

TEST_CASE("scheduler: an added target is probed at once; a removed one in flight is dropped") {
  Loop l;
  FakeEngine engine(&l.loop, 50);
  std::vector<std::string> reported;
  {
    healthd::Scheduler sched(&l.loop, engine, 100, [&](healthd::Scheduled& s, const auto&) {
      reported.push_back(s.target.probe.address);
    });
    auto m = monitor(10'000, 0, 20);  // a long interval: only first probes happen here
    auto all = targets(m, 2);
    sched.set_targets({all[0]}, {}, true);
    run_for(&l.loop, 100);
    const uint64_t added_at = uv_now(&l.loop);
    sched.set_targets(all, {}, false);
    run_for(&l.loop, 40);  // the new target's probe (jitter 20 ms) started, not ended
    REQUIRE(engine.starts.count("192.0.2.2") == 1);
    CHECK(engine.starts["192.0.2.2"].front() - added_at <= 25);
    sched.set_targets({all[0]}, {}, false);  // removed while in flight
    run_for(&l.loop, 100);
    CHECK(std::count(reported.begin(), reported.end(), "192.0.2.2") == 0);
    CHECK(sched.size() == 1);
    sched.close();
  }
}
