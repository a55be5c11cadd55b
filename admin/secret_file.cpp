// One-line secrets in files (see secret_file.h).
#include "admin/secret_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace admin {

zones::Result<std::string> read_secret_file(const std::string& path, const std::string& flag) {
  const std::string where = flag + " " + path;
  struct stat info {};
  if (stat(path.c_str(), &info) != 0)
    return zones::fail(zones::ErrorCode::kIo, where, "cannot read it");
  // As ssh does with a private key: a secret others can read is no longer a secret.
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return zones::fail(
        zones::ErrorCode::kInvalid, where,
        std::string("accessible by group or others (mode ") + mode + "): run chmod 600 on it");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return zones::fail(zones::ErrorCode::kIo, where, "cannot read it");
  std::string secret = text.str();
  const char* space = " \t\r\n";
  const size_t first = secret.find_first_not_of(space);
  secret.erase(0, first == std::string::npos ? secret.size() : first);
  secret.erase(secret.find_last_not_of(space) + 1);
  if (secret.empty()) return zones::fail(zones::ErrorCode::kInvalid, where, "empty: no secret");
  return secret;
}

}  // namespace admin
