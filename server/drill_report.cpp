#include "server/drill_report.h"

#include <algorithm>

namespace server {
namespace {

bool links_pool(const zones::Service& service, const DrillScope& scope) {
  return std::ranges::any_of(service.pools, [&](const zones::ServicePool& link) {
    return scope.pool_is_target(link.pool);
  });
}

// Every pool with answers in `counts` for `service` that the links do not
// name: the fallback addresses, a pool unlinked during the drill.
void add_counted_pools(const std::string& service, const std::map<AnswerKey, uint64_t>& counts,
                       std::vector<std::string>& pools) {
  for (const auto& [key, count] : counts)
    if (key.first == service && std::ranges::find(pools, key.second) == pools.end())
      pools.push_back(key.second);
}

}  // namespace

uint64_t count_of(const std::map<AnswerKey, uint64_t>& counts, const AnswerKey& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

uint64_t moved_answers(const DrillScope& scope, const DrillCounts& counts) {
  uint64_t total = 0;
  for (const auto& [key, count] : counts.during)
    if (scope.touches(key.first) && !scope.target_pools.contains(key.second)) total += count;
  // A member drill's pool keeps answering with its other members: only the
  // member's own answers did not move.
  if (!scope.target_member) return total;
  return total > counts.answers_at_target ? total - counts.answers_at_target : 0;
}

namespace {

// "1 answer", "2 answers".
std::string answers_text(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " answer" : " answers");
}

std::pair<std::string, std::string> verdict(const DrillScope& scope, const DrillCounts& counts) {
  if (!counts.live_at_ms && !counts.final)
    return {"pending", "waiting for gslbd's workers to answer with the drill"};
  if (!counts.live_at_ms) return {"fail", "the drill never took effect in gslbd's answers"};
  const std::string took = "took effect " +
                           std::to_string(*counts.live_at_ms - counts.started_at_ms) +
                           " ms after the start";
  if (counts.answers_at_target > 0)
    return {"fail", answers_text(counts.answers_at_target) +
                        " still pointed at the target after the drill " + took};
  const uint64_t moved = moved_answers(scope, counts);
  if (moved == 0)
    return {"pass", "the drill " + took +
                        "; no answers for the services it touches since then, none at the target"};
  return {"pass",
          "the drill " + took + "; " + answers_text(moved) + " went elsewhere, none to the target"};
}

nlohmann::json json_or_null(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

bool DrillScope::touches(const std::string& service) const {
  return std::ranges::any_of(services, [&](const auto& entry) { return entry.first == service; });
}

bool DrillScope::pool_is_target(const std::string& pool) const {
  return target_pools.contains(pool) || (target_member && target_member->first == pool);
}

DrillScope drill_scope(const zones::Drill& drill, const zones::GslbConfig& config) {
  DrillScope scope;
  if (drill.kind == zones::DrillTargetKind::kPool) scope.target_pools.insert(drill.target);
  if (drill.kind == zones::DrillTargetKind::kRegion)
    for (const zones::Pool& pool : config.pools)
      if (pool.region == drill.target) scope.target_pools.insert(pool.name);
  if (drill.kind == zones::DrillTargetKind::kMember) {
    const size_t slash = drill.target.find('/');
    scope.target_member =
        MemberKey{drill.target.substr(0, slash),
                  slash == std::string::npos ? "" : drill.target.substr(slash + 1)};
  }
  for (const zones::Service& service : config.services) {
    if (!links_pool(service, scope)) continue;
    std::vector<std::string> pools;
    for (const zones::ServicePool& link : service.pools) pools.push_back(link.pool);
    scope.services.emplace_back(service.name, std::move(pools));
  }
  return scope;
}

nlohmann::json drill_report_json(const DrillScope& scope, const DrillCounts& counts) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& [service, linked] : scope.services) {
    std::vector<std::string> pools = linked;
    add_counted_pools(service, counts.during, pools);
    add_counted_pools(service, counts.before, pools);
    nlohmann::json rows = nlohmann::json::array();
    for (const std::string& pool : pools)
      rows.push_back({{"pool", pool},
                      {"during", count_of(counts.during, {service, pool})},
                      {"before", count_of(counts.before, {service, pool})},
                      {"target", scope.pool_is_target(pool)}});
    services.push_back({{"service", service}, {"pools", std::move(rows)}});
  }
  auto [verdict_text, reason] = verdict(scope, counts);
  return {{"window",
           {{"from_ms", counts.started_at_ms},
            {"to_ms", counts.counted_until_ms},
            {"live_at_ms", json_or_null(counts.live_at_ms)}}},
          {"before",
           {{"from_ms", counts.before_from_ms},
            {"to_ms", counts.before_to_ms},
            {"covered_ms", counts.before_to_ms - counts.before_from_ms}}},
          {"services", std::move(services)},
          {"first_moved_answer_ms", json_or_null(counts.first_moved_answer_ms)},
          {"answers_at_target", counts.answers_at_target},
          {"verdict", verdict_text},
          {"reason", reason},
          {"final", counts.final}};
}

namespace {

int64_t int_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::optional<int64_t> optional_int_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

void read_rows(const nlohmann::json& report, DrillCounts& counts) {
  auto services = report.find("services");
  if (services == report.end() || !services->is_array()) return;
  for (const auto& service : *services) {
    if (!service.is_object() || !service.value("service", nlohmann::json()).is_string()) continue;
    const std::string name = service["service"];
    for (const auto& row : service.value("pools", nlohmann::json::array())) {
      if (!row.is_object() || !row.value("pool", nlohmann::json()).is_string()) continue;
      const AnswerKey key{name, row["pool"].get<std::string>()};
      if (const int64_t n = int_at(row, "during"); n > 0) counts.during[key] = n;
      if (const int64_t n = int_at(row, "before"); n > 0) counts.before[key] = n;
    }
  }
}

}  // namespace

DrillCounts counts_from_report(const nlohmann::json& report) {
  DrillCounts counts;
  if (!report.is_object()) return counts;
  const nlohmann::json window = report.value("window", nlohmann::json::object());
  const nlohmann::json before = report.value("before", nlohmann::json::object());
  if (window.is_object()) {
    counts.started_at_ms = int_at(window, "from_ms");
    counts.counted_until_ms = int_at(window, "to_ms");
    counts.live_at_ms = optional_int_at(window, "live_at_ms");
  }
  if (before.is_object()) {
    counts.before_from_ms = int_at(before, "from_ms");
    counts.before_to_ms = int_at(before, "to_ms");
  }
  read_rows(report, counts);
  counts.answers_at_target =
      static_cast<uint64_t>(std::max<int64_t>(0, int_at(report, "answers_at_target")));
  counts.first_moved_answer_ms = optional_int_at(report, "first_moved_answer_ms");
  return counts;
}

}  // namespace server
