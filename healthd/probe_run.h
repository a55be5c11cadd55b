// One probe in flight, the part every probe kind shares: the timeout guard,
// the exactly-once callback, and freeing itself only after libuv has closed
// every handle it opened (libuv writes to a handle until its close callback).
#pragma once

#include <uv.h>

#include <cstdint>
#include <optional>
#include <string>

#include "healthd/probe.h"

namespace healthd {

class ProbeRun;
class CurlMulti;

// The engine's side of a run: told once when a run ends by itself.
class ProbeOwner {
 public:
  virtual void forget(ProbeRun* run) = 0;

 protected:
  ~ProbeOwner() = default;
};

// What a probe kind needs from its engine.
struct ProbeContext {
  uv_loop_t* loop = nullptr;
  const EngineOptions* options = nullptr;
  CurlMulti* curl = nullptr;  // http/https transfers
  ProbeOwner* owner = nullptr;
};

class ProbeRun {
 public:
  ProbeRun(const ProbeContext& context, ProbeTarget target, ProbeDone done);
  ProbeRun(const ProbeRun&) = delete;
  ProbeRun& operator=(const ProbeRun&) = delete;

  // Arms the timeout guard and starts the kind's I/O; never calls `done`.
  void start();
  // Ends the run without calling `done` (engine close).
  void cancel();

 protected:
  virtual ~ProbeRun() = default;  // runs delete themselves (on_closed)

  // Starts the kind's I/O. Failures found here go through finish_soon().
  virtual void begin() = 0;
  // Stops the kind's I/O and closes its handles through close_handle().
  virtual void release() = 0;

  // Ends the run now: releases its handles, then calls `done` once.
  void finish(ProbeResult result);
  // Ends the run on the next loop turn, so `done` never runs inside start().
  void finish_soon(ProbeResult result);
  void close_handle(uv_handle_t* handle);

  bool finished() const { return finished_; }
  uv_loop_t* loop() const { return context_.loop; }
  const ProbeContext& context() const { return context_; }
  const zones::Monitor& monitor() const { return *target_.monitor; }
  const std::string& address() const { return target_.address; }
  int64_t elapsed_us() const;
  std::string timeout_reason() const;

 private:
  static void on_guard(uv_timer_t* timer);
  static void on_closed(uv_handle_t* handle);
  void stop();

  ProbeContext context_;
  ProbeTarget target_;
  ProbeDone done_;
  uv_timer_t guard_{};
  std::optional<ProbeResult> early_result_;
  uint64_t started_ns_ = 0;
  int open_handles_ = 0;
  bool finished_ = false;
  bool grace_taken_ = false;  // the guard fired once and gave the loop a poll
};

// A failed result with `reason`.
ProbeResult probe_failure(std::string reason);
// "connection refused" for ECONNREFUSED, else "<what>: <libuv's text>".
std::string uv_error_reason(const char* what, int uv_error);

}  // namespace healthd
