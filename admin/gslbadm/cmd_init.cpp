// gslbadm init: create the store, or migrate an existing one to this program's schema.
#include <iostream>

#include "admin/gslbadm/commands.h"
#include "zones/migrate.h"

namespace gslbadm {
namespace {

int run_init(const Context& ctx) {
  auto db = open_store(ctx, /*create=*/true);
  if (!db) return report(db.error());
  auto version = zones::schema_version(*db);
  if (!version) return report(version.error());
  if (ctx.json) return print_json({{"db", ctx.db_path}, {"schema_version", *version}});
  std::cout << "store " << ctx.db_path << " is at schema version " << *version << "\n";
  return kExitOk;
}

}  // namespace

void add_init_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "create the store, or migrate it (idempotent)");
  cmd->fallthrough();
  cmd->callback([&ctx] { ctx.run = [&ctx] { return run_init(ctx); }; });
}

}  // namespace gslbadm
