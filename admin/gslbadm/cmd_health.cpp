// gslbadm health: per member, the state gslbd derives from the vantages' reports (by gslbd's
// own rule, via admin/health_report.h, shared with the admin API), each vantage's verdict and
// how old the reports are, so a stale verdict is never mistaken for a fresh one; then the
// vantages' heartbeats.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "admin/health_report.h"
#include "server/health_view.h"
#include "zones/gslb_store.h"

namespace gslbadm {
namespace {

struct HealthFlags {
  std::optional<std::string> pool;
  std::string quorum = "majority";
};

using admin::MemberHealth;
using admin::VantageReport;

// ---- output ----

std::string load_text(const std::optional<double>& load) {
  return load ? number_text(*load) : "-";
}

std::string state_text(const MemberHealth& view) {
  if (view.monitor == nullptr) return "unknown (no monitor)";
  return zones::to_string(view.combined.state);
}

// "ams=up nyc=down(stale)".
std::string vantages_text(const MemberHealth& view) {
  std::string text;
  for (const VantageReport& r : view.reports) {
    if (!text.empty()) text += " ";
    text += r.row.vantage + "=" + zones::to_string(r.row.state) + (r.stale ? "(stale)" : "");
  }
  return text.empty() ? "-" : text;
}

// The freshest report's age, marked when even that one is stale.
std::string reported_text(const MemberHealth& view) {
  if (view.combined.newest_age_ms < 0) return "-";
  std::string text = age_text(view.combined.newest_age_ms);
  if (view.combined.fresh_reports == 0) text += " (stale)";
  return text;
}

Row member_row(const MemberHealth& view, int64_t now) {
  const zones::Member& m = *view.member;
  return {view.pool->name,
          m.name.empty() ? m.address : m.name,
          m.address,
          state_text(view),
          vantages_text(view),
          rtt_text(admin::combined_rtt_us(view)),
          load_text(view.load),
          view.changed_at_ms ? age_text(now - *view.changed_at_ms) : "-",
          reported_text(view),
          view.reason.empty() ? "-" : view.reason};
}

Row vantage_row(const zones::Vantage& v, int64_t now) {
  return {v.name, age_text(now - v.seen_at_ms), age_text(now - v.started_at_ms),
          v.version.empty() ? "-" : v.version};
}

void print_health(const std::vector<MemberHealth>& views, const Stored& data, int64_t now) {
  std::vector<Row> members;
  for (const MemberHealth& view : views) members.push_back(member_row(view, now));
  print_table(std::cout,
              {"POOL", "MEMBER", "ADDRESS", "STATE", "VANTAGES", "RTT", "LOAD", "SINCE", "REPORTED",
               "REASON"},
              members);
  std::vector<Row> vantages;
  for (const zones::Vantage& v : data.vantages) vantages.push_back(vantage_row(v, now));
  std::cout << "\n";
  print_table(std::cout, {"VANTAGE", "HEARTBEAT", "STARTED", "VERSION"}, vantages);
}

int run_health(const Context& ctx, const HealthFlags& flags) {
  auto data = load_stored(ctx, true);
  if (!data) return report(data.error());
  if (flags.pool && find_named(data->config.pools, *flags.pool) == nullptr) {
    return report(not_found("pool/" + *flags.pool));
  }
  const server::Quorum quorum = server::parse_quorum(flags.quorum).value_or(server::Quorum{});
  const admin::HealthSources sources{data->config, data->health, data->vantages};
  const int64_t now = now_ms();
  const auto views = admin::assess_health(sources, flags.pool, quorum, now);
  if (ctx.json) return print_json(admin::health_report_json(views, sources, quorum, now));
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
