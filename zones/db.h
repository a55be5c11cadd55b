// A three-class RAII layer over SQLite: Db owns the connection and its cached statements,
// Statement binds :params and reads columns, Transaction rolls back unless committed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "zones/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace zones {

enum class OpenMode {
  kCreate,    // create the file when it is missing (gslbadm init)
  kExisting,  // the file must exist
  kReadOnly,  // the file must exist; no writes
};

struct DbOptions {
  OpenMode mode = OpenMode::kCreate;
  int busy_timeout_ms = 5000;  // how long a writer waits for another writer's lock
};

// A prepared statement. Cached statements (from Db::prepare) are reset, not finalised, when
// this handle goes away, so a given SQL text must not be in use twice at the same time.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binding failures (an unknown :name) are bugs; they are kept and reported by step().
  Statement& bind(std::string_view name, int64_t value);
  Statement& bind(std::string_view name, std::string_view text);
  Statement& bind_blob(std::string_view name, std::string_view bytes);
  Statement& bind_null(std::string_view name);
  Statement& bind_double(std::string_view name, double value);  // REAL columns

  Result<bool> step();  // true while a row is available
  Result<void> run();   // steps to the end, for writes

  int64_t int_at(int column) const;
  std::string text_at(int column) const;
  std::string blob_at(int column) const;
  double double_at(int column) const;
  bool null_at(int column) const;

 private:
  friend class Db;
  Statement(sqlite3_stmt* stmt, bool cached) : stmt_(stmt), cached_(cached) {}
  int index_of(std::string_view name);
  void release();

  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;
  std::optional<Error> bind_error_;
};

class Db {
 public:
  // Opens the file in WAL mode with foreign keys on and the busy timeout set.
  static Result<Db> open(const std::string& path, DbOptions options = {});
  // A second handle on `other`'s connection (its own statement cache; closing it leaves the
  // connection open): code that opens its own Db can be run inside a transaction the caller
  // holds (fleet mode runs an API write this way, then rolls it back; admin/fleet).
  static Db borrow(Db& other);

  ~Db();
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Result<Statement> prepare(std::string_view sql);  // cached by SQL text
  Result<void> exec(std::string_view sql);          // a script without parameters
  Result<int64_t> query_int(std::string_view sql);  // first column of the first row

  int64_t last_insert_id() const;
  int changes() const;
  bool in_transaction() const;
  const std::string& path() const { return path_; }

  // Turns an SQLite result code into an Error naming this database.
  Error error(int rc) const;

 private:
  Db() = default;
  void close();

  sqlite3* db_ = nullptr;
  bool owned_ = true;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

enum class TxMode {
  kRead,   // BEGIN (deferred): a consistent view for readers
  kWrite,  // BEGIN IMMEDIATE: takes the write lock now, so a busy store fails before any work
};

// Begun inside another transaction, a Transaction is a savepoint: its commit releases the
// savepoint and the outer transaction decides; its rollback undoes only its own work.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db, TxMode mode = TxMode::kWrite);

  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> commit();

 private:
  Transaction(Db* db, bool nested) : db_(db), nested_(nested) {}
  Db* db_ = nullptr;  // null once committed or rolled back
  bool nested_ = false;
};

}  // namespace zones
