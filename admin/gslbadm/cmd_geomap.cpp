// gslbadm geomap add|set|delete|list: a service's geo map (client CIDR, country or continent
// -> ordered pools), used by the geo policy.
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct GeoFlags {
  std::string service, match, pools;
  std::optional<size_t> position;
};

std::string entry_object(const std::string& service, const std::string& match) {
  return "service/" + service_name(service) + "/geo/" + match;
}

zones::GeoEntry* find_entry(zones::Service& s, const std::string& match) {
  for (zones::GeoEntry& e : s.geo) {
    if (normal_match(e.match).value_or(e.match) == match) return &e;
  }
  return nullptr;
}

int run_geomap_add(const Context& ctx, const GeoFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need(config.services, "service", service_name(f.service));
    if (!service) return std::unexpected(service.error());
    const std::string match = *normal_match(f.match);
    if (find_entry(**service, match)) {
      return std::unexpected(already_exists(entry_object(f.service, match)));
    }
    auto& geo = (*service)->geo;
    const size_t at = std::min(f.position.value_or(geo.size() + 1) - 1, geo.size());
    geo.insert(geo.begin() + at, zones::GeoEntry{match, split_list(f.pools)});
    return {};
  });
}

int run_geomap_set(const Context& ctx, const GeoFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need(config.services, "service", service_name(f.service));
    if (!service) return std::unexpected(service.error());
    const std::string match = *normal_match(f.match);
    zones::GeoEntry* entry = find_entry(**service, match);
    if (entry == nullptr) return std::unexpected(not_found(entry_object(f.service, match)));
    entry->pools = split_list(f.pools);
    return {};
  });
}

int run_geomap_delete(const Context& ctx, const GeoFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need(config.services, "service", service_name(f.service));
    if (!service) return std::unexpected(service.error());
    const std::string match = *normal_match(f.match);
    zones::GeoEntry* entry = find_entry(**service, match);
    if (entry == nullptr) return std::unexpected(not_found(entry_object(f.service, match)));
    auto& geo = (*service)->geo;
    geo.erase(geo.begin() + (entry - geo.data()));
    return {};
  });
}

int run_geomap_list(const Context& ctx, const std::string& name) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Service* s = find_named(stored->config.services, service_name(name));
  if (s == nullptr) return report(not_found("service/" + service_name(name)));
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const zones::GeoEntry& e : s->geo) list.push_back(zones::gslb_json(e));
    return print_json(list);
  }
  std::vector<Row> rows;
  for (size_t i = 0; i < s->geo.size(); ++i) {
    rows.push_back({std::to_string(i + 1), s->geo[i].match, join_names(s->geo[i].pools)});
  }
  print_table(std::cout, {"POSITION", "MATCH", "POOLS"}, rows);
  return kExitOk;
}

CLI::App* add_entry(CLI::App& geomap, const char* name, const char* help, GeoFlags& f, bool pools) {
  auto* cmd = add_command(geomap, name, help);
  cmd->add_option("service", f.service, "the service")->required();
  cmd->add_option("match", f.match, "cidr:NET/LEN, country:CC, continent:CC or default")
      ->required()
      ->check(match_check());
  if (pools) {
    cmd->add_option("pools", f.pools, "pools to try in order, comma-separated")->required();
  }
  return cmd;
}

}  // namespace

void add_geomap_commands(CLI::App& app, Context& ctx) {
  auto* geomap = add_command(app, "geomap", "a service's geo map: add, set, delete, list");
  geomap->require_subcommand(1);

  auto add = std::make_shared<GeoFlags>();
  auto* add_cmd = add_entry(*geomap, "add", "add a geo map entry", *add, true);
  add_cmd->add_option("--position", add->position, "1 = first (default: last)")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  on_run(add_cmd, ctx, [&ctx, add] { return run_geomap_add(ctx, *add); });

  auto set = std::make_shared<GeoFlags>();
  on_run(add_entry(*geomap, "set", "replace the pools of a geo map entry", *set, true), ctx,
         [&ctx, set] { return run_geomap_set(ctx, *set); });

  auto del = std::make_shared<GeoFlags>();
  on_run(add_entry(*geomap, "delete", "delete a geo map entry", *del, false), ctx,
         [&ctx, del] { return run_geomap_delete(ctx, *del); });

  add_named_command(*geomap, ctx, "list", "list a service's geo map in order", "service",
                    "the service", run_geomap_list);
}

}  // namespace gslbadm
