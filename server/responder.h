// The query path's entry point: a request's bytes in, a response's bytes
// out, in straight-line steps (parse_query -> resolve -> write sections ->
// add_opt). Pure with respect to its inputs; never allocates, locks or logs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/query.h"
#include "zones/snapshot.h"

namespace server {

struct ResponderConfig {
  uint16_t max_udp_payload = 1232;  // EDNS payload we advertise and never exceed
  std::string chaos_id;             // id.server / hostname.bind; empty = REFUSED
  std::string chaos_version;        // version.bind / version.server; empty = REFUSED
};

enum class Transport : uint8_t { kUdp, kTcp };

// Per-worker scratch, reused for every query.
struct QueryContext {
  ParsedQuery query;
};

// Writes the response to `req` into `out`, whose capacity must cover the
// transport's limit: kMaxMessage for TCP, max(512, max_udp_payload) for UDP.
// Returns its length, or 0 when nothing should be sent.
size_t answer_query(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
                    const uint8_t* req, size_t req_len, uint8_t* out, Transport transport);

}  // namespace server
