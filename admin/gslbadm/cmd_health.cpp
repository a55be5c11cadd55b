// gslbadm health: per member, the state gslbd derives from the vantages' reports (by gslbd's
// own rule, server::effective_health), each vantage's verdict and how old the reports are, so
// a stale verdict is never mistaken for a fresh one; then the vantages' heartbeats.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "server/health_view.h"
#include "zones/gslb_store.h"

namespace gslbadm {
namespace {

struct HealthFlags {
  std::optional<std::string> pool;
  std::string quorum = "majority";
};

// Everything the command shows: the configuration, every health row and the heartbeats.
using HealthData = Stored;

// ---- gslbd's rule ----
// The one place that calls into server/health_view.h, so that a change of its signature is
// absorbed here and nowhere else.

struct Rule {
  server::VantageBeats beats;
  server::Quorum quorum;
};

server::EffectiveHealth combined_health(const std::vector<zones::HealthRow>& reports,
                                        const Rule& rule, uint32_t stale_after_ms, int64_t now) {
  return server::effective_health(reports, rule.beats, stale_after_ms, now, rule.quorum);
}

int64_t report_age(const zones::HealthRow& row, const Rule& rule, int64_t now) {
  return server::report_age_ms(row, rule.beats, now);
}

// ---- one member ----

struct VantageReport {
  zones::HealthRow row;
  int64_t age_ms = 0;
  bool stale = false;
};

struct MemberView {
  const zones::Pool* pool = nullptr;
  const zones::Member* member = nullptr;
  const zones::Monitor* monitor = nullptr;  // nullptr: never probed
  server::EffectiveHealth combined;
  std::vector<VantageReport> reports;    // by vantage name
  std::optional<double> load;            // the combined load, when a fresh report had one
  std::optional<int64_t> changed_at_ms;  // the latest change among the fresh reports
  std::string reason;
};

// Reports as gslbd weighs them: 3 x the monitor's interval (zones/compile_services.cpp).
uint32_t stale_after_ms(const zones::Monitor& monitor) {
  return 3 * monitor.interval_ms;
}

std::vector<VantageReport> vantage_reports(const std::vector<zones::HealthRow>& rows,
                                           const zones::Pool& pool, const zones::Member& member,
                                           uint32_t stale_after, const Rule& rule, int64_t now) {
  std::vector<VantageReport> reports;
  for (const zones::HealthRow* row : member_health(rows, pool, member)) {
    const int64_t age = report_age(*row, rule, now);
    reports.push_back({*row, age, age > static_cast<int64_t>(stale_after)});
  }
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

void summarise_fresh(MemberView& view) {
  for (const VantageReport& r : view.reports) {
    if (r.stale) continue;
    if (r.row.load) view.load = view.combined.load_permille / 1000.0;
    view.changed_at_ms =
        std::max(view.changed_at_ms.value_or(r.row.changed_at_ms), r.row.changed_at_ms);
  }
}

MemberView assess(const HealthData& data, const zones::Pool& pool, const zones::Member& member,
                  const Rule& rule, int64_t now) {
  MemberView view;
  view.pool = &pool;
  view.member = &member;
  view.monitor = find_named(data.config.monitors, pool.monitor);
  if (view.monitor == nullptr) return view;
  const uint32_t stale_after = stale_after_ms(*view.monitor);
  view.reports = vantage_reports(data.health, pool, member, stale_after, rule, now);
  std::vector<zones::HealthRow> rows;
  for (const VantageReport& r : view.reports) rows.push_back(r.row);
  view.combined = combined_health(rows, rule, stale_after, now);
  summarise_fresh(view);
  view.reason = last_reason(view.reports, view.combined.state);
  return view;
}

// ---- output ----

std::string load_text(const std::optional<double>& load) {
  return load ? number_text(*load) : "-";
}

std::string state_text(const MemberView& view) {
  if (view.monitor == nullptr) return "unknown (no monitor)";
  return zones::to_string(view.combined.state);
}

// "ams=up nyc=down(stale)".
std::string vantages_text(const MemberView& view) {
  std::string text;
  for (const VantageReport& r : view.reports) {
    if (!text.empty()) text += " ";
    text += r.row.vantage + "=" + zones::to_string(r.row.state) + (r.stale ? "(stale)" : "");
  }
  return text.empty() ? "-" : text;
}

// The freshest report's age, marked when even that one is stale.
std::string reported_text(const MemberView& view) {
  if (view.combined.newest_age_ms < 0) return "-";
  std::string text = age_text(view.combined.newest_age_ms);
  if (view.combined.fresh_reports == 0) text += " (stale)";
  return text;
}

std::optional<int64_t> rtt_us(const MemberView& view) {
  if (view.combined.rtt_us == 0) return std::nullopt;
  return view.combined.rtt_us;
}

Row member_row(const MemberView& view, int64_t now) {
  const zones::Member& m = *view.member;
  return {view.pool->name,
          m.name.empty() ? m.address : m.name,
          m.address,
          state_text(view),
          vantages_text(view),
          rtt_text(rtt_us(view)),
          load_text(view.load),
          view.changed_at_ms ? age_text(now - *view.changed_at_ms) : "-",
          reported_text(view),
          view.reason.empty() ? "-" : view.reason};
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

nlohmann::json member_json(const MemberView& view) {
  const bool reported = view.combined.newest_age_ms >= 0;
  nlohmann::json reports = nlohmann::json::array();
  for (const VantageReport& r : view.reports) reports.push_back(report_json(r));
  return {{"pool", view.pool->name},
          {"name", view.member->name},
          {"address", view.member->address},
          {"monitor", view.monitor != nullptr ? nlohmann::json(view.monitor->name) : nullptr},
          {"state", zones::to_string(view.combined.state)},
          {"rtt_us", optional_json(rtt_us(view))},
          {"load", optional_json(view.load)},
          {"changed_at_ms", optional_json(view.changed_at_ms)},
          {"age_ms", reported ? nlohmann::json(view.combined.newest_age_ms) : nullptr},
          {"stale", reported && view.combined.fresh_reports == 0},
          {"reason", view.monitor != nullptr ? view.reason : "no monitor"},
          {"vantages", std::move(reports)}};
}

Row vantage_row(const zones::Vantage& v, int64_t now) {
  return {v.name, age_text(now - v.seen_at_ms), age_text(now - v.started_at_ms),
          v.version.empty() ? "-" : v.version};
}

nlohmann::json vantage_json(const zones::Vantage& v, int64_t now) {
  return {{"name", v.name},
          {"seen_at_ms", v.seen_at_ms},
          {"age_ms", now - v.seen_at_ms},
          {"started_at_ms", v.started_at_ms},
          {"version", v.version}};
}

void print_health(const std::vector<MemberView>& views, const HealthData& data, int64_t now) {
  std::vector<Row> members;
  for (const MemberView& view : views) members.push_back(member_row(view, now));
  print_table(std::cout,
              {"POOL", "MEMBER", "ADDRESS", "STATE", "VANTAGES", "RTT", "LOAD", "SINCE", "REPORTED",
               "REASON"},
              members);
  std::vector<Row> vantages;
  for (const zones::Vantage& v : data.vantages) vantages.push_back(vantage_row(v, now));
  std::cout << "\n";
  print_table(std::cout, {"VANTAGE", "HEARTBEAT", "STARTED", "VERSION"}, vantages);
}

nlohmann::json health_report_json(const std::vector<MemberView>& views, const HealthData& data,
                                  const Rule& rule, int64_t now) {
  nlohmann::json members = nlohmann::json::array();
  for (const MemberView& view : views) members.push_back(member_json(view));
  nlohmann::json vantages = nlohmann::json::array();
  for (const zones::Vantage& v : data.vantages) vantages.push_back(vantage_json(v, now));
  return {{"quorum", server::to_string(rule.quorum)},
          {"members", std::move(members)},
          {"vantages", std::move(vantages)}};
}

int run_health(const Context& ctx, const HealthFlags& flags) {
  auto data = load_stored(ctx, true);
  if (!data) return report(data.error());
  if (flags.pool && find_named(data->config.pools, *flags.pool) == nullptr) {
    return report(not_found("pool/" + *flags.pool));
  }
  Rule rule{{}, server::parse_quorum(flags.quorum).value_or(server::Quorum{})};
  for (const zones::Vantage& v : data->vantages) rule.beats[v.name] = v.seen_at_ms;
  const int64_t now = now_ms();
  std::vector<MemberView> views;
  for (const zones::Pool& p : data->config.pools) {
    if (flags.pool && p.name != *flags.pool) continue;
    for (const zones::Member& m : p.members) views.push_back(assess(*data, p, m, rule, now));
  }
  if (ctx.json) return print_json(health_report_json(views, *data, rule, now));
  print_health(views, *data, now);
  return kExitOk;
}

CLI::Validator quorum_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (server::parse_quorum(text)) return {};
        return "not majority, any, all or a number >= 1: \"" + text + "\"";
      },
      "QUORUM");
}

}  // namespace

void add_health_command(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<HealthFlags>();
  auto* cmd = add_command(app, "health",
                          "member health as gslbd sees it, per vantage, with the reports' age "
                          "(stale: older than 3 x the monitor's interval), and the vantages");
  cmd->add_option("--pool", flags->pool, "only this pool's members");
  cmd->add_option("--quorum", flags->quorum,
                  "down reports that make a member down, as gslbd's --health-quorum: majority "
                  "(default), any, all or N")
      ->check(quorum_check());
  on_run(cmd, ctx, [&ctx, flags] { return run_health(ctx, *flags); });
}

}  // namespace gslbadm
