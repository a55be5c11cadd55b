// What gslbd adds to the admin API beyond the store: GET /v1/status (version,
// uptime, listeners, the serving snapshot, reloads, health summary, drills)
// and its part of GET /metrics (the workers' counters summed, rendered by
// server::write_gslbd_metrics). Both run on HTTP threads and only read:
// FeedStatusBoard copies and the workers' single-writer counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/api/api_server.h"
#include "server/feed_status.h"
#include "server/geo_reload.h"
#include "server/metrics.h"

namespace admin::fleet {
class FleetNode;
}  // namespace admin::fleet

namespace admin::api {

struct GslbdFacts {
  std::string version;                 // GSLB_VERSION
  int64_t started_at_ms = 0;           // unix ms
  std::vector<std::string> listeners;  // DNS listeners as bound ("127.0.0.1:5300")
  int threads = 0;
  std::vector<const server::WorkerMetrics*> workers;  // must outlive the API server
  const server::FeedStatusBoard* board = nullptr;     // must outlive the API server
  const server::GeoReloader* geo = nullptr;  // null without --geoip; must outlive the API server
  // Fleet mode (--etcd): the node's syncer as /v1/status "fleet" and gslb_fleet_* metrics;
  // null on a single node. Must outlive the API server.
  const admin::fleet::FleetNode* fleet = nullptr;
};

// The /v1/status document at `now_ms` (see docs/api.md for its fields).
nlohmann::json gslbd_status_json(const GslbdFacts& facts, const server::FeedStatus& status,
                                 int64_t now_ms);
// Its "geoip" member: the database in service and its reloads.
nlohmann::json geoip_status_json(const server::GeoStatus& geo);

// Hooks that read `facts` (kept by copy; its pointers must stay valid).
ApiHooks gslbd_api_hooks(const GslbdFacts& facts);

}  // namespace admin::api
