// JSON shapes of the GSLB configuration (see gslb_json.h).
#include "zones/gslb_json.h"

#include <array>
#include <charconv>

namespace zones {
namespace {

struct Unit {
  const char* suffix;
  uint64_t ms;
};

// Largest first, so formatting picks the largest unit that divides exactly.
constexpr std::array<Unit, 4> kUnits{{{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}}};

}  // namespace

std::string format_duration_ms(uint64_t ms) {
  if (ms == 0) return "0s";
  for (const Unit& u : kUnits) {
    if (ms % u.ms == 0) return std::to_string(ms / u.ms) + u.suffix;
  }
  return std::to_string(ms) + "ms";  // not reached: every number is a multiple of 1ms
}

std::optional<uint64_t> parse_duration_ms(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
  std::string_view suffix = text.substr(digits);
  uint64_t scale = 1000;  // a bare number is seconds
  if (!suffix.empty()) {
    scale = 0;
    for (const Unit& u : kUnits) {
      if (suffix == u.suffix) scale = u.ms;
    }
    if (scale == 0) return std::nullopt;
  }
  if (number > UINT64_MAX / scale) return std::nullopt;
  return number * scale;
}

nlohmann::json gslb_json(const Region& region) {
  return {{"name", region.name},
          {"lat", region.latitude},
          {"lon", region.longitude},
          {"continent", region.continent},
          {"country", region.country}};
}

namespace {

// The knobs added with gslb-healthd are written only when they differ from their defaults,
// so that the config of a store that does not use them reads (and exports) as before.
void add_http_knobs(nlohmann::json& j, const Monitor& monitor, const Monitor& defaults) {
  if (monitor.method != defaults.method) j["method"] = monitor.method;
  if (monitor.tls_verify != defaults.tls_verify) j["tls_verify"] = monitor.tls_verify;
  if (monitor.ca_file) j["ca_file"] = *monitor.ca_file;
  if (monitor.follow_redirects != defaults.follow_redirects) {
    j["follow_redirects"] = monitor.follow_redirects;
  }
  if (monitor.load_header) j["load_header"] = *monitor.load_header;
}

void add_dns_knobs(nlohmann::json& j, const Monitor& monitor, const Monitor& defaults) {
  if (monitor.query_name) j["query_name"] = *monitor.query_name;
  if (monitor.query_type != defaults.query_type) j["query_type"] = monitor.query_type;
  if (monitor.expect_rcode != defaults.expect_rcode) j["expect_rcode"] = monitor.expect_rcode;
  if (monitor.expect_answer != defaults.expect_answer) j["expect_answer"] = monitor.expect_answer;
}

void add_scheduling_knobs(nlohmann::json& j, const Monitor& monitor, const Monitor& defaults) {
  if (monitor.jitter_ms) j["jitter"] = format_duration_ms(*monitor.jitter_ms);
  if (monitor.max_concurrent != defaults.max_concurrent) {
    j["max_concurrent"] = monitor.max_concurrent;
  }
}

}  // namespace

const std::vector<std::string_view>& monitor_keys() {
  static const std::vector<std::string_view> keys{"name",
                                                  "type",
                                                  "port",
                                                  "method",
                                                  "path",
                                                  "host",
                                                  "expect_status",
                                                  "expect_body",
                                                  "tls_verify",
                                                  "ca_file",
                                                  "follow_redirects",
                                                  "query_name",
                                                  "query_type",
                                                  "expect_rcode",
                                                  "expect_answer",
                                                  "interval",
                                                  "timeout",
                                                  "jitter",
                                                  "rise",
                                                  "fall",
                                                  "max_concurrent",
                                                  "load_field",
                                                  "load_header"};
  return keys;
}

nlohmann::json gslb_json(const Monitor& monitor) {
  nlohmann::json j = {
      {"name", monitor.name}, {"type", monitor.type}, {"port", monitor.port},
      {"path", monitor.path}, {"host", monitor.host}, {"expect_status", monitor.expect_status},
  };
  if (monitor.expect_body) j["expect_body"] = *monitor.expect_body;
  j["interval"] = format_duration_ms(monitor.interval_ms);
  j["timeout"] = format_duration_ms(monitor.timeout_ms);
  j["rise"] = monitor.rise;
  j["fall"] = monitor.fall;
  if (monitor.load_field) j["load_field"] = *monitor.load_field;
  static const Monitor kDefaults;
  add_http_knobs(j, monitor, kDefaults);
  add_dns_knobs(j, monitor, kDefaults);
  add_scheduling_knobs(j, monitor, kDefaults);
  return j;
}

nlohmann::json gslb_json(const Member& member) {
  return {{"address", member.address},
          {"name", member.name},
          {"weight", member.weight},
          {"admin_state", to_string(member.admin)}};
}

nlohmann::json gslb_json(const Pool& pool) {
  nlohmann::json j = {{"name", pool.name}, {"region", pool.region}};
  if (!pool.monitor.empty()) j["monitor"] = pool.monitor;
  j["min_healthy"] = pool.min_healthy;
  j["admin_state"] = to_string(pool.admin);
  nlohmann::json members = nlohmann::json::array();
  for (const Member& m : pool.members) members.push_back(gslb_json(m));
  j["members"] = std::move(members);
  return j;
}

nlohmann::json gslb_json(const ServicePool& link) {
  return {{"pool", link.pool},
          {"priority", link.priority},
          {"weight", link.weight},
          {"bias", link.bias_km}};
}

nlohmann::json gslb_json(const GeoEntry& entry) {
  return {{"match", entry.match}, {"pools", entry.pools}};
}

nlohmann::json gslb_json(const CidrOverride& override_) {
  return {{"network", override_.network}, {"region", override_.region}};
}

namespace {

template <typename T>
nlohmann::json list_json(const std::vector<T>& items) {
  nlohmann::json list = nlohmann::json::array();
  for (const T& item : items) list.push_back(gslb_json(item));
  return list;
}

}  // namespace

nlohmann::json gslb_json(const Service& service) {
  nlohmann::json j = {
      {"name", service.name},
      {"policy", to_string(service.policy)},
      {"ttl", service.ttl},
      {"degraded_ttl", service.degraded_ttl},
      {"max_answers", service.max_answers},
      {"when_all_down", to_string(service.when_all_down)},
  };
  if (!service.fallback.empty()) j["fallback"] = service.fallback;
  j["affinity"] = to_string(service.affinity);
  j["tolerance_ms"] = service.tolerance_ms;
  j["load_threshold"] = service.load_threshold;
  // Written only when not the default (up), as for the monitor knobs above.
  if (service.when_unknown != Service{}.when_unknown) {
    j["when_unknown"] = to_string(service.when_unknown);
  }
  j["pools"] = list_json(service.pools);
  if (!service.geo.empty()) j["geo"] = list_json(service.geo);
  if (!service.overrides.empty()) j["overrides"] = list_json(service.overrides);
  return j;
}

nlohmann::json gslb_json(const GslbConfig& config) {
  nlohmann::json j = {
      {"monitors", list_json(config.monitors)},
      {"regions", list_json(config.regions)},
      {"pools", list_json(config.pools)},
      {"services", list_json(config.services)},
  };
  if (!config.overrides.empty()) j["overrides"] = list_json(config.overrides);
  return j;
}

}  // namespace zones
