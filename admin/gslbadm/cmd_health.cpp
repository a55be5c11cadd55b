// gslbadm health: what gslb-healthd last reported per member and vantage, with its age, so a
// stale verdict is never mistaken for a fresh one.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"

namespace gslbadm {
namespace {

// Rows in configuration order (pool, then member), vantages alphabetically; rows of members
// no longer configured are left out.
std::vector<const zones::HealthRow*> ordered(const Stored& stored, const zones::Pool& pool) {
  std::vector<const zones::HealthRow*> rows;
  for (const zones::Member& m : pool.members) {
    auto health = member_health(stored.health, pool, m);
    rows.insert(rows.end(), health.begin(), health.end());
  }
  return rows;
}

std::string load_text(const std::optional<double>& load) {
  if (!load) return "-";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", *load);
  return buffer;
}

std::string member_text(const zones::Pool& pool, const zones::HealthRow& row) {
  for (const zones::Member& m : pool.members) {
    if (m.address == row.address && !m.name.empty()) return m.name + " (" + m.address + ")";
  }
  return row.address;
}

int run_health(const Context& ctx, const std::optional<std::string>& pool_name) {
  auto stored = load_stored(ctx, true);
  if (!stored) return report(stored.error());
  const zones::GslbConfig& config = stored->config;
  if (pool_name && find_named(config.pools, *pool_name) == nullptr) {
    return report(not_found("pool/" + *pool_name));
  }
  const int64_t now = now_ms();
  std::vector<std::pair<const zones::Pool*, const zones::HealthRow*>> rows;
  for (const zones::Pool& p : config.pools) {
    if (pool_name && p.name != *pool_name) continue;
    for (const zones::HealthRow* h : ordered(*stored, p)) rows.emplace_back(&p, h);
  }
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [p, h] : rows) list.push_back(health_json(*h, config, now));
    return print_json(list);
  }
  std::vector<Row> table;
  for (const auto& [p, h] : rows) {
    std::string age = age_text(now - h->checked_at_ms);
    if (is_stale(*h, config, now)) age += " (stale)";
    table.push_back({p->name, member_text(*p, *h), h->vantage, zones::to_string(h->state),
                     rtt_text(h->rtt_us), load_text(h->load), age,
                     h->reason.empty() ? "-" : h->reason});
  }
  print_table(std::cout, {"POOL", "MEMBER", "VANTAGE", "STATE", "RTT", "LOAD", "CHECKED", "REASON"},
              table);
  return kExitOk;
}

}  // namespace

void add_health_command(CLI::App& app, Context& ctx) {
  auto pool = std::make_shared<std::optional<std::string>>();
  auto* cmd = add_command(app, "health",
                          "member health per vantage with its age; stale rows (older than 3 x "
                          "the monitor's interval) are marked");
  cmd->add_option("--pool", *pool, "only this pool's members");
  on_run(cmd, ctx, [&ctx, pool] { return run_health(ctx, *pool); });
}

}  // namespace gslbadm
