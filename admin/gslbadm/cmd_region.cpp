// gslbadm region add|set|list|show|delete: the places pools live in.
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct RegionFlags {
  std::string name;
  std::optional<double> lat, lon;
  std::optional<std::string> continent, country;
};

void assign(zones::Region& region, const RegionFlags& f) {
  if (f.lat) region.latitude = *f.lat;
  if (f.lon) region.longitude = *f.lon;
  if (f.continent) region.continent = *f.continent;
  if (f.country) region.country = *f.country;
}

int run_region_add(const Context& ctx, const RegionFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    if (find_named(config.regions, f.name))
      return std::unexpected(already_exists("region/" + f.name));
    zones::Region region;
    region.name = f.name;
    assign(region, f);
    config.regions.push_back(std::move(region));
    return {};
  });
}

int run_region_set(const Context& ctx, const RegionFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto region = need(config.regions, "region", f.name);
    if (!region) return std::unexpected(region.error());
    assign(**region, f);
    return {};
  });
}

int run_region_delete(const Context& ctx, const std::string& name) {
  return edit_config(ctx, [&name](zones::GslbConfig& config) {
    return erase_named(config.regions, "region", name);
  });
}

std::string pools_in(const zones::GslbConfig& config, const std::string& region) {
  std::vector<std::string> names;
  for (const zones::Pool& p : config.pools) {
    if (p.region == region) names.push_back(p.name);
  }
  return join_names(names);
}

int run_region_list(const Context& ctx) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::GslbConfig& config = stored->config;
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const zones::Region& r : config.regions) list.push_back(zones::gslb_json(r));
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const zones::Region& r : config.regions) {
    rows.push_back({r.name, number_text(r.latitude), number_text(r.longitude),
                    r.continent.empty() ? "-" : r.continent, r.country.empty() ? "-" : r.country,
                    pools_in(config, r.name)});
  }
  print_table(std::cout, {"REGION", "LAT", "LON", "CONTINENT", "COUNTRY", "POOLS"}, rows);
  return kExitOk;
}

int run_region_show(const Context& ctx, const std::string& name) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Region* r = find_named(stored->config.regions, name);
  if (r == nullptr) return report(not_found("region/" + name));
  if (ctx.json) return print_json(zones::gslb_json(*r));
  print_fields(std::cout, {{"region", r->name},
                           {"lat", number_text(r->latitude)},
                           {"lon", number_text(r->longitude)},
                           {"continent", r->continent.empty() ? "-" : r->continent},
                           {"country", r->country.empty() ? "-" : r->country},
                           {"pools", pools_in(stored->config, r->name)}});
  return kExitOk;
}

CLI::App* add_write(CLI::App& region, const char* name, const char* help, RegionFlags& f,
                    bool required) {
  auto* cmd = add_command(region, name, help);
  cmd->add_option("name", f.name, "the region's name, e.g. us-east")->required();
  auto* lat = cmd->add_option("--lat", f.lat, "latitude in degrees, -90..90");
  auto* lon = cmd->add_option("--lon", f.lon, "longitude in degrees, -180..180");
  if (required) {
    lat->required();
    lon->required();
  }
  cmd->add_option("--continent", f.continent,
                  "two-letter continent code as in GeoIP2: AF AN AS EU NA OC SA (\"\" clears)");
  cmd->add_option("--country", f.country, "ISO 3166-1 alpha-2 country code (\"\" clears)");
  return cmd;
}

}  // namespace

void add_region_commands(CLI::App& app, Context& ctx) {
  auto* region = add_command(app, "region", "regions (places): add, set, list, show, delete");
  region->require_subcommand(1);

  auto add = std::make_shared<RegionFlags>();
  on_run(add_write(*region, "add", "create a region", *add, true), ctx,
         [&ctx, add] { return run_region_add(ctx, *add); });
  auto set = std::make_shared<RegionFlags>();
  on_run(add_write(*region, "set", "change a region's given fields", *set, false), ctx,
         [&ctx, set] { return run_region_set(ctx, *set); });

  on_run(add_command(*region, "list", "list regions with their pools"), ctx,
         [&ctx] { return run_region_list(ctx); });

  add_named_command(*region, ctx, "show", "show one region", "name", "the region", run_region_show);
  add_named_command(*region, ctx, "delete", "delete a region no pool or override uses", "name",
                    "the region", run_region_delete);
}

}  // namespace gslbadm
