// StoreWriteLock, integrity_check and PrivateTmpfs (store_faults.h).
#include "tests/support/store_faults.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace testsupport {

StoreWriteLock::StoreWriteLock(const std::filesystem::path& db) {
  auto opened = zones::Db::open(db.string(), {zones::OpenMode::kExisting});
  if (!opened) throw std::runtime_error(opened.error().text());
  db_ = std::make_unique<zones::Db>(std::move(*opened));
  if (auto locked = db_->exec("BEGIN IMMEDIATE"); !locked)
    throw std::runtime_error(locked.error().text());
}

void StoreWriteLock::release() {
  if (!db_) return;
  (void)db_->exec("ROLLBACK");  // nothing was written; closing would end it too
  db_.reset();
}

std::string integrity_check(const std::filesystem::path& db) {
  auto opened = zones::Db::open(db.string(), {zones::OpenMode::kExisting});
  if (!opened) return opened.error().text();
  auto stmt = opened->prepare("PRAGMA integrity_check");
  if (!stmt) return stmt.error().text();
  std::string report;
  while (true) {
    auto row = stmt->step();
    if (!row) return report + row.error().text();
    if (!*row) break;
    report += (report.empty() ? "" : "\n") + stmt->text_at(0);
  }
  return report;
}

namespace {

// Once per process: a mount namespace of its own, with mounts not propagated back (a shared
// root would otherwise show the tmpfs to the host).
bool own_mount_namespace(std::string& why) {
  static int error = [] {
    if (unshare(CLONE_NEWNS) != 0) return errno;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
    return 0;
  }();
  if (error != 0) why = std::string("unshare/mount namespace: ") + std::strerror(error);
  return error == 0;
}

}  // namespace

std::unique_ptr<PrivateTmpfs> PrivateTmpfs::mount(size_t bytes, std::string& why) {
  if (!own_mount_namespace(why)) return nullptr;
  std::string pattern = (std::filesystem::temp_directory_path() / "gslb-tmpfs-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    why = "mkdtemp: " + std::string(std::strerror(errno));
    return nullptr;
  }
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (::mount("tmpfs", buf.data(), "tmpfs", 0, options.c_str()) != 0) {
    why = "mount -t tmpfs: " + std::string(std::strerror(errno));
    rmdir(buf.data());
    return nullptr;
  }
  return std::unique_ptr<PrivateTmpfs>(new PrivateTmpfs(buf.data()));
}

PrivateTmpfs::~PrivateTmpfs() {
  umount2(path_.c_str(), MNT_DETACH);
  rmdir(path_.c_str());
}

size_t PrivateTmpfs::fill() {
  const int fd = open((path_ / "filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) throw std::runtime_error("cannot create the filler: " + std::string(strerror(errno)));
  const std::vector<char> chunk(64 * 1024, 'x');
  size_t size = chunk.size();
  // Big writes first, then smaller ones down to a byte: tmpfs hands out whole pages, and
  // the last partial one must go too.
  while (size > 0) {
    const ssize_t n = write(fd, chunk.data(), size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != ENOSPC) {
      close(fd);
      throw std::runtime_error("filling: " + std::string(strerror(errno)));
    }
    if (n <= 0) size /= 2;
  }
  close(fd);
  return free_bytes();
}

void PrivateTmpfs::unfill() {
  std::filesystem::remove(path_ / "filler");
}

size_t PrivateTmpfs::free_bytes() const {
  struct statvfs s {};
  if (statvfs(path_.c_str(), &s) != 0) return 0;
  return static_cast<size_t>(s.f_bavail) * s.f_frsize;
}

}  // namespace testsupport
