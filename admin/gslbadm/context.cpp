// Shared plumbing of the gslbadm commands (see context.h).
#include "admin/gslbadm/context.h"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "zones/migrate.h"

namespace gslbadm {

zones::Result<zones::Db> open_store(const Context& ctx, bool create) {
  if (ctx.api) {
    return zones::fail(zones::ErrorCode::kInvalid, kApiWhere,
                       ctx.command + " needs --db: it works on the store file itself");
  }
  if (!create && !std::filesystem::exists(ctx.db_path)) {
    return zones::fail(zones::ErrorCode::kNotFound, ctx.db_path,
                       "no store here: create it with `gslbadm --db FILE init`");
  }
  zones::DbOptions options;
  options.mode = create ? zones::OpenMode::kCreate : zones::OpenMode::kExisting;
  auto db = zones::Db::open(ctx.db_path, options);
  if (!db) return db;
  auto version = zones::schema_version(*db);
  if (!version) return std::unexpected(version.error());
  if (*version == 0 && !create) {
    return zones::fail(zones::ErrorCode::kNotFound, ctx.db_path,
                       "not an initialised store: run `gslbadm --db FILE init` first");
  }
  if (auto migrated = zones::migrate(*db); !migrated) return std::unexpected(migrated.error());
  return db;
}

std::string local_actor() {
  const passwd* user = getpwuid(geteuid());
  std::string name = user != nullptr ? user->pw_name : std::to_string(geteuid());
  return "local:" + name;
}

int report(const zones::Error& error) {
  const bool from_api = error.where == kApiWhere;
  std::istringstream lines(from_api ? error.message : error.text());
  for (std::string line; std::getline(lines, line);)
    std::cerr << (from_api ? "gslbadm: " : "error: ") << line << "\n";
  return kExitRefused;
}

int print_json(const nlohmann::json& value) {
  std::cout << value.dump(2) << "\n";
  return kExitOk;
}

}  // namespace gslbadm
