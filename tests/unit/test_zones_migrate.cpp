// Schema migrations by PRAGMA user_version.
#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
#include "zones/migrate.h"

namespace {

zones::Db fresh(const testsupport::TempDir& dir) {
  auto db = zones::Db::open((dir / "m.db").string());
  REQUIRE(db.has_value());
  return std::move(*db);
}

}  // namespace

TEST_CASE("a fresh database is migrated to the newest embedded version") {
  testsupport::TempDir dir;
  zones::Db db = fresh(dir);
  CHECK(zones::schema_version(db).value() == 0);
  auto version = zones::migrate(db);
  REQUIRE(version.has_value());
  CHECK(*version == zones::embedded_migrations().back().version);

  for (const char* table :
       {"zone", "record", "region", "monitor", "pool", "member", "service", "service_pool",
        "geo_map", "geo_map_pool", "health", "drill", "audit"}) {
    CAPTURE(table);
    std::string sql =
        std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
        table + "' AND sql LIKE '%STRICT%'";
    CHECK(db.query_int(sql).value() == 1);
  }
}

TEST_CASE("migrating twice is a no-op") {
  testsupport::TempDir dir;
  zones::Db db = fresh(dir);
  auto first = zones::migrate(db);
  auto second = zones::migrate(db);
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  CHECK(*first == *second);
}

TEST_CASE("a database newer than the program is refused, naming both versions") {
  testsupport::TempDir dir;
  zones::Db db = fresh(dir);
  REQUIRE(db.exec("PRAGMA user_version = 999").has_value());
  auto version = zones::migrate(db);
  REQUIRE_FALSE(version.has_value());
  CHECK(version.error().code == zones::ErrorCode::kTooNew);
  CHECK(version.error().message.find("999") != std::string::npos);
  const std::string known = std::to_string(zones::embedded_migrations().back().version);
  CHECK(version.error().message.find("version " + known) != std::string::npos);
}

TEST_CASE("migrations apply in order and a failing one leaves the version where it was") {
  testsupport::TempDir dir;
  zones::Db db = fresh(dir);
  std::vector<zones::Migration> list = {
      {1, "0001_a.sql", "CREATE TABLE a (x INTEGER) STRICT;"},
      {2, "0002_b.sql", "CREATE TABLE b (y INTEGER) STRICT;"},
  };
  REQUIRE(zones::migrate(db, list).value() == 2);
  list.push_back({3, "0003_bad.sql", "CREATE TABLE c (z INTEGER) STRICT; SELECT nonsense("});
  auto failed = zones::migrate(db, list);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().message.find("0003_bad.sql") != std::string::npos);
  CHECK(zones::schema_version(db).value() == 2);
  CHECK(db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'c'").value() == 0);
}
