// gslbd's --geoip database, reopened when its file changes. The control thread looks at the
// file after every store poll (inode, size, modification time); a changed file is opened and
// checked on the control thread, then handed to the workers as snapshots are, so a query sees
// the old database or the new one, never a mix. A file that does not open leaves the previous
// database serving, and is tried again only once it changes again.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "geo/geo_db.h"
#include "zones/result.h"

namespace server {

// For /v1/status and /metrics (read on HTTP threads).
struct GeoStatus {
  std::string path;
  std::string database_type;    // of the database in service
  int64_t build_epoch = 0;      // its build time, unix seconds
  int64_t loaded_at_ms = 0;     // when it was opened
  uint64_t reloads_ok = 0;      // changed files put in service
  uint64_t reloads_failed = 0;  // changed files that did not open (the previous one kept serving)
  std::string last_error;       // the last failure; empty when none yet
  int64_t last_error_at_ms = 0;
};

using GeoDbPtr = std::shared_ptr<const geo::GeoDb>;

class GeoReloader {
 public:
  // Opens `path` for the first time: an error here is a startup error.
  static zones::Result<std::unique_ptr<GeoReloader>> open(const std::string& path, int64_t now_ms);

  const GeoDbPtr& current() const { return current_; }
  // Control thread: the new database when the file changed and opened, else null (a failure
  // is logged and counted). The caller hands a new database to every worker.
  GeoDbPtr check(int64_t now_ms);
  // Any thread.
  GeoStatus status() const;

 private:
  struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    int64_t modified_ns = 0;
    bool operator==(const FileIdentity&) const = default;
  };
  static bool identify(const std::string& path, FileIdentity& out);

  GeoReloader(std::string path, GeoDbPtr db, FileIdentity seen, int64_t now_ms);
  void record_failure(const std::string& error, int64_t now_ms);

  std::string path_;
  GeoDbPtr current_;
  FileIdentity seen_;  // the file as last looked at (opened or not)
  mutable std::mutex status_mutex_;
  GeoStatus status_;
};

}  // namespace server
