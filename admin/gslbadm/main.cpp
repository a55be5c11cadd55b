// gslbadm: the operator's CLI. Parses flags, picks where the commands read and write (the
// store with --db, gslbd's admin API with --api) and runs the chosen command; the commands
// live in cmd_*.cpp.
#include <cstdlib>
#include <iostream>

#include "admin/gslbadm/commands.h"
#include "admin/secret_file.h"

namespace {

using namespace gslbadm;

struct GlobalFlags {
  std::string db, api, token_file, api_ca;
  CLI::Option* db_option = nullptr;
  CLI::Option* api_option = nullptr;
};

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// "drill start": the chosen subcommands, for messages.
std::string command_name(const CLI::App& app) {
  std::string name;
  for (const CLI::App* cmd = &app; !cmd->get_subcommands().empty();) {
    cmd = cmd->get_subcommands().front();
    name += (name.empty() ? "" : " ") + cmd->get_name();
  }
  return name;
}

int usage(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

// Exactly one of --db and --api. A flag on the command line wins over the other's
// environment variable, so GSLB_DB in a profile does not block a one-off --api.
int choose_store(GlobalFlags& f, Context& ctx) {
  const bool db_given = f.db_option->count() > 0, api_given = f.api_option->count() > 0;
  if (db_given && api_given)
    return usage(
        "--api and --db cannot be used together: edit the store file (--db) or go "
        "through gslbd's admin API (--api)");
  if (!db_given && !api_given) {
    f.db = env("GSLB_DB");
    f.api = env("GSLB_API");
    if (!f.db.empty() && !f.api.empty())
      return usage("GSLB_DB and GSLB_API are both set: pick one with --db FILE or --api URL");
  }
  if (f.db.empty() && f.api.empty())
    return usage(
        "--db: no store given: use --db FILE or set GSLB_DB (or --api URL / GSLB_API "
        "for gslbd's admin API)");
  if (f.api.empty()) {
    ctx.db_path = f.db;
    return kExitOk;
  }
  if (f.token_file.empty()) f.token_file = env("GSLB_TOKEN_FILE");
  if (f.token_file.empty())
    return usage("--api needs --token-file FILE (or GSLB_TOKEN_FILE): the file holding the token");
  auto token = admin::read_secret_file(f.token_file, "--token-file");
  if (!token) return report(token.error());
  ctx.api = std::make_shared<ApiClient>(
      ApiClientSettings{.url = f.api, .token = *token, .ca_file = f.api_ca});
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gslbadm: edit the gslb store, directly or through gslbd's admin API"};
  Context ctx;
  GlobalFlags flags;
  flags.db_option = app.add_option("--db", flags.db,
                                   "the store, an SQLite file (default: $GSLB_DB); not with --api");
  flags.api_option = app.add_option(
      "--api", flags.api, "gslbd's admin API, e.g. https://127.0.0.1:8053 (default: $GSLB_API)");
  app.add_option("--token-file", flags.token_file,
                 "with --api: a file (mode 0600) holding the token's secret (default: "
                 "$GSLB_TOKEN_FILE)");
  app.add_option("--api-ca", flags.api_ca,
                 "with --api: trust this PEM CA for https (a self-signed admin certificate)")
      ->envname("GSLB_API_CA");
  app.add_flag("--json", ctx.json, "print machine-readable JSON");
  app.set_help_flag("-h,--help", "print this help and exit (also for every command)");
  app.set_version_flag("--version", std::string("gslbadm ") + GSLB_VERSION,
                       "print the version and exit");
  app.footer("Every command: docs/gslbadm.md. Shell completion: gslbadm completion bash");
  app.require_subcommand(1);
  app.fallthrough();
  add_init_command(app, ctx);
  add_zone_commands(app, ctx);
  add_record_commands(app, ctx);
  add_apply_command(app, ctx);
  add_export_command(app, ctx);
  add_region_commands(app, ctx);
  add_monitor_commands(app, ctx);
  add_pool_commands(app, ctx);
  add_member_commands(app, ctx);
  add_service_commands(app, ctx);
  add_geomap_commands(app, ctx);
  add_override_commands(app, ctx);
  add_health_command(app, ctx);
  add_explain_command(app, ctx);
  add_drill_commands(app, ctx);
  add_audit_command(app, ctx);
  add_fleet_commands(app, ctx);
  add_completion_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  ctx.command = command_name(app);
  if (ctx.needs_store)
    if (const int chosen = choose_store(flags, ctx); chosen != kExitOk) return chosen;
  try {
    return ctx.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitRefused;
  }
}
