// gslbadm zone add|list|show|delete (import and export are in cmd_zone_file.cpp).
#include <iostream>
#include <memory>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/table.h"
#include "zones/json.h"
#include "zones/store.h"
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
zones::Result<zones::SoaFields> soa_from(const ZoneAddFlags& f, uint32_t& ttl, uint32_t& soa_ttl) {
  std::vector<zones::Error> errors;
  auto number = [&errors](const std::string& text, const char* flag) -> uint32_t {
    auto value = zones::parse_ttl(text, flag);
    zones::collect(value, errors);
    return value.value_or(0);
  };
  ttl = number(f.ttl, "--ttl");
  soa_ttl = number(f.soa_ttl, "--soa-ttl");
  zones::SoaFields soa;
  soa.mname = f.mname;
  soa.rname = f.rname;
  soa.refresh = number(f.refresh, "--refresh");
  soa.retry = number(f.retry, "--retry");
  soa.expire = number(f.expire, "--expire");
  soa.minimum = number(f.minimum, "--minimum");
  if (!errors.empty()) return std::unexpected(zones::join_errors(errors));
  return soa;
}

int run_zone_add(const Context& ctx, const ZoneAddFlags& f) {
  uint32_t ttl = 0, soa_ttl = 0;
  auto soa = soa_from(f, ttl, soa_ttl);
  if (!soa) return report(soa.error());
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  auto zone = store.create_zone(f.name, *soa, soa_ttl, ttl, f.ns, local_actor());
  if (!zone) return report(zone.error());
  if (ctx.json) return print_json(zones::zone_json(*zone));
  std::cout << "created zone " << zone->name << " (serial " << zone->soa.serial << ")\n";
  return kExitOk;
}

int run_zone_list(const Context& ctx) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  auto zones = zones::Store(*db).list_zones();
  if (!zones) return report(zones.error());
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& z : *zones) {
      list.push_back(zones::zone_json(z.info));
      list.back()["record_count"] = z.record_count;
    }
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const auto& z : *zones) {
    rows.push_back({z.info.name, std::to_string(z.info.soa.serial), std::to_string(z.record_count),
                    std::to_string(z.info.default_ttl)});
  }
  print_table(std::cout, {"ZONE", "SERIAL", "RECORDS", "DEFAULT_TTL"}, rows);
  return kExitOk;
}

int run_zone_show(const Context& ctx, const std::string& name) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  auto zone = store.get_zone(name);
  if (!zone) return report(zone.error());
  auto count = store.count_records(name);
  if (!count) return report(count.error());
  if (ctx.json) {
    nlohmann::json j = zones::zone_json(*zone);
    j["record_count"] = *count;
    return print_json(j);
  }
  const zones::SoaFields& soa = zone->soa;
  print_fields(std::cout, {{"zone", zone->name},
                           {"serial", std::to_string(soa.serial)},
                           {"mname", soa.mname},
                           {"rname", soa.rname},
                           {"refresh", std::to_string(soa.refresh)},
                           {"retry", std::to_string(soa.retry)},
                           {"expire", std::to_string(soa.expire)},
                           {"minimum", std::to_string(soa.minimum)},
                           {"soa_ttl", std::to_string(zone->soa_ttl)},
                           {"default_ttl", std::to_string(zone->default_ttl)},
                           {"records", std::to_string(*count)}});
  return kExitOk;
}

int run_zone_delete(const Context& ctx, const std::string& name) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  auto zone = store.get_zone(name);
  if (!zone) return report(zone.error());
  if (auto ok = store.delete_zone(name, local_actor()); !ok) return report(ok.error());
  if (ctx.json) return print_json({{"deleted", zone->name}});
  std::cout << "deleted zone " << zone->name << "\n";
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
