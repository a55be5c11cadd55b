// What a drill would change, per service and per client region, without changing anything:
// the API's `POST /v1/drills {"dry_run": true}` and `gslbadm drill start --dry-run`.
//
// For every service, the answer is chosen twice with gslbd's own selector: over the
// configuration with the running drills overlaid (what is served now) and with the proposed
// drill overlaid as well. Both use the store's current health and the same fixed random seed,
// so weighted choices are deterministic (a weighted service may still show a change where the
// same seed simply lands on another pool once the pool set differs).
//
// Client regions asked about, per service:
//  - "continent EU", "country DE", "cidr 203.0.113.0/24": each located entry of the service's
//    geo map (the default entry is the "default" client below). A continent or country client
//    has only that code (a country client also takes the continent of a configured region
//    in that country); it has no coordinates worth measuring from, which only proximity-style
//    policies would use, and those have no geo map. A cidr client asks from the network's
//    first address.
//  - "region NAME": a client at each configured region (its coordinates, continent, country).
//  - "default": a client with no known location.
// Continent, country and region clients are placed with one synthetic /128 global CIDR
// override each, from the discard prefix 100::/64 (RFC 6666), added to the compiled tables
// only; a service override covering that prefix would place them instead.
//
// Family: the A answer when the service links a pool with an IPv4 member (or has an IPv4
// fallback address), else the AAAA answer.
//
// The result:
//   {"changes": [{"service": "www.example.",
//                 "clients": [{"client": "default",
//                              "before": ["192.0.2.1"], "after": ["198.51.100.1"],
//                              "ttl_before": 30, "ttl_after": 10}, ...]}, ...],
//    "unchanged_services": 3}
// Only clients whose answer set (addresses, sorted; [] is NODATA) or TTL changes are listed,
// and only services with such a client; every other service counts as unchanged.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/health_view.h"
#include "zones/db.h"
#include "zones/drills.h"
#include "zones/gslb_model.h"
#include "zones/result.h"

namespace admin {

inline constexpr uint64_t kDryRunSeed = 1;

// The changes `proposed` makes to the answers served from `config` (the stored configuration,
// with member ids) with the drills `running` overlaid, under `health` (a polled HealthView).
zones::Result<nlohmann::json> drill_changes(const zones::GslbConfig& config,
                                            const std::vector<zones::Drill>& running,
                                            const zones::Drill& proposed,
                                            server::HealthView& health, int64_t now_ms);

// The same, reading the configuration, the drills running at `now_ms` and the health from
// `db` (migrated). `proposed` comes from DrillStore::start with dry_run or drill_from_spec.
zones::Result<nlohmann::json> drill_dry_run(zones::Db& db, const zones::Drill& proposed,
                                            const server::Quorum& quorum, int64_t now_ms);

}  // namespace admin
