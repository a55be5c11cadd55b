// gslbadm member add|set|list|delete|drain|undrain|disable|enable: the addresses of a pool.
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct MemberFlags {
  std::string pool, address;
  std::optional<uint32_t> weight;
  std::optional<std::string> name;
};

// The pool named on the command line and its member, or the error naming what is missing.
zones::Result<zones::Member*> need_member(zones::GslbConfig& config, const std::string& pool,
                                          const std::string& address) {
  auto p = need(config.pools, "pool", pool);
  if (!p) return std::unexpected(p.error());
  if (zones::Member* m = find_member(**p, address)) return m;
  return std::unexpected(not_found(member_object(pool, address)));
}

int run_member_add(const Context& ctx, const MemberFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto pool = need(config.pools, "pool", f.pool);
    if (!pool) return std::unexpected(pool.error());
    if (find_member(**pool, f.address)) {
      return std::unexpected(already_exists(member_object(f.pool, f.address)));
    }
    zones::Member member;
    member.address = canonical_address(f.address);
    if (f.weight) member.weight = *f.weight;
    if (f.name) member.name = *f.name;
    (*pool)->members.push_back(std::move(member));
    return {};
  });
}

int run_member_set(const Context& ctx, const MemberFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto member = need_member(config, f.pool, f.address);
    if (!member) return std::unexpected(member.error());
    if (f.weight) (*member)->weight = *f.weight;
    if (f.name) (*member)->name = *f.name;
    return {};
  });
}

int run_member_delete(const Context& ctx, const MemberFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto pool = need(config.pools, "pool", f.pool);
    if (!pool) return std::unexpected(pool.error());
    auto& members = (*pool)->members;
    const zones::Member* member = find_member(**pool, f.address);
    if (member == nullptr) return std::unexpected(not_found(member_object(f.pool, f.address)));
    members.erase(members.begin() + (member - members.data()));
    return {};
  });
}

int run_member_admin(const Context& ctx, const MemberFlags& f, zones::AdminState state) {
  return edit_config(ctx, [&f, state](zones::GslbConfig& config) -> zones::Result<void> {
    auto member = need_member(config, f.pool, f.address);
    if (!member) return std::unexpected(member.error());
    (*member)->admin = state;
    return {};
  });
}

int run_member_list(const Context& ctx, const std::string& pool_name) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Pool* pool = find_named(stored->config.pools, pool_name);
  if (pool == nullptr) return report(not_found("pool/" + pool_name));
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const zones::Member& m : pool->members) list.push_back(zones::gslb_json(m));
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const zones::Member& m : pool->members) {
    rows.push_back({m.address, m.name.empty() ? "-" : m.name, std::to_string(m.weight),
                    zones::to_string(m.admin)});
  }
  print_table(std::cout, {"MEMBER", "NAME", "WEIGHT", "ADMIN"}, rows);
  return kExitOk;
}

CLI::App* add_target(CLI::App& member, const char* name, const char* help, MemberFlags& f) {
  auto* cmd = add_command(member, name, help);
  cmd->add_option("pool", f.pool, "the pool")->required();
  cmd->add_option("address", f.address, "the member's IPv4 or IPv6 address")->required();
  return cmd;
}

void add_fields(CLI::App* cmd, MemberFlags& f) {
  cmd->add_option("--weight", f.weight, "share of the pool's answers (default 1)");
  cmd->add_option("--name", f.name, "a label shown next to the address (\"\" clears)");
}

}  // namespace

void add_member_commands(CLI::App& app, Context& ctx) {
  auto* member = add_command(
      app, "member", "pool members: add, set, list, delete, drain, undrain, disable, enable");
  member->require_subcommand(1);

  auto add = std::make_shared<MemberFlags>();
  auto* add_cmd = add_target(*member, "add", "add an address to a pool", *add);
  add_fields(add_cmd, *add);
  on_run(add_cmd, ctx, [&ctx, add] { return run_member_add(ctx, *add); });

  auto set = std::make_shared<MemberFlags>();
  auto* set_cmd = add_target(*member, "set", "change a member's given fields", *set);
  add_fields(set_cmd, *set);
  on_run(set_cmd, ctx, [&ctx, set] { return run_member_set(ctx, *set); });

  auto del = std::make_shared<MemberFlags>();
  on_run(add_target(*member, "delete", "remove an address from its pool", *del), ctx,
         [&ctx, del] { return run_member_delete(ctx, *del); });

  add_named_command(*member, ctx, "list", "list a pool's members", "pool", "the pool",
                    run_member_list);

  for (const AdminVerb& verb : kAdminVerbs) {
    auto f = std::make_shared<MemberFlags>();
    const zones::AdminState state = verb.state;
    on_run(add_target(*member, verb.name, verb.help, *f), ctx,
           [&ctx, f, state] { return run_member_admin(ctx, *f, state); });
  }
}

}  // namespace gslbadm
