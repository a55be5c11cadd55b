// What to probe, from the configuration: one target per (monitor, address),
// however many pools list that address with that monitor (a probe per
// member per service would multiply the load on the regional balancers).
// Each target reports to every member row it stands for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "healthd/probe.h"
#include "zones/gslb_model.h"

namespace healthd {

struct Target {
  std::string key;  // "monitor|address": identity across configuration reloads
  ProbeTarget probe;
  std::vector<int64_t> member_ids;  // every member row this target reports to
  std::vector<std::string> pools;   // their pools, for logs
};

// Targets of every member of every pool that has a monitor, in a stable order.
// Members need their store ids (GslbStore::load fills them).
std::vector<Target> build_targets(const zones::GslbConfig& config);

// Members that exist but no target probes (their pool has no monitor).
std::vector<int64_t> unprobed_members(const zones::GslbConfig& config);

// Whether two monitors probe alike (every field but the name).
bool same_probe(const zones::Monitor& a, const zones::Monitor& b);

}  // namespace healthd
