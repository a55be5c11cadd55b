// Member health as gslbd sees it (see health_report.h).
#include "admin/health_report.h"

#include <algorithm>

namespace admin {
namespace {

// Reports as gslbd weighs them: 3 x the monitor's interval (zones/compile_services.cpp).
uint32_t stale_after_ms(const zones::Monitor& monitor) {
  return 3 * monitor.interval_ms;
}

server::VantageBeats beats_of(const std::vector<zones::Vantage>& vantages) {
  server::VantageBeats beats;
  for (const zones::Vantage& v : vantages) beats[v.name] = v.seen_at_ms;
  return beats;
}

const zones::Monitor* monitor_named(const zones::GslbConfig& config, const std::string& name) {
  for (const zones::Monitor& m : config.monitors) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// The member's rows, one per vantage that reported, by vantage name.
std::vector<VantageReport> vantage_reports(const std::vector<zones::HealthRow>& rows,
                                           const zones::Pool& pool, const zones::Member& member,
                                           uint32_t stale_after, const server::VantageBeats& beats,
                                           int64_t now) {
  std::vector<VantageReport> reports;
  for (const zones::HealthRow& row : rows) {
    if (row.pool != pool.name) continue;
    if ((member.id == 0 || row.member_id != member.id) && row.address != member.address) continue;
    const int64_t age = server::report_age_ms(row, beats, now);
    reports.push_back({row, age, age > static_cast<int64_t>(stale_after)});
  }
  std::sort(reports.begin(), reports.end(),
            [](const auto& a, const auto& b) { return a.row.vantage < b.row.vantage; });
  return reports;
}

// The reason of the freshest report agreeing with the combined state, else of the freshest.
std::string last_reason(const std::vector<VantageReport>& reports, zones::HealthState state) {
  const VantageReport* freshest = nullptr;
  const VantageReport* agreeing = nullptr;
  for (const VantageReport& r : reports) {
    if (freshest == nullptr || r.age_ms < freshest->age_ms) freshest = &r;
    if (!r.stale && r.row.state == state && (agreeing == nullptr || r.age_ms < agreeing->age_ms))
      agreeing = &r;
  }
  if (agreeing != nullptr) return agreeing->row.reason;
  return freshest != nullptr ? freshest->row.reason : "";
}

void summarise_fresh(MemberHealth& view) {
  for (const VantageReport& r : view.reports) {
    if (r.stale) continue;
    if (r.row.load) view.load = view.combined.load_permille / 1000.0;
    view.changed_at_ms =
        std::max(view.changed_at_ms.value_or(r.row.changed_at_ms), r.row.changed_at_ms);
  }
}

MemberHealth assess(const HealthSources& sources, const zones::Pool& pool,
                    const zones::Member& member, const server::VantageBeats& beats,
                    const server::Quorum& quorum, int64_t now) {
  MemberHealth view;
  view.pool = &pool;
  view.member = &member;
  view.monitor = monitor_named(sources.config, pool.monitor);
  if (view.monitor == nullptr) return view;
  const uint32_t stale_after = stale_after_ms(*view.monitor);
  view.reports = vantage_reports(sources.rows, pool, member, stale_after, beats, now);
  std::vector<zones::HealthRow> rows;
  for (const VantageReport& r : view.reports) rows.push_back(r.row);
  view.combined = server::effective_health(rows, beats, stale_after, now, quorum);
  summarise_fresh(view);
  view.reason = last_reason(view.reports, view.combined.state);
  return view;
}

nlohmann::json optional_json(const auto& value) {
  if (value) return *value;
  return nullptr;
}

nlohmann::json report_json(const VantageReport& r) {
  return {{"vantage", r.row.vantage},
          {"state", zones::to_string(r.row.state)},
          {"age_ms", r.age_ms},
          {"stale", r.stale},
          {"rtt_us", optional_json(r.row.rtt_us)},
          {"rtt_ewma_us", optional_json(r.row.rtt_ewma_us)},
          {"load", optional_json(r.row.load)},
          {"checked_at_ms", r.row.checked_at_ms},
          {"changed_at_ms", r.row.changed_at_ms},
          {"reason", r.row.reason}};
}

nlohmann::json member_json(const MemberHealth& view) {
  const bool reported = view.combined.newest_age_ms >= 0;
  nlohmann::json reports = nlohmann::json::array();
  for (const VantageReport& r : view.reports) reports.push_back(report_json(r));
  return {{"pool", view.pool->name},
          {"name", view.member->name},
          {"address", view.member->address},
          {"monitor", view.monitor != nullptr ? nlohmann::json(view.monitor->name) : nullptr},
          {"state", zones::to_string(view.combined.state)},
          {"rtt_us", optional_json(combined_rtt_us(view))},
          {"load", optional_json(view.load)},
          {"changed_at_ms", optional_json(view.changed_at_ms)},
          {"age_ms", reported ? nlohmann::json(view.combined.newest_age_ms) : nullptr},
          {"stale", reported && view.combined.fresh_reports == 0},
          {"reason", view.monitor != nullptr ? view.reason : "no monitor"},
          {"vantages", std::move(reports)}};
}

nlohmann::json vantage_json(const zones::Vantage& v, int64_t now) {
  return {{"name", v.name},
          {"seen_at_ms", v.seen_at_ms},
          {"age_ms", now - v.seen_at_ms},
          {"started_at_ms", v.started_at_ms},
          {"version", v.version}};
}

}  // namespace

std::vector<MemberHealth> assess_health(const HealthSources& sources,
                                        const std::optional<std::string>& pool,
                                        const server::Quorum& quorum, int64_t now_ms) {
  const server::VantageBeats beats = beats_of(sources.vantages);
  std::vector<MemberHealth> views;
  for (const zones::Pool& p : sources.config.pools) {
    if (pool && p.name != *pool) continue;
    for (const zones::Member& m : p.members)
      views.push_back(assess(sources, p, m, beats, quorum, now_ms));
  }
  return views;
}

nlohmann::json health_report_json(const std::vector<MemberHealth>& members,
                                  const HealthSources& sources, const server::Quorum& quorum,
                                  int64_t now_ms) {
  nlohmann::json list = nlohmann::json::array();
  for (const MemberHealth& view : members) list.push_back(member_json(view));
  nlohmann::json vantages = nlohmann::json::array();
  for (const zones::Vantage& v : sources.vantages) vantages.push_back(vantage_json(v, now_ms));
  return {{"quorum", server::to_string(quorum)},
          {"members", std::move(list)},
          {"vantages", std::move(vantages)}};
}

std::optional<int64_t> combined_rtt_us(const MemberHealth& member) {
  if (member.combined.rtt_us == 0) return std::nullopt;
  return member.combined.rtt_us;
}

}  // namespace admin
