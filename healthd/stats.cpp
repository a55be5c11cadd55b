// log_schedule_stats (see stats.h).
#include "healthd/stats.h"

#include <algorithm>
#include <string>
#include <vector>

#include "zones/log.h"

namespace healthd {
namespace {

uint32_t percentile(std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[at];
}

}  // namespace

void log_schedule_stats(const ScheduleStats& stats, uint32_t window_ms, size_t targets,
                        size_t in_flight, size_t queued, const WriterStats& writer) {
  std::vector<uint32_t> late = stats.started_late_ms;
  std::sort(late.begin(), late.end());
  const double per_second = window_ms > 0 ? stats.probes * 1000.0 / window_ms : 0;
  const std::string rate = std::to_string(static_cast<uint64_t>(per_second + 0.5));
  zones::log_event(zones::LogLevel::kInfo, "healthd_stats",
                   {{"targets", std::to_string(targets)},
                    {"probes_per_s", rate},
                    {"late_p50_ms", std::to_string(percentile(late, 0.50))},
                    {"late_p99_ms", std::to_string(percentile(late, 0.99))},
                    {"late_max_ms", std::to_string(late.empty() ? 0 : late.back())},
                    {"skipped", std::to_string(stats.skipped)},
                    {"in_flight", std::to_string(in_flight)},
                    {"queued", std::to_string(queued)},
                    {"rows_written", std::to_string(writer.rows)},
                    {"write_failures", std::to_string(writer.failures)},
                    {"rows_pending", std::to_string(writer.pending)}});
}

}  // namespace healthd
