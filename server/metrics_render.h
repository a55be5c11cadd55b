// gslbd's page of Prometheus metrics: the workers' query counters summed,
// the snapshot feed's status, member health from the serving snapshot, and
// process facts. The admin API's /metrics handler calls this and appends its
// own families. Every metric is described in docs/metrics.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/feed_status.h"
#include "server/geo_reload.h"
#include "server/metrics.h"
#include "server/metrics_text.h"
#include "zones/snapshot.h"

namespace server {

struct GslbdMetricsInput {
  // Every running worker's counters (Worker::metrics()). The workers must
  // outlive the call; their counters are read without stopping them.
  std::vector<const WorkerMetrics*> workers;
  FeedStatus status;  // FeedStatusBoard::read()
  // The serving snapshot: per-member health (its atomics) and a zero series
  // for every service/pool link, so a pool that answers nothing still shows.
  // May be null (then member metrics come from status.health only).
  zones::SnapshotPtr snapshot;
  std::optional<GeoStatus> geo;  // --geoip's database; none without the flag
  uint32_t drills_active = 0;    // drills running now (0 until drills exist)
  std::string version;           // gslb_build_info{version}; GSLB_VERSION
  int64_t started_at_ms = 0;     // unix ms when gslbd started
  int64_t now_ms = 0;            // unix ms of this scrape (ages are relative to it)
};

// Appends gslbd's metric families to `out`. Thread-safe with respect to the
// workers (see WorkerMetrics); allocates, so never call it on a worker.
void write_gslbd_metrics(const GslbdMetricsInput& in, MetricsText& out);

// The same as a whole page ("text/plain; version=0.0.4").
std::string render_gslbd_metrics(const GslbdMetricsInput& in);

}  // namespace server
