// Store faults for tests: another connection holding the write lock, SQLite's integrity
// check, and a small tmpfs that can be filled to the last byte (a full disk).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "zones/db.h"

namespace testsupport {

// Holds the store's write lock (BEGIN IMMEDIATE on its own connection) until release() or
// destruction, as an `sqlite3` shell left inside a transaction would. WAL readers (gslbd's
// snapshot builds) are not blocked; writers wait their busy timeout.
class StoreWriteLock {
 public:
  explicit StoreWriteLock(const std::filesystem::path& db);  // throws when it cannot lock
  ~StoreWriteLock() { release(); }
  void release();

 private:
  std::unique_ptr<zones::Db> db_;
};

// "ok" when `PRAGMA integrity_check` finds nothing wrong, else its report.
std::string integrity_check(const std::filesystem::path& db);

// A tmpfs of `bytes` on a new temp dir, mounted in this test process's own mount namespace:
// nothing outside the process sees it, and programs the test starts afterwards share it.
class PrivateTmpfs {
 public:
  // Null (and `why` says why) when the kernel refuses: not root, no CAP_SYS_ADMIN (an
  // unprivileged container), or threads already running (unshare needs a single thread).
  static std::unique_ptr<PrivateTmpfs> mount(size_t bytes, std::string& why);
  ~PrivateTmpfs();
  PrivateTmpfs(const PrivateTmpfs&) = delete;
  PrivateTmpfs& operator=(const PrivateTmpfs&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes a filler file until the kernel says ENOSPC; returns the free bytes left (0).
  size_t fill();
  void unfill();  // removes the filler: space is back
  size_t free_bytes() const;

 private:
  explicit PrivateTmpfs(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace testsupport
