// make_test_mmdb: runs tests/data/make_test_mmdb.pl (libmaxmind-db-writer-perl).
#include "tests/support/geo_data.h"

#include <stdexcept>

#include "tests/support/process.h"

namespace testsupport {

namespace {

void run_generator(const std::string& out, const std::string& variant) {
  const RunResult r =
      run_program({"/usr/bin/perl", std::string(GSLB_SOURCE_DIR) + "/tests/data/make_test_mmdb.pl",
                   out, variant});
  if (r.status != 0) throw std::runtime_error("make_test_mmdb.pl failed: " + r.err);
}

}  // namespace

std::string make_test_mmdb(const TempDir& dir) {
  const std::string out = (dir.path() / "test.mmdb").string();
  run_generator(out, "");
  return out;
}

void make_moved_test_mmdb(const std::filesystem::path& out) {
  run_generator(out.string(), "moved");
}

}  // namespace testsupport
