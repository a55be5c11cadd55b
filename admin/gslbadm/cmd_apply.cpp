// gslbadm apply -f FILE: make the store look like a declarative config file (docs/config.md).
#include <iostream>
#include <iterator>
#include <memory>

#include "admin/config_file.h"
#include "admin/config_plan.h"
#include "admin/gslbadm/commands.h"
#include "zones/gslb_store.h"

namespace gslbadm {
namespace {

struct ApplyFlags {
  std::string file;
  std::string format;
  bool dry_run = false;
  bool prune = false;
};

zones::Result<admin::ConfigFile> read_config(const ApplyFlags& f) {
  admin::ConfigFormat format = admin::ConfigFormat::kAuto;
  if (!f.format.empty()) format = admin::parse_format(f.format).value_or(format);
  if (f.file != "-") return admin::read_config_file(f.file, format);
  std::string text(std::istreambuf_iterator<char>(std::cin), {});
  if (format == admin::ConfigFormat::kAuto) format = admin::ConfigFormat::kYaml;
  return admin::parse_config(text, format, "", "<stdin>");
}

int run_apply(const Context& ctx, const ApplyFlags& f) {
  auto config = read_config(f);
  if (!config) return report(config.error());
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::GslbStore store(*db);
  const zones::ApplyOptions options{.prune = f.prune, .dry_run = f.dry_run};
  auto plan = store.apply(config->gslb, options, local_actor(), config->zones);
  if (!plan) return report(admin::locate_in_file(plan.error(), *config));
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
