// Worker threads for probes (see probe_workers.h): an inbox per worker and
// one outbox back to the caller's loop, each a mutex-guarded vector woken by
// a uv_async_t (libuv's one thread-safe call), so a probe crosses threads
// twice and never blocks either loop for longer than a vector swap.
#include "healthd/probe_workers.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace healthd {
namespace {

struct Job {
  uint64_t id = 0;
  ProbeTarget target;
};

struct Outcome {
  uint64_t id = 0;
  ProbeResult result;
};

class Workers;

// One thread, its loop and its engine. Everything but the inbox is touched
// only by the worker thread once it runs.
struct Worker {
  Workers* owner = nullptr;
  uv_loop_t loop{};
  uv_async_t wake{};
  std::unique_ptr<ProbeEngine> engine;
  std::thread thread;
  std::mutex mutex;
  std::vector<Job> inbox;  // guarded by mutex
  bool stop = false;       // guarded by mutex
  size_t assigned = 0;     // probes handed to it and not yet back; caller's thread only
};

class Workers final : public ProbeEngine {
 public:
  Workers(uv_loop_t* loop, size_t threads) : loop_(loop), workers_(threads) {}
  ~Workers() override { close(); }

  zones::Result<void> launch(const EngineOptions& options);
  void start(const ProbeTarget& target, ProbeDone done) override;
  size_t in_flight() const override { return pending_.size(); }
  void close() override;

  // Worker thread: a result for the caller's loop.
  void post(uint64_t id, const ProbeResult& result);

 private:
  struct Pending {
    ProbeDone done;
    Worker* worker = nullptr;
  };

  static void run_worker(Worker* w);
  static void on_wake(uv_async_t* async);
  static void on_results(uv_async_t* async);
  Worker& least_busy();
  void deliver();

  uv_loop_t* loop_;
  std::vector<Worker> workers_;
  uv_async_t results_wake_{};
  std::mutex results_mutex_;
  std::vector<Outcome> results_;  // guarded by results_mutex_
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;
  bool launched_ = false;
  bool closed_ = false;
};

// Loops, wake-ups and engines are all made here, before any thread runs,
// so a failure leaves nothing running.
zones::Result<void> Workers::launch(const EngineOptions& options) {
  uv_async_init(loop_, &results_wake_, on_results);
  results_wake_.data = this;
  launched_ = true;
  for (Worker& w : workers_) {
    w.owner = this;
    uv_loop_init(&w.loop);
    uv_async_init(&w.loop, &w.wake, on_wake);
    w.wake.data = &w;
    auto engine = ProbeEngine::create(&w.loop, options);
    if (!engine) return std::unexpected(engine.error());
    w.engine = std::move(*engine);
  }
  for (Worker& w : workers_) w.thread = std::thread(run_worker, &w);
  return {};
}

void Workers::start(const ProbeTarget& target, ProbeDone done) {
  if (closed_) return;  // closed: no callbacks any more, as for the engine's cancelled runs
  const uint64_t id = next_id_++;
  Worker& w = least_busy();
  ++w.assigned;
  pending_.emplace(id, Pending{std::move(done), &w});
  {
    std::lock_guard lock(w.mutex);
    w.inbox.push_back({id, target});
  }
  uv_async_send(&w.wake);
}

Worker& Workers::least_busy() {
  return *std::min_element(workers_.begin(), workers_.end(), [](const Worker& a, const Worker& b) {
    return a.assigned < b.assigned;
  });
}

void Workers::run_worker(Worker* w) {
  uv_run(&w->loop, UV_RUN_DEFAULT);
}

// Worker thread: starts what arrived, or winds the worker down.
void Workers::on_wake(uv_async_t* async) {
  auto* w = static_cast<Worker*>(async->data);
  std::vector<Job> jobs;
  bool stop = false;
  {
    std::lock_guard lock(w->mutex);
    jobs.swap(w->inbox);
    stop = w->stop;
  }
  if (stop) {
    w->engine->close();
    uv_close(reinterpret_cast<uv_handle_t*>(&w->wake), nullptr);
    return;
  }
  Workers* owner = w->owner;
  for (Job& job : jobs) {
    const uint64_t id = job.id;
    w->engine->start(job.target, [owner, id](const ProbeResult& r) { owner->post(id, r); });
  }
}

void Workers::post(uint64_t id, const ProbeResult& result) {
  {
    std::lock_guard lock(results_mutex_);
    results_.push_back({id, result});
  }
  uv_async_send(&results_wake_);
}

void Workers::on_results(uv_async_t* async) {
  static_cast<Workers*>(async->data)->deliver();
}

// Caller's loop: hands each result to its callback. A callback may start
// probes or close this engine, so each is looked up afresh.
void Workers::deliver() {
  std::vector<Outcome> outcomes;
  {
    std::lock_guard lock(results_mutex_);
    outcomes.swap(results_);
  }
  for (Outcome& outcome : outcomes) {
    if (closed_) return;
    const auto it = pending_.find(outcome.id);
    if (it == pending_.end()) continue;
    Pending pending = std::move(it->second);
    pending_.erase(it);
    --pending.worker->assigned;
    if (pending.done) pending.done(outcome.result);
  }
}

void Workers::close() {
  if (closed_) return;
  closed_ = true;
  pending_.clear();
  for (Worker& w : workers_) {
    if (!w.thread.joinable()) continue;
    {
      std::lock_guard lock(w.mutex);
      w.stop = true;
    }
    uv_async_send(&w.wake);
  }
  for (Worker& w : workers_) {
    if (w.owner == nullptr) continue;  // launch failed before this one
    if (w.thread.joinable()) {
      w.thread.join();
    } else {
      // Never ran (launch failed at a later worker): close its handles here.
      if (w.engine) w.engine->close();
      uv_close(reinterpret_cast<uv_handle_t*>(&w.wake), nullptr);
      uv_run(&w.loop, UV_RUN_DEFAULT);
    }
    w.engine.reset();
    uv_loop_close(&w.loop);
  }
  if (launched_) uv_close(reinterpret_cast<uv_handle_t*>(&results_wake_), nullptr);
}

}  // namespace

zones::Result<std::unique_ptr<ProbeEngine>> start_probe_workers(uv_loop_t* loop,
                                                                const EngineOptions& options,
                                                                size_t threads) {
  auto workers = std::make_unique<Workers>(loop, std::max<size_t>(1, threads));
  if (auto launched = workers->launch(options); !launched) return std::unexpected(launched.error());
  return workers;
}

size_t default_probe_threads() {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
}

}  // namespace healthd
