// The compiled form of the GSLB configuration, part of a Snapshot: flat
// arrays indexed by uint32_t, read by the selector on the query path without
// allocating. Health is the one mutable part: a shared array of atomics the
// control thread updates as health rows arrive, without rebuilding anything.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "zones/gslb_model.h"

namespace zones {

// An IPv4 or IPv6 network (or single address, at full length).
struct Network {
  uint8_t family = 0;  // 1 = IPv4, 2 = IPv6 (as in ECS)
  uint8_t prefix_len = 0;
  uint8_t address[16] = {};  // bits beyond prefix_len are zero

  // True when the first `prefix_len` bits of `addr` (of `fam`) match.
  bool contains(uint8_t fam, const uint8_t* addr) const {
    if (fam != family) return false;
    const unsigned full = prefix_len / 8u, rest = prefix_len % 8u;
    for (unsigned i = 0; i < full; ++i)
      if (addr[i] != address[i]) return false;
    if (rest == 0) return true;
    const uint8_t mask = static_cast<uint8_t>(0xFF00u >> rest);
    return (addr[full] & mask) == address[full];
  }
};

// Per-member health as the selector sees it, written by the control thread
// (relaxed atomics: each field is meaningful alone).
struct MemberHealth {
  std::atomic<uint8_t> state{static_cast<uint8_t>(HealthState::kUnknown)};  // HealthState
  std::atomic<uint32_t> rtt_us{0};         // EWMA of the fresh reports; 0 = not measured
  std::atomic<uint16_t> load_permille{0};  // 0..1000; 0 also when not reported
};

struct CompiledRegion {
  std::string name;
  double latitude = 0, longitude = 0;
  char continent[3] = {};
  char country[3] = {};
};

struct CompiledMember {
  uint8_t family = 0;  // 1 = IPv4 (4 octets of address), 2 = IPv6
  uint8_t address[16] = {};
  uint32_t weight = 1;
  AdminState admin = AdminState::kEnabled;
  uint32_t pool = 0;  // index into ServiceTable::pools
  int64_t id = 0;     // store row id: health rows refer to it
  std::string label;  // name, or the address text
};

struct CompiledPool {
  std::string name;
  uint32_t region = 0;                           // index into ServiceTable::regions
  uint32_t members_begin = 0, member_count = 0;  // ServiceTable::members
  uint32_t min_healthy = 1;
  AdminState admin = AdminState::kEnabled;
  uint32_t stale_after_ms = 3000;  // 3 x monitor interval: older reports are ignored
};

// A service's link to a pool.
struct CompiledLink {
  uint32_t pool = 0;  // index into ServiceTable::pools
  int32_t priority = 1;
  uint32_t weight = 1;
  double bias_km = 0;
};

enum class GeoMatchKind : uint8_t { kCidr, kCountry, kContinent, kDefault };

struct CompiledGeoEntry {
  GeoMatchKind kind = GeoMatchKind::kDefault;
  char code[3] = {};                         // country or continent
  Network network;                           // kCidr
  uint32_t links_begin = 0, link_count = 0;  // ServiceTable::geo_links: indices into the
                                             // service's links (position in links_begin..)
};

struct CompiledOverride {
  Network network;
  uint32_t region = 0;  // index into ServiceTable::regions
};

struct CompiledService {
  std::string name;             // presentation, absolute
  uint32_t node = 0xFFFFFFFFu;  // Snapshot::nodes index of the owner
  Policy policy = Policy::kFailover;
  uint32_t ttl = 30, degraded_ttl = 10, max_answers = 1;
  WhenAllDown when_all_down = WhenAllDown::kFailOpen;
  Affinity affinity = Affinity::kNone;
  uint32_t tolerance_ms = 20;
  double load_threshold = 0.9;
  bool unknown_is_up = true;  // when_unknown: a member without fresh reports is answered
  uint32_t links_begin = 0, link_count = 0;           // ServiceTable::links, sorted by priority
                                                      // (stable: the operator's order breaks ties)
  uint32_t geo_begin = 0, geo_count = 0;              // ServiceTable::geo, in the operator's order
  uint32_t fallback_begin = 0, fallback_count = 0;    // ServiceTable::fallback
  uint32_t overrides_begin = 0, overrides_count = 0;  // ServiceTable::overrides
};

struct ServiceTable {
  std::vector<CompiledRegion> regions;
  std::vector<CompiledPool> pools;
  std::vector<CompiledMember> members;
  std::vector<CompiledLink> links;
  std::vector<CompiledGeoEntry> geo;
  std::vector<uint32_t> geo_links;          // offsets into the owning service's links
  std::vector<CompiledMember> fallback;     // when_all_down: fallback addresses (pool unused)
  std::vector<CompiledOverride> overrides;  // per-service ranges, then the global ones
  uint32_t global_overrides_begin = 0, global_overrides_count = 0;
  std::vector<CompiledService> services;

  // One cell per member, same index as `members`.
  std::unique_ptr<MemberHealth[]> health;
  // Set while this node's data may be out of date (a fleet node cut off from etcd): every
  // service answer then carries its degraded TTL, so resolvers come back soon.
  std::unique_ptr<std::atomic<bool>> stale_data = std::make_unique<std::atomic<bool>>(false);
  std::unordered_map<int64_t, uint32_t> member_by_id;  // control thread only
};

// An address as inet_ntop writes it; family as in Network and CompiledMember (1 or 2).
std::string address_text(uint8_t family, const uint8_t* address);
inline std::string address_text(const CompiledMember& member) {
  return address_text(member.family, member.address);
}

}  // namespace zones
