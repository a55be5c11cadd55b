// gslbadm export: the whole store as a config file that `gslbadm apply -f` reads back, from the
// store or through the admin API (GET /v1/export).
#include <fstream>
#include <iostream>
#include <memory>

#include "admin/config_file.h"
#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"

namespace gslbadm {
namespace {

struct ExportFlags {
  std::string output;
  std::string format;
};

admin::ConfigFormat export_format(const Context& ctx, const ExportFlags& f) {
  if (!f.format.empty()) return admin::parse_format(f.format).value_or(admin::ConfigFormat::kYaml);
  if (ctx.json) return admin::ConfigFormat::kJson;
  if (!f.output.empty() && f.output != "-") return admin::format_for_name(f.output);
  return admin::ConfigFormat::kYaml;
}

int run_export(const Context& ctx, const ExportFlags& f) {
  auto text = make_backend(ctx)->export_config(export_format(ctx, f));
  if (!text) return report(text.error());
  if (f.output.empty() || f.output == "-") {
    std::cout << *text;
    return kExitOk;
  }
  std::ofstream out(f.output, std::ios::binary | std::ios::trunc);
  out << *text;
  out.close();
  if (!out) return report({zones::ErrorCode::kIo, f.output, "cannot write the config file"});
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<ExportFlags>();
  auto* cmd = app.add_subcommand(
      "export", "write the whole store (zones included) as a config file for `apply -f`");
  cmd->fallthrough();
  cmd->add_option("-o,--output", flags->output, "write to this file instead of stdout");
  cmd->add_option("--format", flags->format,
                  "yaml | json (default: yaml; json with --json or an -o file ending in .json)")
      ->check(CLI::IsMember({"yaml", "json"}));
  cmd->callback([&ctx, flags] { ctx.run = [&ctx, flags] { return run_export(ctx, *flags); }; });
}

}  // namespace gslbadm
