// Internal to the responder: the response being built and the steps that
// fill its sections (resolve_in for class IN, answer_chaos for CHAOS).
#pragma once

#include <cstddef>
#include <cstdint>

#include "server/answer_writer.h"
#include "server/query.h"
#include "server/responder.h"

namespace server {

// The outcome of answering: carried from the section writers to the header.
struct Outcome {
  uint16_t rcode = 0;  // may exceed 15: the high bits go into OPT
  bool authoritative = false;
  bool truncated = false;
  uint16_t counts[3] = {0, 0, 0};
  size_t end = 0;         // where the sections end (OPT goes here)
  uint8_t ecs_scope = 0;  // the ECS scope the answer depends on (0: not on the client)
};

// Answers a class IN question from the snapshot. `limit` is where the
// sections must end (room for OPT is already kept aside).
// `ctx` gives the client and RNG for service names.
Outcome resolve_in(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
                   uint8_t* out, size_t limit);

// Answers version.bind / id.server and friends in class CHAOS.
Outcome answer_chaos(const ResponderConfig& cfg, const ParsedQuery& q, uint8_t* out, size_t limit);

}  // namespace server
