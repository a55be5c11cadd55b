// gslbadm zone import|export: zone files in and out of the store, directly or through the
// admin API (backend.h).
#include <fstream>
#include <iostream>
#include <memory>

#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"

namespace gslbadm {
namespace {

struct ImportFlags {
  std::string file;
  std::string origin;
};

struct ZoneExportFlags {
  std::string name;
  std::string output;
};

int run_zone_import(const Context& ctx, const ImportFlags& f) {
  auto zone = make_backend(ctx)->import_zone(f.file, f.origin);
  if (!zone) return report(zone.error());
  if (ctx.json) return print_json(*zone);
  std::cout << "imported " << zone->value("name", "") << ": " << (*zone)["record_count"].dump()
            << " records, serial " << (*zone)["soa"]["serial"].dump() << "\n";
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

// --json: the zone as `zone show --json` has it, without the count, with its records.
zones::Result<std::string> zone_as_json(Backend& backend, const std::string& name) {
  auto zone = backend.get_zone(name);
  if (!zone) return std::unexpected(zone.error());
  RecordSpec all;
  all.zone = name;
  auto records = backend.list_records(all);
  if (!records) return std::unexpected(records.error());
  zone->erase("record_count");
  (*zone)["records"] = std::move(*records);
  return zone->dump(2) + "\n";
}

int run_zone_export(const Context& ctx, const ZoneExportFlags& f) {
  auto backend = make_backend(ctx);
  auto text = ctx.json ? zone_as_json(*backend, f.name) : backend->zone_file(f.name);
  if (!text) return report(text.error());
  return write_output(f.output, *text);
}

}  // namespace

void add_zone_file_commands(CLI::App& zone, Context& ctx) {
  auto in = std::make_shared<ImportFlags>();
  auto* import_cmd = zone.add_subcommand(
      "import", "create a zone from an RFC 1035 zone file, or replace its contents");
  import_cmd->fallthrough();
  import_cmd->add_option("file", in->file, "the zone file")->required();
  import_cmd->add_option("--origin", in->origin, "the zone apex (default: the SOA owner)");
  import_cmd->callback([&ctx, in] { ctx.run = [&ctx, in] { return run_zone_import(ctx, *in); }; });

  auto out = std::make_shared<ZoneExportFlags>();
  auto* exp = zone.add_subcommand("export", "write a zone as a zone file (stdout by default)");
  exp->fallthrough();
  exp->add_option("name", out->name, "the zone apex")->required();
  exp->add_option("-o,--output", out->output, "write to this file instead of stdout");
  exp->callback([&ctx, out] { ctx.run = [&ctx, out] { return run_zone_export(ctx, *out); }; });
}

}  // namespace gslbadm
