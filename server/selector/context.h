// The selector's per-query working state, shared by the policy files: the
// service's linked pools as this query sees them, the client's location and
// what the decision depended on (for the ECS scope). Lives on the stack of
// select(); fixed arrays, nothing allocated.
#pragma once

#include <cstdint>

#include "server/selector/selector.h"

namespace server::selector {

// Linked pools considered per query: the first kMaxPools links by priority.
inline constexpr uint32_t kMaxPools = 64;
// Members considered per weighted shuffle (one pool, or all pools for `all`).
inline constexpr uint32_t kMaxMembers = 256;

enum class PoolStatus : uint8_t { kUp, kDown, kDrained, kFailed };

// One linked pool as this query sees it. Filled by evaluate_pools (no
// default member initialisers: the array is not cleared per query).
struct PoolView {
  uint32_t link;             // index into ServiceTable::links
  uint32_t pool;             // index into ServiceTable::pools
  PoolStatus status;         // with the health in force (fail-open: all up)
  PoolStatus health_status;  // with the real health (what the trace reports)
  uint32_t members;          // all members
  uint32_t usable;           // usable members, any family, with the health in force
  uint32_t healthy;          // usable members with the real health
  uint32_t family_members;   // members of the query's family, whatever their state
  uint32_t usable_family;    // usable members of the query's family
  bool candidate;            // up and has a usable member of the query's family
  bool chosen;
  double distance_km;  // proximity/latency: biased distance; -1 when not computed
  double latency_ms;   // latency: estimate; -1 when not computed
  double load;         // latency: 0..1; -1 when not computed
};

enum class LocationSource : uint8_t { kNone, kServiceOverride, kGlobalOverride, kGeoDb };

struct ClientLocation {
  bool looked_up = false;  // locate() ran
  LocationSource source = LocationSource::kNone;
  bool found = false;  // an override matched or the GeoIP database knows the client
  bool has_coordinates = false;
  double latitude = 0, longitude = 0;
  char continent[3] = {};
  char country[3] = {};
  // The prefix of the network that determined the location (uncapped):
  // the override's prefix, the GeoIP network's prefix, or, when a GeoIP
  // database is loaded but does not know the client, the source prefix.
  uint8_t prefix_len = 0;
  const zones::CompiledOverride* override = nullptr;
};

// What the answer depended on, for the ECS scope.
enum class ScopeBasis : uint8_t {
  kNone,      // not on the client: scope 0
  kLocation,  // the client's location (ClientLocation::prefix_len)
  kPrefix,    // a fixed prefix: a geo CIDR entry, the affinity key
};

struct Context {
  // `pools` is left uninitialised: evaluate_pools fills the entries in use.
  Context(const zones::CompiledService& s, const zones::ServiceTable& t, const Client& c,
          const geo::GeoDb* g, Rng& r, Trace* tr)
      : service(s), table(t), client(c), geodb(g), rng(r), trace(tr) {}

  const zones::CompiledService& service;
  const zones::ServiceTable& table;
  const Client& client;
  const geo::GeoDb* geodb;
  Rng& rng;
  Trace* trace;
  uint8_t family = 0;   // of the query: 1 = A, 2 = AAAA
  bool all_up = false;  // when_all_down fail-open: every member's health counts as up
  uint32_t want = 1;    // answers wanted: max_answers within 1..kMaxSelected
  uint32_t pool_count = 0;
  bool pools_capped = false;  // the service links more than kMaxPools pools
  PoolView pools[kMaxPools];
  ClientLocation location;

  // Filled by the policy.
  ScopeBasis scope_basis = ScopeBasis::kNone;
  uint8_t scope_prefix = 0;    // with kPrefix
  bool location_used = false;  // CIDR overrides could have changed the answer
  bool geo_cidr_used = false;  // the geo map's CIDR entries could have changed it

  const zones::CompiledLink& link(const PoolView& v) const { return table.links[v.link]; }
  const zones::CompiledPool& pool(const PoolView& v) const { return table.pools[v.pool]; }
  const zones::CompiledRegion& region(const PoolView& v) const {
    return table.regions[table.pools[v.pool].region];
  }
};

}  // namespace server::selector
