// gslbadm apply -f FILE: make the store look like a declarative config file (docs/config.md),
// directly or through the admin API (POST /v1/apply).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "admin/config_file.h"
#include "admin/config_plan.h"
#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"

namespace gslbadm {
namespace {

struct ApplyFlags {
  std::string file;
  std::string format;
  bool dry_run = false;
  bool prune = false;
};

// The document's text, format and name, as admin::read_config_file would read them.
zones::Result<ConfigSource> read_source(const ApplyFlags& f) {
  admin::ConfigFormat format = admin::ConfigFormat::kAuto;
  if (!f.format.empty()) format = admin::parse_format(f.format).value_or(format);
  if (f.file == "-") {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    if (format == admin::ConfigFormat::kAuto) format = admin::ConfigFormat::kYaml;
    return ConfigSource{std::move(text), format, "<stdin>", ""};
  }
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return zones::fail(zones::ErrorCode::kIo, f.file, "cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (format == admin::ConfigFormat::kAuto) format = admin::format_for_name(f.file);
  return ConfigSource{text.str(), format, f.file,
                      std::filesystem::path(f.file).parent_path().string()};
}

int run_apply(const Context& ctx, const ApplyFlags& f) {
  auto source = read_source(f);
  if (!source) return report(source.error());
  const zones::ApplyOptions options{.prune = f.prune, .dry_run = f.dry_run};
  auto plan = make_backend(ctx)->apply(*source, options);
  if (!plan) return report(plan.error());
  if (ctx.json) return print_json(admin::plan_json(*plan, f.dry_run));
  std::cout << admin::format_plan(*plan);
  if (!plan->empty()) std::cout << (f.dry_run ? "dry run: nothing written\n" : "applied\n");
  return kExitOk;
}

}  // namespace

void add_apply_command(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<ApplyFlags>();
  auto* cmd = app.add_subcommand(
      "apply", "make the store match a YAML or JSON config file: print the plan, then write it");
  cmd->fallthrough();
  cmd->add_option("-f,--file", flags->file, "the config file, or - for stdin")->required();
  cmd->add_option("--format", flags->format,
                  "yaml | json (default: by the file's extension; yaml for stdin)")
      ->check(CLI::IsMember({"yaml", "json"}));
  cmd->add_flag("--dry-run", flags->dry_run, "only print the plan: write nothing");
  cmd->add_flag("--prune", flags->prune,
                "also delete what the file does not name (the file is the whole configuration)");
  cmd->callback([&ctx, flags] { ctx.run = [&ctx, flags] { return run_apply(ctx, *flags); }; });
}

}  // namespace gslbadm
