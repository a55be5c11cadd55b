// The life of one probe: guard armed at start, one finish, handles closed,
// memory freed after the last close callback.
#include "healthd/probe_run.h"

#include <utility>

namespace healthd {

ProbeRun::ProbeRun(const ProbeContext& context, ProbeTarget target, ProbeDone done)
    : context_(context), target_(std::move(target)), done_(std::move(done)) {}

void ProbeRun::start() {
  uv_timer_init(loop(), &guard_);
  guard_.data = this;
  ++open_handles_;
  // The loop's clock is cached per turn; a run started late in a long turn
  // would otherwise time out early.
  uv_update_time(loop());
  started_ns_ = uv_hrtime();
  uv_timer_start(&guard_, on_guard, monitor().timeout_ms, 0);
  begin();
}

void ProbeRun::cancel() {
  if (finished_) return;
  finished_ = true;
  done_ = nullptr;
  stop();
}

void ProbeRun::finish(ProbeResult result) {
  if (finished_) return;
  finished_ = true;
  ProbeDone done = std::move(done_);
  context_.owner->forget(this);
  stop();
  // Last: `done` may start probes, close the engine or destroy it. This run
  // stays valid until its close callbacks, but the engine may not.
  if (done) done(result);
}

void ProbeRun::finish_soon(ProbeResult result) {
  if (finished_ || early_result_) return;
  early_result_ = std::move(result);
  uv_timer_start(&guard_, on_guard, 0, 0);
}

void ProbeRun::stop() {
  release();
  close_handle(reinterpret_cast<uv_handle_t*>(&guard_));
}

void ProbeRun::close_handle(uv_handle_t* handle) {
  if (uv_is_closing(handle)) return;
  // Kinds point their handles at themselves; on_closed needs the base.
  handle->data = this;
  if (handle != reinterpret_cast<uv_handle_t*>(&guard_)) ++open_handles_;
  uv_close(handle, on_closed);
}

void ProbeRun::on_guard(uv_timer_t* timer) {
  auto* run = static_cast<ProbeRun*>(timer->data);
  if (run->early_result_) return run->finish(std::move(*run->early_result_));
  if (!run->grace_taken_) {
    // libuv runs due timers before it polls for I/O, so on a busy loop an
    // answer that arrived in time may still sit unread in the socket. Let
    // this turn's poll read it first: 1 ms, as a timer started at 0 from a
    // timer callback would run again before the poll.
    run->grace_taken_ = true;
    uv_timer_start(&run->guard_, on_guard, 1, 0);
    return;
  }
  run->finish(probe_failure(run->timeout_reason()));
}

void ProbeRun::on_closed(uv_handle_t* handle) {
  auto* run = static_cast<ProbeRun*>(handle->data);
  if (--run->open_handles_ == 0) delete run;
}

int64_t ProbeRun::elapsed_us() const {
  return static_cast<int64_t>((uv_hrtime() - started_ns_) / 1000);
}

std::string ProbeRun::timeout_reason() const {
  return "timeout after " + std::to_string(monitor().timeout_ms) + "ms";
}

ProbeResult probe_failure(std::string reason) {
  ProbeResult result;
  result.reason = std::move(reason);
  return result;
}

std::string uv_error_reason(const char* what, int uv_error) {
  if (uv_error == UV_ECONNREFUSED) return "connection refused";
  return std::string(what) + ": " + uv_strerror(uv_error);
}

}  // namespace healthd
