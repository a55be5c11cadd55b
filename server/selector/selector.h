// The selector: a pure function from (service, client, health view, RNG) to
// the addresses to answer, their TTL and the ECS scope. One file per policy
// (failover.cpp, weighted.cpp, geo_policy.cpp, proximity.cpp, latency.cpp,
// all.cpp); shared steps in pool_state.cpp, members.cpp, locate.cpp; the
// flow (family rule, TTL, when_all_down) in select.cpp; explain text in
// trace.cpp. The rules, caps and ECS scope: docs/policies.md.
// On the query path: no allocation, no locks, no logging. A Trace, when
// asked for (gslbadm explain), records why, and may allocate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geo/geo_db.h"
#include "zones/service_table.h"

namespace server {

inline constexpr uint32_t kMaxSelected = 16;  // answers per query, whatever max_answers says

// A small fast PRNG per worker (xorshift64*); seeded per worker, fixed in tests.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  uint64_t state_;
};

// Who is asking: the ECS address when the query had one, else the source
// address of the packet.
struct Client {
  uint8_t family = 0;  // 1 = IPv4, 2 = IPv6
  uint8_t address[16] = {};
  // Bits of `address` that may be used: the ECS source prefix (already capped
  // at the configured maximum, bits beyond it zeroed), or 32/128 for a
  // packet's source address.
  uint8_t source_prefix = 0;
  bool from_ecs = false;
};

// What the selector needs besides the service: the compiled table (with its
// health array), the geo database (null when gslbd runs without --geoip) and
// the worker's RNG.
struct SelectorEnv {
  const zones::ServiceTable* table = nullptr;
  const geo::GeoDb* geodb = nullptr;
  Rng* rng = nullptr;
};

// Why an answer was chosen (explain). Filled only when a Trace is passed.
struct TracePool {
  std::string pool;
  std::string region;
  std::string state;  // "up", "down (1/3 healthy, min 2)", "drained", "failed", "no IPv6 member"
  double distance_km = -1;  // great-circle km from the client; -1 when its location is unknown
  double bias_km = 0;       // the link's bias (proximity/latency rank by distance - bias)
  double latency_ms = -1;   // latency policy: estimated latency
  double load = -1;         // latency policy: reported load 0..1
  uint32_t weight = 0;
  int32_t priority = 0;
  bool chosen = false;
};

struct Trace {
  std::string location;  // "203.0.113.9 (ECS 203.0.113.0/24): EU/DE 50.11,8.68 (network /25)"
  std::string location_source;  // "ecs", "source address", "cidr override 10.0.0.0/8 -> us-east"
  std::vector<TracePool> pools;
  std::vector<std::string> members;  // chosen members, "us-east/192.0.2.10 (web-1)"
  std::string rule;                  // the rule that decided, in words
  std::vector<std::string> notes;    // e.g. "no GeoIP database: default order"
};

struct Selection {
  uint32_t count = 0;
  const zones::CompiledMember* answers[kMaxSelected] = {};  // members or fallback addresses
  uint32_t ttl = 0;
  uint8_t scope_prefix = 0;  // ECS scope: 0 when the answer does not depend on the client
  // True when the answer is empty because of the family or when_all_down:
  // nodata (the responder then writes NODATA with the SOA).
  bool nodata = false;
};

// Chooses the answer for one query of `qtype` (A = 1 or AAAA = 28) at `service`.
Selection select(const zones::CompiledService& service, uint16_t qtype, const Client& client,
                 const SelectorEnv& env, Trace* trace = nullptr);

}  // namespace server
