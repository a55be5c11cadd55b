// Test GeoIP data: the GeoIP2-City-schema database that
// tests/data/make_test_mmdb.pl writes (networks on six continents; see the
// script for the table), generated into a test's temp dir. No network.
#pragma once

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"

namespace testsupport {

// Writes <dir>/test.mmdb and returns its path; throws when the script fails.
std::string make_test_mmdb(const TempDir& dir);
// The same database with 198.51.100.0/24 in Sydney (not New York), written to `out`.
void make_moved_test_mmdb(const std::filesystem::path& out);

}  // namespace testsupport
