// Reopening --geoip when the file changes (see geo_reload.h).
#include "server/geo_reload.h"

#include <cerrno>
#include <cstring>

#include "zones/log.h"

namespace server {

bool GeoReloader::identify(const std::string& path, FileIdentity& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  out = {st.st_dev, st.st_ino, st.st_size,
         static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  return true;
}

zones::Result<std::unique_ptr<GeoReloader>> GeoReloader::open(const std::string& path,
                                                              int64_t now_ms) {
  FileIdentity seen;
  identify(path, seen);  // a missing file fails in GeoDb::open, with its reason
  auto db = geo::GeoDb::open(path);
  if (!db) return std::unexpected(db.error());
  return std::unique_ptr<GeoReloader>(new GeoReloader(path, std::move(*db), seen, now_ms));
}

GeoReloader::GeoReloader(std::string path, GeoDbPtr db, FileIdentity seen, int64_t now_ms)
    : path_(std::move(path)), current_(std::move(db)), seen_(seen) {
  status_.path = path_;
  status_.database_type = current_->database_type();
  status_.build_epoch = current_->build_epoch();
  status_.loaded_at_ms = now_ms;
}

GeoDbPtr GeoReloader::check(int64_t now_ms) {
  FileIdentity now;
  if (!identify(path_, now)) {
    // Gone (mid-rename, or deleted): keep serving; a file that reappears is a change.
    if (seen_ != FileIdentity{}) record_failure(std::strerror(errno), now_ms);
    seen_ = {};
    return nullptr;
  }
  if (now == seen_) return nullptr;
  seen_ = now;
  auto opened = geo::GeoDb::open(path_);
  if (!opened) {
    record_failure(opened.error().message, now_ms);
    return nullptr;
  }
  current_ = std::move(*opened);
  {
    std::lock_guard lock(status_mutex_);
    status_.database_type = current_->database_type();
    status_.build_epoch = current_->build_epoch();
    status_.loaded_at_ms = now_ms;
    ++status_.reloads_ok;
  }
  zones::log_event(zones::LogLevel::kInfo, "geoip_reloaded",
                   {{"path", path_},
                    {"type", current_->database_type()},
                    {"build_epoch", std::to_string(current_->build_epoch())}});
  return current_;
}

void GeoReloader::record_failure(const std::string& error, int64_t now_ms) {
  {
    std::lock_guard lock(status_mutex_);
    ++status_.reloads_failed;
    status_.last_error = error;
    status_.last_error_at_ms = now_ms;
  }
  zones::log_event(zones::LogLevel::kError, "geoip_reload_failed",
                   {{"path", path_}, {"error", error}, {"serving", "previous database"}});
}

GeoStatus GeoReloader::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

}  // namespace server
