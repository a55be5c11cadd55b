// The periodic healthd_stats log line: is the daemon keeping up? Probes
// started per second, how late they started against their slot (p50, p99,
// max), slots skipped because the previous probe had not ended, probes in
// flight and queued for a concurrency cap, and the writer's progress.
#pragma once

#include <cstddef>
#include <cstdint>

#include "healthd/health_writer.h"
#include "healthd/scheduler.h"

namespace healthd {

void log_schedule_stats(const ScheduleStats& stats, uint32_t window_ms, size_t targets,
                        size_t in_flight, size_t queued, const WriterStats& writer);

}  // namespace healthd
