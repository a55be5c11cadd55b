// Applies zones/schema/*.sql migrations in order (see migrate.h).
#include "zones/migrate.h"

#include <string>

namespace zones {
namespace {

int latest_version(const std::vector<Migration>& migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<void> refuse_if_newer(const Db& db, int found, int known) {
  if (found <= known) return {};
  return fail(ErrorCode::kTooNew, db.path(),
              "database schema version " + std::to_string(found) +
                  " is newer than this program, which knows up to version " +
                  std::to_string(known) + ": upgrade gslb");
}

// One migration in one transaction. The version is read again under the write lock so
// that two programs migrating at once do not both apply it.
Result<void> apply(Db& db, const Migration& migration) {
  auto tx = Transaction::begin(db, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto current = schema_version(db);
  if (!current) return std::unexpected(current.error());
  if (*current >= migration.version) return {};
  if (auto ok = db.exec(migration.sql); !ok) {
    Error error = ok.error();
    error.message = std::string(migration.name) + ": " + error.message;
    return std::unexpected(error);
  }
  auto set = db.exec("PRAGMA user_version = " + std::to_string(migration.version));
  if (!set) return set;
  return tx->commit();
}

}  // namespace

Result<int> schema_version(Db& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  return static_cast<int>(*version);
}

Result<int> migrate(Db& db, const std::vector<Migration>& migrations) {
  auto version = schema_version(db);
  if (!version) return version;
  const int known = latest_version(migrations);
  if (auto ok = refuse_if_newer(db, *version, known); !ok) return std::unexpected(ok.error());
  for (const Migration& migration : migrations) {
    if (migration.version <= *version) continue;
    if (auto ok = apply(db, migration); !ok) return std::unexpected(ok.error());
  }
  return schema_version(db);
}

Result<int> migrate(Db& db) {
  return migrate(db, embedded_migrations());
}

}  // namespace zones
