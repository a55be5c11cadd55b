// The query path's entry point: a request's bytes in, a response's bytes
// out, in straight-line steps (parse_query -> resolve -> write sections ->
// add_opt). Pure with respect to its inputs; never allocates, locks or logs.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "geo/geo_db.h"
#include "server/query.h"
#include "server/selector/selector.h"
#include "zones/snapshot.h"

namespace server {

struct ResponderConfig {
  uint16_t max_udp_payload = 1232;    // EDNS payload we advertise and never exceed
  std::string chaos_id;               // id.server / hostname.bind; empty = REFUSED
  std::string chaos_version;          // version.bind / version.server; empty = REFUSED
  const geo::GeoDb* geodb = nullptr;  // --geoip; null: location policies use default order
  uint8_t ecs_max_prefix_v4 = 24;     // ECS source prefixes are cut to these (RFC 7871 §11.1)
  uint8_t ecs_max_prefix_v6 = 56;
};

enum class Transport : uint8_t { kUdp, kTcp };

class WorkerMetrics;
class QuerySampler;

// Per-worker scratch, reused for every query.
struct QueryContext {
  ParsedQuery query;
  const sockaddr* peer = nullptr;    // the packet's source, set by the I/O code before each query
  Rng rng{0};                        // the worker seeds it
  WorkerMetrics* metrics = nullptr;  // the worker's counters; null: nothing is counted
  QuerySampler* sampler = nullptr;   // --query-log-sample; null: off
};

// Writes the response to `req` into `out`, whose capacity must cover the
// transport's limit: kMaxMessage for TCP, max(512, max_udp_payload) for UDP.
// Returns its length, or 0 when nothing should be sent.
size_t answer_query(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
                    const uint8_t* req, size_t req_len, uint8_t* out, Transport transport);

}  // namespace server
