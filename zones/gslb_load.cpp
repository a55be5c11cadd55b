// Reading the whole GSLB configuration from its tables (see GslbStore::load).
#include <map>

#include <nlohmann/json.hpp>

#include "zones/gslb_internal.h"

namespace zones::gslb {
namespace {

// Steps `sql` to the end, calling `row` for each row.
template <typename RowFn>
Result<void> each_row(Db& db, std::string_view sql, RowFn row) {
  auto stmt = db.prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  while (true) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
    row(*stmt);
  }
}

std::vector<std::string> string_list(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<uint16_t> status_list(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<uint16_t> out;
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_number_unsigned()) out.push_back(item.get<uint16_t>());
  }
  return out;
}

std::optional<std::string> optional_text(const Statement& s, int column) {
  if (s.null_at(column)) return std::nullopt;
  return s.text_at(column);
}

uint32_t u32(const Statement& s, int column) {
  return static_cast<uint32_t>(s.int_at(column));
}

bool flag(const Statement& s, int column) {
  return s.int_at(column) != 0;
}

constexpr std::string_view kMonitorQuery =
    "SELECT name, type, port, path, host, expect_status, expect_body, interval_ms, timeout_ms, "
    "rise, fall, load_field, method, tls_verify, ca_file, follow_redirects, load_header, "
    "query_name, query_type, expect_rcode, expect_answer, jitter_ms, max_concurrent "
    "FROM monitor ORDER BY name";

// One row of kMonitorQuery.
Monitor read_monitor(const Statement& s) {
  Monitor m;
  m.name = s.text_at(0);
  m.type = s.text_at(1);
  m.port = static_cast<uint16_t>(s.int_at(2));
  m.path = s.text_at(3);
  m.host = s.text_at(4);
  m.expect_status = status_list(s.text_at(5));
  m.expect_body = optional_text(s, 6);
  m.interval_ms = u32(s, 7);
  m.timeout_ms = u32(s, 8);
  m.rise = u32(s, 9);
  m.fall = u32(s, 10);
  m.load_field = optional_text(s, 11);
  m.method = s.text_at(12);
  m.tls_verify = flag(s, 13);
  m.ca_file = optional_text(s, 14);
  m.follow_redirects = flag(s, 15);
  m.load_header = optional_text(s, 16);
  m.query_name = optional_text(s, 17);
  m.query_type = s.text_at(18);
  m.expect_rcode = s.text_at(19);
  m.expect_answer = flag(s, 20);
  if (!s.null_at(21)) m.jitter_ms = u32(s, 21);
  m.max_concurrent = u32(s, 22);
  return m;
}

}  // namespace

Result<GslbConfig> load_config(Db& db) {
  GslbConfig config;
  auto ok = each_row(db, kMonitorQuery,
                     [&](const Statement& s) { config.monitors.push_back(read_monitor(s)); });
  if (!ok) return std::unexpected(ok.error());

  ok =
      each_row(db, "SELECT name, latitude, longitude, continent, country FROM region ORDER BY name",
               [&](const Statement& s) {
                 config.regions.push_back(
                     {s.text_at(0), s.double_at(1), s.double_at(2), s.text_at(3), s.text_at(4)});
               });
  if (!ok) return std::unexpected(ok.error());

  std::map<int64_t, size_t> pool_index;
  ok = each_row(db,
                "SELECT p.id, p.name, r.name, ifnull(m.name, ''), p.min_healthy, p.admin_state "
                "FROM pool p JOIN region r ON r.id = p.region_id "
                "LEFT JOIN monitor m ON m.id = p.monitor_id ORDER BY p.name",
                [&](const Statement& s) {
                  Pool p;
                  p.name = s.text_at(1);
                  p.region = s.text_at(2);
                  p.monitor = s.text_at(3);
                  p.min_healthy = u32(s, 4);
                  p.admin = parse_admin_state(s.text_at(5)).value_or(AdminState::kEnabled);
                  pool_index[s.int_at(0)] = config.pools.size();
                  config.pools.push_back(std::move(p));
                });
  if (!ok) return std::unexpected(ok.error());

  ok = each_row(db,
                "SELECT id, pool_id, address, name, weight, admin_state FROM member "
                "ORDER BY pool_id, position, id",
                [&](const Statement& s) {
                  Member m;
                  m.id = s.int_at(0);
                  m.address = s.text_at(2);
                  m.name = s.text_at(3);
                  m.weight = u32(s, 4);
                  m.admin = parse_admin_state(s.text_at(5)).value_or(AdminState::kEnabled);
                  config.pools[pool_index.at(s.int_at(1))].members.push_back(std::move(m));
                });
  if (!ok) return std::unexpected(ok.error());

  std::map<int64_t, size_t> service_index;
  ok = each_row(db,
                "SELECT id, name, policy, ttl, degraded_ttl, max_answers, when_all_down, "
                "fallback, affinity, tolerance_ms, load_threshold, when_unknown "
                "FROM service ORDER BY name",
                [&](const Statement& s) {
                  Service v;
                  v.name = s.text_at(1);
                  v.policy = parse_policy(s.text_at(2)).value_or(Policy::kFailover);
                  v.ttl = u32(s, 3);
                  v.degraded_ttl = u32(s, 4);
                  v.max_answers = u32(s, 5);
                  v.when_all_down =
                      parse_when_all_down(s.text_at(6)).value_or(WhenAllDown::kFailOpen);
                  v.fallback = string_list(s.text_at(7));
                  v.affinity = parse_affinity(s.text_at(8)).value_or(Affinity::kNone);
                  v.tolerance_ms = u32(s, 9);
                  v.load_threshold = s.double_at(10);
                  v.when_unknown = parse_health_state(s.text_at(11)).value_or(HealthState::kUp);
                  service_index[s.int_at(0)] = config.services.size();
                  config.services.push_back(std::move(v));
                });
  if (!ok) return std::unexpected(ok.error());

  ok = each_row(db,
                "SELECT sp.service_id, p.name, sp.priority, sp.weight, sp.bias "
                "FROM service_pool sp JOIN pool p ON p.id = sp.pool_id "
                "ORDER BY sp.service_id, sp.position, p.name",
                [&](const Statement& s) {
                  ServicePool link;
                  link.pool = s.text_at(1);
                  link.priority = static_cast<int32_t>(s.int_at(2));
                  link.weight = u32(s, 3);
                  link.bias_km = s.double_at(4);
                  config.services[service_index.at(s.int_at(0))].pools.push_back(link);
                });
  if (!ok) return std::unexpected(ok.error());

  std::map<int64_t, std::pair<size_t, size_t>> geo_index;  // geo_map.id -> (service, entry)
  ok = each_row(db, "SELECT service_id, id, match FROM geo_map ORDER BY service_id, position",
                [&](const Statement& s) {
                  size_t service = service_index.at(s.int_at(0));
                  auto& geo = config.services[service].geo;
                  geo_index[s.int_at(1)] = {service, geo.size()};
                  geo.push_back({s.text_at(2), {}});
                });
  if (!ok) return std::unexpected(ok.error());

  ok = each_row(db,
                "SELECT gp.geo_map_id, p.name FROM geo_map_pool gp JOIN pool p ON p.id = "
                "gp.pool_id ORDER BY gp.geo_map_id, gp.position",
                [&](const Statement& s) {
                  auto [service, entry] = geo_index.at(s.int_at(0));
                  config.services[service].geo[entry].pools.push_back(s.text_at(1));
                });
  if (!ok) return std::unexpected(ok.error());

  ok =
      each_row(db,
               "SELECT o.service_id, o.network, r.name FROM cidr_override o "
               "JOIN region r ON r.id = o.region_id "
               "ORDER BY ifnull(o.service_id, 0), o.position, o.id",
               [&](const Statement& s) {
                 CidrOverride o{s.text_at(1), s.text_at(2)};
                 if (s.null_at(0)) {
                   config.overrides.push_back(std::move(o));
                 } else {
                   config.services[service_index.at(s.int_at(0))].overrides.push_back(std::move(o));
                 }
               });
  if (!ok) return std::unexpected(ok.error());
  return config;
}

}  // namespace zones::gslb

namespace zones {

Result<GslbConfig> GslbStore::load() {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  return gslb::load_config(db_);
}

}  // namespace zones
