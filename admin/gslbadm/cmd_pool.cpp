// gslbadm pool add|set|list|show|delete|drain|undrain|disable|enable: regional load balancer
// groups (their members are edited with `gslbadm member`).
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct PoolFlags {
  std::string name;
  std::optional<std::string> region, monitor;
  std::optional<uint32_t> min_healthy;
};

void assign(zones::Pool& pool, const PoolFlags& f) {
  if (f.region) pool.region = *f.region;
  if (f.monitor) pool.monitor = *f.monitor;
  if (f.min_healthy) pool.min_healthy = *f.min_healthy;
}

int run_pool_add(const Context& ctx, const PoolFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    if (find_named(config.pools, f.name)) return std::unexpected(already_exists("pool/" + f.name));
    zones::Pool pool;
    pool.name = f.name;
    assign(pool, f);
    config.pools.push_back(std::move(pool));
    return {};
  });
}

int run_pool_set(const Context& ctx, const PoolFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto pool = need(config.pools, "pool", f.name);
    if (!pool) return std::unexpected(pool.error());
    assign(**pool, f);
    return {};
  });
}

int run_pool_delete(const Context& ctx, const std::string& name) {
  return edit_config(
      ctx, [&name](zones::GslbConfig& config) { return erase_named(config.pools, "pool", name); });
}

int run_pool_admin(const Context& ctx, const std::string& name, zones::AdminState state) {
  return edit_config(ctx, [&name, state](zones::GslbConfig& config) -> zones::Result<void> {
    auto pool = need(config.pools, "pool", name);
    if (!pool) return std::unexpected(pool.error());
    (*pool)->admin = state;
    return {};
  });
}

std::vector<std::string> services_using(const zones::GslbConfig& config, const std::string& pool) {
  std::vector<std::string> names;
  for (const zones::Service& s : config.services) {
    bool uses = false;
    for (const zones::ServicePool& link : s.pools) uses = uses || link.pool == pool;
    for (const zones::GeoEntry& entry : s.geo) {
      for (const std::string& p : entry.pools) uses = uses || p == pool;
    }
    if (uses) names.push_back(s.name);
  }
  return names;
}

std::string members_summary(const zones::Pool& pool) {
  size_t drained = 0, failed = 0;
  for (const zones::Member& m : pool.members) {
    drained += m.admin == zones::AdminState::kDrain;
    failed += m.admin == zones::AdminState::kFail;
  }
  std::string text = std::to_string(pool.members.size());
  if (drained > 0) text += ", " + std::to_string(drained) + " drain";
  if (failed > 0) text += ", " + std::to_string(failed) + " fail";
  return text;
}

int run_pool_list(const Context& ctx) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::GslbConfig& config = stored->config;
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const zones::Pool& p : config.pools) {
      list.push_back(zones::gslb_json(p));
      list.back()["member_count"] = p.members.size();
    }
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const zones::Pool& p : config.pools) {
    rows.push_back({p.name, p.region, p.monitor.empty() ? "-" : p.monitor,
                    std::to_string(p.min_healthy), members_summary(p), zones::to_string(p.admin)});
  }
  print_table(std::cout, {"POOL", "REGION", "MONITOR", "MIN_HEALTHY", "MEMBERS", "ADMIN"}, rows);
  return kExitOk;
}

void print_members(const Stored& stored, const zones::Pool& pool, int64_t now) {
  std::vector<Row> rows;
  for (const zones::Member& m : pool.members) {
    Row base = {m.address, m.name.empty() ? "-" : m.name, std::to_string(m.weight),
                zones::to_string(m.admin)};
    auto health = member_health(stored.health, pool, m);
    if (health.empty()) {
      Row row = base;
      row.insert(row.end(), {"-", "unknown", "-", "never checked"});
      rows.push_back(std::move(row));
    }
    for (const zones::HealthRow* h : health) {
      Row row = base;
      std::string age = age_text(report_age(*h, stored, now));
      if (is_stale(*h, stored, now)) age += " (stale)";
      row.insert(row.end(), {h->vantage, zones::to_string(h->state), rtt_text(h->rtt_us), age});
      rows.push_back(std::move(row));
    }
  }
  print_table(std::cout,
              {"MEMBER", "NAME", "WEIGHT", "ADMIN", "VANTAGE", "HEALTH", "RTT", "REPORTED"}, rows);
}

int run_pool_show(const Context& ctx, const std::string& name) {
  auto stored = load_stored(ctx, true);
  if (!stored) return report(stored.error());
  const zones::Pool* p = find_named(stored->config.pools, name);
  if (p == nullptr) return report(not_found("pool/" + name));
  const int64_t now = now_ms();
  const auto services = services_using(stored->config, p->name);
  if (ctx.json) {
    nlohmann::json j = zones::gslb_json(*p);
    for (size_t i = 0; i < p->members.size(); ++i) {
      nlohmann::json health = nlohmann::json::array();
      for (const zones::HealthRow* h : member_health(stored->health, *p, p->members[i])) {
        health.push_back(health_json(*h, *stored, now));
      }
      j["members"][i]["health"] = std::move(health);
    }
    j["services"] = services;
    return print_json(j);
  }
  print_fields(std::cout, {{"pool", p->name},
                           {"region", p->region},
                           {"monitor", p->monitor.empty() ? "- (not probed)" : p->monitor},
                           {"min_healthy", std::to_string(p->min_healthy)},
                           {"admin", admin_text(p->admin)},
                           {"services", join_names(services)},
                           {"members", members_summary(*p)}});
  if (!p->members.empty()) {
    std::cout << "\n";
    print_members(*stored, *p, now);
  }
  return kExitOk;
}

CLI::App* add_write(CLI::App& pool, const char* name, const char* help, PoolFlags& f, bool add) {
  auto* cmd = add_command(pool, name, help);
  cmd->add_option("name", f.name, "the pool's name, e.g. us-east")->required();
  auto* region = cmd->add_option("--region", f.region, "the region the pool is in");
  if (add) region->required();
  cmd->add_option("--monitor", f.monitor, "the monitor that checks its members (\"\" for none)");
  cmd->add_option("--min-healthy", f.min_healthy,
                  "members that must be up for the pool to be up (default 1)");
  return cmd;
}

}  // namespace

void add_pool_commands(CLI::App& app, Context& ctx) {
  auto* pool = add_command(app, "pool",
                           "pools: add, set, list, show, delete, drain, undrain, disable, enable");
  pool->require_subcommand(1);

  auto add = std::make_shared<PoolFlags>();
  on_run(add_write(*pool, "add", "create a pool (add members with `member add`)", *add, true), ctx,
         [&ctx, add] { return run_pool_add(ctx, *add); });
  auto set = std::make_shared<PoolFlags>();
  on_run(add_write(*pool, "set", "change a pool's given fields", *set, false), ctx,
         [&ctx, set] { return run_pool_set(ctx, *set); });
  on_run(add_command(*pool, "list", "list pools with member counts and admin state"), ctx,
         [&ctx] { return run_pool_list(ctx); });
  add_named_command(*pool, ctx, "show", "show a pool, its members and their health per vantage",
                    "name", "the pool", run_pool_show);
  add_named_command(*pool, ctx, "delete", "delete a pool and its members (no service may use it)",
                    "name", "the pool", run_pool_delete);
  for (const AdminVerb& verb : kAdminVerbs) {
    const zones::AdminState state = verb.state;
    add_named_command(*pool, ctx, verb.name, verb.help, "name", "the pool",
                      [state](const Context& c, const std::string& name) {
                        return run_pool_admin(c, name, state);
                      });
  }
}

}  // namespace gslbadm
