// JSON shapes of the GSLB configuration: exactly the declarative config format of
// `gslbadm apply -f` (see the design notes, "Declarative config"), shared by `gslbadm export`,
// the audit log, gslbadm --json and the API. Every field is written, except optional values
// that are unset (a monitor's expect_body and load_field, a pool's empty monitor), empty
// lists (a service's fallback, geo and overrides; the global overrides), and the knobs added
// for gslb-healthd (a monitor's method, TLS, redirect, load_header, dns and scheduling knobs;
// a service's when_unknown), which are written only when they differ from their defaults so
// that older exports stay byte-identical. Durations are
// strings ("1s", "800ms"); a link's `bias` is ServicePool::bias_km.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "zones/gslb_model.h"

namespace zones {

nlohmann::json gslb_json(const Region& region);
nlohmann::json gslb_json(const Monitor& monitor);
// A monitor's keys in the order the config file writes them (the parser's known keys, the
// emitter's order and the plan's field order all come from here).
const std::vector<std::string_view>& monitor_keys();
nlohmann::json gslb_json(const Member& member);  // without the row id
nlohmann::json gslb_json(const Pool& pool);      // with its members
nlohmann::json gslb_json(const ServicePool& link);
nlohmann::json gslb_json(const GeoEntry& entry);
nlohmann::json gslb_json(const CidrOverride& override_);
nlohmann::json gslb_json(const Service& service);
// {monitors, regions, pools, services[, overrides]}: what `gslbadm export` writes.
nlohmann::json gslb_json(const GslbConfig& config);

// The shortest exact spelling: "1h", "10m", "1s", "800ms" ("0s" for zero).
std::string format_duration_ms(uint64_t ms);
// "500ms", "1s", "10m", "1h", or a bare number of seconds; digits only (no sign, no
// fraction). nullopt when malformed or beyond uint64 milliseconds.
std::optional<uint64_t> parse_duration_ms(std::string_view text);

}  // namespace zones
