// Locating committed test data and system programs (knotd lives in /usr/sbin).
#include "tests/support/zone_file.h"

#include <unistd.h>
#include <cstdlib>
#include <stdexcept>

namespace testsupport {

std::filesystem::path case_file(const std::string& relative) {
  return std::filesystem::path(GSLB_TEST_CASES_DIR) / relative;
}

std::string find_program(const std::string& name) {
  const char* env = std::getenv("PATH");
  std::string dirs = std::string(env != nullptr ? env : "") + ":/usr/sbin:/sbin:/usr/bin";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    const auto colon = dirs.find(':', pos);
    const std::string dir = dirs.substr(pos, colon == std::string::npos ? colon : colon - pos);
    const std::string candidate = dir + "/" + name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  throw std::runtime_error(name + " not found (run ./bootstrap.sh deps)");
}

}  // namespace testsupport
