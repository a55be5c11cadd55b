// gslbadm: the operator's CLI. Parses flags and runs the chosen command; the commands live
// in cmd_*.cpp.
#include <iostream>

#include "admin/gslbadm/commands.h"

int main(int argc, char** argv) {
  using namespace gslbadm;
  CLI::App app{"gslbadm: edit the gslb store"};
  Context ctx;
  app.add_option("--db", ctx.db_path, "the store, an SQLite file (default: $GSLB_DB)")
      ->envname("GSLB_DB");
  app.add_flag("--json", ctx.json, "print machine-readable JSON");
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (ctx.db_path.empty()) {
    std::cerr << "error: --db: no store given: use --db FILE or set GSLB_DB\n";
    return kExitUsage;
  }
  try {
    return ctx.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitRefused;
  }
}
