// gslbadm zone add|list|show|delete (import and export are in cmd_zone_file.cpp), on the
// store or through the admin API (backend.h).
#include <iostream>
#include <memory>

#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/table.h"
#include "zones/validate.h"

namespace gslbadm {
namespace {

struct ZoneAddFlags {
  std::string name;
  std::vector<std::string> ns;
  std::string mname, rname;
  std::string ttl = "3600", soa_ttl = "3600";
  std::string refresh = "3600", retry = "600", expire = "604800", minimum = "300";
};

// Every numeric flag is checked before anything is written, and all problems are shown.
zones::Result<ZoneSpec> spec_from(const ZoneAddFlags& f) {
  std::vector<zones::Error> errors;
  auto number = [&errors](const std::string& text, const char* flag) -> uint32_t {
    auto value = zones::parse_ttl(text, flag);
    zones::collect(value, errors);
    return value.value_or(0);
  };
  ZoneSpec zone;
  zone.name = f.name;
  zone.ns = f.ns;
  zone.ttl = number(f.ttl, "--ttl");
  zone.soa_ttl = number(f.soa_ttl, "--soa-ttl");
  zone.soa.mname = f.mname;
  zone.soa.rname = f.rname;
  zone.soa.refresh = number(f.refresh, "--refresh");
  zone.soa.retry = number(f.retry, "--retry");
  zone.soa.expire = number(f.expire, "--expire");
  zone.soa.minimum = number(f.minimum, "--minimum");
  if (!errors.empty()) return std::unexpected(zones::join_errors(errors));
  return zone;
}

// The SOA serial of a zone as GET /v1/zones/{zone} shows it.
std::string serial_of(const nlohmann::json& zone) {
  return std::to_string(zone["soa"].value("serial", uint32_t{0}));
}

int run_zone_add(const Context& ctx, const ZoneAddFlags& f) {
  auto spec = spec_from(f);
  if (!spec) return report(spec.error());
  auto zone = make_backend(ctx)->create_zone(*spec);
  if (!zone) return report(zone.error());
  // `zone add --json` has always printed the zone alone: a new zone's only records are its NS.
  zone->erase("record_count");
  if (ctx.json) return print_json(*zone);
  std::cout << "created zone " << zone->value("name", "") << " (serial " << serial_of(*zone)
            << ")\n";
  return kExitOk;
}

int run_zone_list(const Context& ctx) {
  auto zones = make_backend(ctx)->list_zones();
  if (!zones) return report(zones.error());
  if (ctx.json) return print_json(*zones);
  std::vector<Row> rows;
  for (const nlohmann::json& z : *zones) {
    rows.push_back(
        {z.value("name", ""), serial_of(z), z["record_count"].dump(), z["default_ttl"].dump()});
  }
  print_table(std::cout, {"ZONE", "SERIAL", "RECORDS", "DEFAULT_TTL"}, rows);
  return kExitOk;
}

int run_zone_show(const Context& ctx, const std::string& name) {
  auto zone = make_backend(ctx)->get_zone(name);
  if (!zone) return report(zone.error());
  if (ctx.json) return print_json(*zone);
  const nlohmann::json& soa = (*zone)["soa"];
  const auto number = [](const nlohmann::json& j, const char* key) { return j[key].dump(); };
  print_fields(std::cout, {{"zone", zone->value("name", "")},
                           {"serial", number(soa, "serial")},
                           {"mname", soa.value("mname", "")},
                           {"rname", soa.value("rname", "")},
                           {"refresh", number(soa, "refresh")},
                           {"retry", number(soa, "retry")},
                           {"expire", number(soa, "expire")},
                           {"minimum", number(soa, "minimum")},
                           {"soa_ttl", number(*zone, "soa_ttl")},
                           {"default_ttl", number(*zone, "default_ttl")},
                           {"records", number(*zone, "record_count")}});
  return kExitOk;
}

int run_zone_delete(const Context& ctx, const std::string& name) {
  auto deleted = make_backend(ctx)->delete_zone(name);
  if (!deleted) return report(deleted.error());
  if (ctx.json) return print_json({{"deleted", *deleted}});
  std::cout << "deleted zone " << *deleted << "\n";
  return kExitOk;
}

void add_zone_add(CLI::App& zone, Context& ctx) {
  auto f = std::make_shared<ZoneAddFlags>();
  auto* cmd = zone.add_subcommand("add", "create a zone with its SOA and apex NS records");
  cmd->fallthrough();
  cmd->add_option("name", f->name, "the zone apex, e.g. gslb.example.com")->required();
  cmd->add_option("--ns", f->ns, "a name server of the zone (repeat for more)")
      ->required()
      ->allow_extra_args(false);  // one name per --ns, so `--ns a.example zone` works
  cmd->add_option("--mname", f->mname, "SOA primary server (default: the first --ns)");
  cmd->add_option("--rname", f->rname, "SOA mailbox (default: hostmaster.<zone>)");
  cmd->add_option("--ttl", f->ttl, "default TTL of new records, seconds (default 3600)");
  cmd->add_option("--soa-ttl", f->soa_ttl, "TTL of the SOA record, seconds (default 3600)");
  cmd->add_option("--refresh", f->refresh, "SOA refresh, seconds (default 3600)");
  cmd->add_option("--retry", f->retry, "SOA retry, seconds (default 600)");
  cmd->add_option("--expire", f->expire, "SOA expire, seconds (default 604800)");
  cmd->add_option("--minimum", f->minimum, "SOA minimum = negative TTL, seconds (default 300)");
  cmd->callback([&ctx, f] { ctx.run = [&ctx, f] { return run_zone_add(ctx, *f); }; });
}

// A subcommand taking just the zone name.
void add_named(CLI::App& zone, Context& ctx, const char* name, const char* help,
               int (*run)(const Context&, const std::string&)) {
  auto zone_name = std::make_shared<std::string>();
  auto* cmd = zone.add_subcommand(name, help);
  cmd->fallthrough();
  cmd->add_option("name", *zone_name, "the zone apex")->required();
  cmd->callback([&ctx, zone_name, run] {
    ctx.run = [&ctx, zone_name, run] { return run(ctx, *zone_name); };
  });
}

}  // namespace

void add_zone_commands(CLI::App& app, Context& ctx) {
  auto* zone = app.add_subcommand("zone", "zones: add, list, show, delete, import, export");
  zone->fallthrough();
  zone->require_subcommand(1);
  add_zone_add(*zone, ctx);
  auto* list = zone->add_subcommand("list", "list zones with serial and record count");
  list->fallthrough();
  list->callback([&ctx] { ctx.run = [&ctx] { return run_zone_list(ctx); }; });
  add_named(*zone, ctx, "show", "show a zone's SOA settings and record count", run_zone_show);
  add_named(*zone, ctx, "delete", "delete a zone and all its records", run_zone_delete);
  add_zone_file_commands(*zone, ctx);
}

}  // namespace gslbadm
