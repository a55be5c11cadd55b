// SQLite connection, statements and transactions (see db.h).
#include "zones/db.h"

#include <sqlite3.h>

#include <cerrno>
#include <utility>

namespace zones {
namespace {

// Every SQLite failure becomes an Error named after the database file.
Error sqlite_error(sqlite3* db, int rc) {
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  std::string where = file != nullptr ? file : "";
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error{ErrorCode::kBusy, where, "database is locked by another writer"};
  }
  // A full disk is the operator's to clear, and the write may simply be retried then (SQLite
  // rolled it back whole): not the kIo of a broken file. Growing the -shm file on a full disk
  // is an I/O error to SQLite ("disk I/O error"); its errno says what it was.
  if (primary == SQLITE_FULL ||
      (primary == SQLITE_IOERR && db != nullptr && sqlite3_system_errno(db) == ENOSPC)) {
    return Error{ErrorCode::kNoSpace, where,
                 "database or disk is full: no space left for the store (free some and retry)"};
  }
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  ErrorCode code = primary == SQLITE_CONSTRAINT ? ErrorCode::kConflict : ErrorCode::kIo;
  return Error{code, where, message};
}

int open_flags(OpenMode mode) {
  switch (mode) {
    case OpenMode::kCreate:
      return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    case OpenMode::kExisting:
      return SQLITE_OPEN_READWRITE;
    case OpenMode::kReadOnly:
      return SQLITE_OPEN_READONLY;
  }
  return SQLITE_OPEN_READWRITE;
}

}  // namespace

// ---- Statement ----

Statement::~Statement() {
  release();
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      cached_(other.cached_),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    cached_ = other.cached_;
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

void Statement::release() {
  if (stmt_ == nullptr) return;
  if (cached_) {
    // The Db keeps cached statements; make this one clean for its next user.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

int Statement::index_of(std::string_view name) {
  int index = sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
  if (index == 0 && !bind_error_) {
    bind_error_ = Error{ErrorCode::kInternal, "sql", "no parameter " + std::string(name)};
  }
  return index;
}

Statement& Statement::bind(std::string_view name, int64_t value) {
  if (int i = index_of(name)) sqlite3_bind_int64(stmt_, i, value);
  return *this;
}

Statement& Statement::bind(std::string_view name, std::string_view text) {
  if (int i = index_of(name)) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  return *this;
}

Statement& Statement::bind_blob(std::string_view name, std::string_view bytes) {
  if (int i = index_of(name)) {
    // A zero-length blob is still a blob, not NULL: pass a non-null pointer.
    const char* data = bytes.empty() ? "" : bytes.data();
    sqlite3_bind_blob(stmt_, i, data, static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  return *this;
}

Statement& Statement::bind_null(std::string_view name) {
  if (int i = index_of(name)) sqlite3_bind_null(stmt_, i);
  return *this;
}

Statement& Statement::bind_double(std::string_view name, double value) {
  if (int i = index_of(name)) sqlite3_bind_double(stmt_, i, value);
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_) return std::unexpected(*bind_error_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(sqlite3_db_handle(stmt_), rc));
}

Result<void> Statement::run() {
  while (true) {
    auto more = step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
  }
}

int64_t Statement::int_at(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::string Statement::blob_at(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  return std::string(static_cast<const char*>(data), sqlite3_column_bytes(stmt_, column));
}

double Statement::double_at(int column) const {
  return sqlite3_column_double(stmt_, column);
}

bool Statement::null_at(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// ---- Db ----

Result<Db> Db::open(const std::string& path, DbOptions options) {
  Db db;
  db.path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &db.db_, open_flags(options.mode), nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db.db_ != nullptr ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return fail(ErrorCode::kIo, path, "cannot open database: " + message);
  }
  sqlite3_extended_result_codes(db.db_, 1);
  sqlite3_busy_timeout(db.db_, options.busy_timeout_ms);
  // WAL lets gslbd read while gslbadm and healthd write; foreign keys are per connection.
  const char* setup = options.mode == OpenMode::kReadOnly
                          ? "PRAGMA foreign_keys=ON;"
                          : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;";
  if (auto ok = db.exec(setup); !ok) return std::unexpected(ok.error());
  return db;
}

Db Db::borrow(Db& other) {
  Db db;
  db.db_ = other.db_;
  db.owned_ = false;
  db.path_ = other.path_;
  return db;
}

Db::~Db() {
  close();
}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      owned_(other.owned_),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    owned_ = other.owned_;
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
    other.cache_.clear();
  }
  return *this;
}

void Db::close() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_ != nullptr && owned_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<Statement> Db::prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = cache_.find(key); it != cache_.end()) return Statement(it->second, true);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error(rc));
  cache_.emplace(std::move(key), stmt);
  return Statement(stmt, true);
}

Result<void> Db::exec(std::string_view sql) {
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error(rc));
  return {};
}

Result<int64_t> Db::query_int(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, std::string(sql).c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error(rc));
  Statement stmt(raw, false);
  auto row = stmt.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kInternal, path_, "no row from: " + std::string(sql));
  return stmt.int_at(0);
}

int64_t Db::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}

int Db::changes() const {
  return sqlite3_changes(db_);
}

bool Db::in_transaction() const {
  return db_ != nullptr && sqlite3_get_autocommit(db_) == 0;
}

Error Db::error(int rc) const {
  return sqlite_error(db_, rc);
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(Db& db, TxMode mode) {
  const bool nested = db.in_transaction();
  const char* sql = nested                   ? "SAVEPOINT gslb_nested"
                    : mode == TxMode::kWrite ? "BEGIN IMMEDIATE"
                                             : "BEGIN";
  auto ok = db.exec(sql);
  if (!ok) return std::unexpected(ok.error());
  return Transaction(&db, nested);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), nested_(other.nested_) {}

Transaction::~Transaction() {
  // Not committed: a refused write changes nothing.
  if (db_ == nullptr) return;
  (void)db_->exec(nested_ ? "ROLLBACK TO gslb_nested; RELEASE gslb_nested" : "ROLLBACK");
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return fail(ErrorCode::kInternal, "", "transaction already finished");
  auto ok = db_->exec(nested_ ? "RELEASE gslb_nested" : "COMMIT");
  if (!ok) return ok;  // still open: the destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace zones
