// make_test_mmdb: runs tests/data/make_test_mmdb.pl (libmaxmind-db-writer-perl).
#include "tests/support/geo_data.h"

#include <stdexcept>

#include "tests/support/process.h"

namespace testsupport {

std::string make_test_mmdb(const TempDir& dir) {
  const std::string out = (dir.path() / "test.mmdb").string();
  const RunResult r = run_program(
      {"/usr/bin/perl", std::string(GSLB_SOURCE_DIR) + "/tests/data/make_test_mmdb.pl", out});
  if (r.status != 0) throw std::runtime_error("make_test_mmdb.pl failed: " + r.err);
  return out;
}

}  // namespace testsupport
