// gslbadm override add|delete|list: networks whose clients are placed in a region instead of
// where the MaxMind DB puts them, for all services or for one.
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct OverrideFlags {
  std::string network, region;
  std::optional<std::string> service;
};

// "2001:DB8::/32" -> "2001:db8::/32"; the store checks the network itself.
std::string canonical_network(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return canonical_address(text);
  return canonical_address(text.substr(0, slash)) + text.substr(slash);
}

std::string override_object(const OverrideFlags& f) {
  std::string object = "override/" + canonical_network(f.network);
  if (f.service) object = "service/" + service_name(*f.service) + "/" + object;
  return object;
}

// The global overrides, or those of the service named by --service.
zones::Result<std::vector<zones::CidrOverride>*> overrides_of(zones::GslbConfig& config,
                                                              const OverrideFlags& f) {
  if (!f.service) return &config.overrides;
  auto service = need(config.services, "service", service_name(*f.service));
  if (!service) return std::unexpected(service.error());
  return &(*service)->overrides;
}

std::vector<zones::CidrOverride>::iterator find_override(std::vector<zones::CidrOverride>& list,
                                                         const std::string& network) {
  const std::string wanted = canonical_network(network);
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (canonical_network(it->network) == wanted) return it;
  }
  return list.end();
}

int run_override_add(const Context& ctx, const OverrideFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto list = overrides_of(config, f);
    if (!list) return std::unexpected(list.error());
    if (find_override(**list, f.network) != (*list)->end()) {
      return std::unexpected(already_exists(override_object(f)));
    }
    (*list)->push_back({canonical_network(f.network), f.region});
    return {};
  });
}

int run_override_delete(const Context& ctx, const OverrideFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto list = overrides_of(config, f);
    if (!list) return std::unexpected(list.error());
    auto it = find_override(**list, f.network);
    if (it == (*list)->end()) return std::unexpected(not_found(override_object(f)));
    (*list)->erase(it);
    return {};
  });
}

// Without --service every override is listed, the global ones first; with it, that
// service's only.
int run_override_list(const Context& ctx, const std::optional<std::string>& service) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::GslbConfig& config = stored->config;
  std::vector<std::pair<std::string, const zones::CidrOverride*>> found;  // (service, override)
  if (service) {
    const zones::Service* s = find_named(config.services, service_name(*service));
    if (s == nullptr) return report(not_found("service/" + service_name(*service)));
    for (const auto& o : s->overrides) found.emplace_back(s->name, &o);
  } else {
    for (const auto& o : config.overrides) found.emplace_back("", &o);
    for (const zones::Service& s : config.services) {
      for (const auto& o : s.overrides) found.emplace_back(s.name, &o);
    }
  }
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, o] : found) {
      list.push_back(zones::gslb_json(*o));
      list.back()["service"] = name.empty() ? nlohmann::json(nullptr) : nlohmann::json(name);
    }
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const auto& [name, o] : found) {
    rows.push_back({o->network, o->region, name.empty() ? "(all)" : name});
  }
  print_table(std::cout, {"NETWORK", "REGION", "SERVICE"}, rows);
  return kExitOk;
}

void add_service_flag(CLI::App* cmd, std::optional<std::string>& service, const char* help) {
  cmd->add_option("--service", service, help);
}

}  // namespace

void add_override_commands(CLI::App& app, Context& ctx) {
  auto* group = add_command(app, "override", "client location overrides: add, delete, list");
  group->require_subcommand(1);

  auto add = std::make_shared<OverrideFlags>();
  auto* add_cmd = add_command(*group, "add", "place a network's clients in a region");
  add_cmd->add_option("network", add->network, "e.g. 203.0.113.0/24 or 2001:db8::/32")->required();
  add_cmd->add_option("region", add->region, "the region its clients are in")->required();
  add_service_flag(add_cmd, add->service, "for this service only (default: all services)");
  on_run(add_cmd, ctx, [&ctx, add] { return run_override_add(ctx, *add); });

  auto del = std::make_shared<OverrideFlags>();
  auto* del_cmd = add_command(*group, "delete", "delete an override");
  del_cmd->add_option("network", del->network, "the network")->required();
  add_service_flag(del_cmd, del->service, "the service's override (default: the global one)");
  on_run(del_cmd, ctx, [&ctx, del] { return run_override_delete(ctx, *del); });

  auto service = std::make_shared<std::optional<std::string>>();
  auto* list_cmd = add_command(*group, "list", "list overrides (global and per service)");
  add_service_flag(list_cmd, *service, "only this service's");
  on_run(list_cmd, ctx, [&ctx, service] { return run_override_list(ctx, *service); });
}

}  // namespace gslbadm
