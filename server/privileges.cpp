#include "server/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace server {
namespace {

zones::Result<passwd> find_user(const std::string& user, std::vector<char>& buffer) {
  passwd entry{};
  passwd* found = nullptr;
  buffer.resize(16384);
  int rc = getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  uid_t uid = 0;
  const char* end = user.data() + user.size();
  if (found == nullptr && rc == 0 && !user.empty() &&
      std::from_chars(user.data(), end, uid) == std::from_chars_result{end, std::errc()})
    rc = getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0)
    return zones::fail(zones::ErrorCode::kIo, "--user",
                       "cannot look up '" + user + "': " + std::strerror(rc));
  if (found == nullptr)
    return zones::fail(zones::ErrorCode::kInvalid, "--user", "no such user '" + user + "'");
  return entry;
}

zones::Error errno_error(const std::string& what) {
  return {zones::ErrorCode::kIo, "--user", what + ": " + std::strerror(errno)};
}

}  // namespace

zones::Result<void> drop_privileges(const std::string& user) {
  std::vector<char> buffer;
  auto entry = find_user(user, buffer);
  if (!entry) return std::unexpected(entry.error());
  if (geteuid() != 0) {
    if (entry->pw_uid == geteuid()) return {};
    return zones::fail(
        zones::ErrorCode::kInvalid, "--user",
        "switching to '" + user + "' needs root; gslbd runs as uid " + std::to_string(geteuid()));
  }
  if (entry->pw_uid == 0)
    return zones::fail(zones::ErrorCode::kInvalid, "--user",
                       "'" + user + "' is root; name an unprivileged account");
  const gid_t gid = entry->pw_gid;
  if (setgroups(1, &gid) != 0) return std::unexpected(errno_error("setgroups"));
  if (setgid(gid) != 0) return std::unexpected(errno_error("setgid"));
  if (setuid(entry->pw_uid) != 0) return std::unexpected(errno_error("setuid"));
  if (setuid(0) == 0 || geteuid() == 0)
    return zones::fail(zones::ErrorCode::kInternal, "--user",
                       "root could be regained after switching to '" + user + "'");
#if defined(__SANITIZE_ADDRESS__)
  // A uid change makes the process non-dumpable, and LeakSanitizer's exit check (which
  // ptraces the process's own threads) then fails. Sanitizer builds only: in Release the
  // process stays non-dumpable, so its memory (token secrets) is not readable by others.
  prctl(PR_SET_DUMPABLE, 1);
#endif
  return {};
}

}  // namespace server
