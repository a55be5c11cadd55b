// gslbadm zone import|export: zone files in and out of the store.
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "zones/json.h"
#include "zones/store.h"
#include "zones/zonefile.h"

namespace gslbadm {
namespace {

struct ImportFlags {
  std::string file;
  std::string origin;
};

struct ExportFlags {
  std::string name;
  std::string output;
};

int run_import(const Context& ctx, const ImportFlags& f) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  std::optional<std::string_view> origin;
  if (!f.origin.empty()) origin = f.origin;
  auto zone = zones::import_zone_file(store, f.file, origin, local_actor());
  if (!zone) return report(zone.error());
  auto count = store.count_records(zone->name);
  if (!count) return report(count.error());
  if (ctx.json) {
    nlohmann::json j = zones::zone_json(*zone);
    j["record_count"] = *count;
    return print_json(j);
  }
  std::cout << "imported " << zone->name << ": " << *count << " records, serial "
            << zone->soa.serial << "\n";
  return kExitOk;
}

int write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return report({zones::ErrorCode::kIo, path, "cannot write the zone file"});
  return kExitOk;
}

int run_export(const Context& ctx, const ExportFlags& f) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  auto zone = store.load_zone(f.name);
  if (!zone) return report(zone.error());
  if (ctx.json) {
    nlohmann::json j = zones::zone_json(zone->info);
    j["records"] = zones::records_json(zone->records);
    return write_output(f.output, j.dump(2) + "\n");
  }
  return write_output(f.output, zones::format_zone(*zone));
}

}  // namespace

void add_zone_file_commands(CLI::App& zone, Context& ctx) {
  auto in = std::make_shared<ImportFlags>();
  auto* import_cmd = zone.add_subcommand(
      "import", "create a zone from an RFC 1035 zone file, or replace its contents");
  import_cmd->fallthrough();
  import_cmd->add_option("file", in->file, "the zone file")->required();
  import_cmd->add_option("--origin", in->origin, "the zone apex (default: the SOA owner)");
  import_cmd->callback([&ctx, in] { ctx.run = [&ctx, in] { return run_import(ctx, *in); }; });

  auto out = std::make_shared<ExportFlags>();
  auto* exp = zone.add_subcommand("export", "write a zone as a zone file (stdout by default)");
  exp->fallthrough();
  exp->add_option("name", out->name, "the zone apex")->required();
  exp->add_option("-o,--output", out->output, "write to this file instead of stdout");
  exp->callback([&ctx, out] { ctx.run = [&ctx, out] { return run_export(ctx, *out); }; });
}

}  // namespace gslbadm
