// geo/: MaxMind lookups on a database the test generates in the official
// GeoIP2 City schema (tests/data/make_test_mmdb.pl), and distances.
#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "geo/distance.h"
#include "geo/geo_db.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace testsupport;

namespace {

std::string make_mmdb(const TempDir& dir) {
  const std::string out = (dir.path() / "test.mmdb").string();
  const RunResult r = run_program(
      {"/usr/bin/perl", std::string(GSLB_SOURCE_DIR) + "/tests/data/make_test_mmdb.pl", out});
  if (r.status != 0) throw std::runtime_error("make_test_mmdb.pl failed: " + r.err);
  return out;
}

geo::Location lookup(const geo::GeoDb& db, const char* text) {
  uint8_t addr[16] = {};
  const bool v6 = std::string(text).find(':') != std::string::npos;
  REQUIRE(inet_pton(v6 ? AF_INET6 : AF_INET, text, addr) == 1);
  return db.lookup(v6 ? 2 : 1, addr);
}

}  // namespace

TEST_CASE("a GeoIP2 City database gives continent, country, coordinates and prefix") {
  TempDir dir("gslb-geo");
  auto db = geo::GeoDb::open(make_mmdb(dir));
  REQUIRE(db);
  struct Row {
    const char* address;
    bool found;
    const char* continent;
    const char* country;
    double latitude;
    int prefix;
  };
  const Row rows[] = {
      {"198.51.100.7", true, "NA", "US", 40.7, 24},
      {"203.0.113.5", true, "EU", "DE", 50.1, 25},
      {"203.0.113.200", true, "AS", "JP", 35.7, 25},
      {"192.0.2.1", true, "OC", "AU", -33.9, 24},
      {"2001:db8:1::5", true, "EU", "FR", 48.9, 48},
      {"2001:db8:2:ffff::1", true, "SA", "BR", -23.5, 48},
      {"10.1.2.3", false, "", "", 0, 0},
      {"2001:db8:3::1", false, "", "", 0, 0},
  };
  for (const Row& row : rows) {
    CAPTURE(row.address);
    const geo::Location loc = lookup(**db, row.address);
    CHECK(loc.found == row.found);
    CHECK(std::string(loc.continent) == row.continent);
    CHECK(std::string(loc.country) == row.country);
    if (!row.found) continue;
    CHECK(loc.has_coordinates);
    CHECK(loc.latitude == doctest::Approx(row.latitude));
    CHECK(loc.prefix_len == row.prefix);
  }
}

TEST_CASE("opening a missing or broken database fails with the file named") {
  TempDir dir("gslb-geo");
  auto missing = geo::GeoDb::open((dir.path() / "nope.mmdb").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().text().find("nope.mmdb") != std::string::npos);

  const auto broken = dir.path() / "broken.mmdb";
  std::ofstream(broken) << "this is not a MaxMind DB";
  auto bad = geo::GeoDb::open(broken.string());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().text().find("broken.mmdb") != std::string::npos);
}

TEST_CASE("great-circle distances match known city pairs") {
  // New York - London ~5570 km; Frankfurt - Tokyo ~9350 km; same point 0.
  CHECK(geo::great_circle_km(40.7128, -74.0060, 51.5074, -0.1278) ==
        doctest::Approx(5570).epsilon(0.01));
  CHECK(geo::great_circle_km(50.1109, 8.6821, 35.6762, 139.6503) ==
        doctest::Approx(9350).epsilon(0.01));
  CHECK(geo::great_circle_km(10, 20, 10, 20) == doctest::Approx(0));
  CHECK(geo::great_circle_km(0, 0, 0, 180) == doctest::Approx(20015).epsilon(0.001));
}
