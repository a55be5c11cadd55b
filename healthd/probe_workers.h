// Probes spread over worker threads. One loop thread of libcurl transfers
// tops out at a few thousand fresh HTTP connections per second, so the
// daemon's scheduler (on its own loop) hands each probe to one of N worker
// threads, each with its own libuv loop and probe engine (and so its own curl
// multi handle); results come back to the scheduler's loop. Scheduling,
// verdicts and writes stay single-threaded; only the measuring is parallel.
#pragma once

#include <uv.h>

#include <cstddef>
#include <memory>

#include "healthd/probe.h"
#include "zones/result.h"

namespace healthd {

// A ProbeEngine whose `done` callbacks run on `loop` (the caller's), while
// the probes run on `threads` worker threads (least busy first). close()
// joins the workers; it must run on `loop`'s thread. After close(), start()
// does nothing (no callback), as for probes that close() cut.
zones::Result<std::unique_ptr<ProbeEngine>> start_probe_workers(uv_loop_t* loop,
                                                                const EngineOptions& options,
                                                                size_t threads);

// The default --probe-threads: the machine's cores, at least 1, at most 8.
size_t default_probe_threads();

}  // namespace healthd
