// The SQLite layer: pragmas on open, statement cache, transactions, busy writers.
#include <doctest/doctest.h>

#include "tests/support/temp_dir.h"
#include "zones/db.h"

namespace {

zones::Db open_at(const std::string& path, int busy_ms = 5000) {
  zones::DbOptions options;
  options.busy_timeout_ms = busy_ms;
  auto db = zones::Db::open(path, options);
  REQUIRE(db.has_value());
  REQUIRE(db->exec("CREATE TABLE IF NOT EXISTS t (v INTEGER) STRICT").has_value());
  return std::move(*db);
}

int64_t rows(zones::Db& db) {
  return db.query_int("SELECT count(*) FROM t").value();
}

}  // namespace

TEST_CASE("a database opens in WAL mode with foreign keys on") {
  testsupport::TempDir dir;
  zones::Db db = open_at((dir / "a.db").string());
  auto mode = db.prepare("PRAGMA journal_mode");
  REQUIRE(mode.has_value());
  REQUIRE(mode->step().value());
  CHECK(mode->text_at(0) == "wal");
  CHECK(db.query_int("PRAGMA foreign_keys").value() == 1);
}

TEST_CASE("opening a missing file in kExisting mode fails with the path named") {
  testsupport::TempDir dir;
  auto db = zones::Db::open((dir / "missing.db").string(), {zones::OpenMode::kExisting});
  REQUIRE_FALSE(db.has_value());
  CHECK(db.error().code == zones::ErrorCode::kIo);
  CHECK(db.error().where.find("missing.db") != std::string::npos);
}

TEST_CASE("statements bind named parameters and are cached by their SQL text") {
  testsupport::TempDir dir;
  zones::Db db = open_at((dir / "a.db").string());
  for (int64_t v : {1, 2, 3}) {
    auto insert = db.prepare("INSERT INTO t (v) VALUES (:v)");
    REQUIRE(insert.has_value());
    REQUIRE(insert->bind(":v", v).run().has_value());
  }
  CHECK(rows(db) == 3);
  CHECK(db.query_int("SELECT sum(v) FROM t").value() == 6);

  auto bad = db.prepare("INSERT INTO t (v) VALUES (:v)");
  REQUIRE(bad.has_value());
  auto ran = bad->bind(":nope", int64_t{1}).run();
  REQUIRE_FALSE(ran.has_value());
  CHECK(ran.error().code == zones::ErrorCode::kInternal);
}

TEST_CASE("a transaction rolls back unless committed") {
  testsupport::TempDir dir;
  zones::Db db = open_at((dir / "a.db").string());
  {
    auto tx = zones::Transaction::begin(db);
    REQUIRE(tx.has_value());
    REQUIRE(db.exec("INSERT INTO t VALUES (1)").has_value());
  }
  CHECK(rows(db) == 0);
  {
    auto tx = zones::Transaction::begin(db);
    REQUIRE(tx.has_value());
    REQUIRE(db.exec("INSERT INTO t VALUES (1)").has_value());
    REQUIRE(tx->commit().has_value());
  }
  CHECK(rows(db) == 1);
}

TEST_CASE("a second writer gets kBusy with a clear message") {
  testsupport::TempDir dir;
  zones::Db first = open_at((dir / "a.db").string());
  zones::Db second = open_at((dir / "a.db").string(), 50);
  auto holding = zones::Transaction::begin(first);
  REQUIRE(holding.has_value());
  auto blocked = zones::Transaction::begin(second);
  REQUIRE_FALSE(blocked.has_value());
  CHECK(blocked.error().code == zones::ErrorCode::kBusy);
  CHECK(blocked.error().message == "database is locked by another writer");
  // Readers are not blocked by a writer in WAL mode.
  CHECK(rows(second) == 0);
}
