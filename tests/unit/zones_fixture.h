// A fresh, migrated store in a temp dir for one test, plus a small example zone.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "tests/support/temp_dir.h"
#include "zones/db.h"
#include "zones/migrate.h"
#include "zones/store.h"

namespace zonetest {

inline constexpr const char* kActor = "test:unit";

inline zones::Db open_db(const std::string& path) {
  auto db = zones::Db::open(path);
  REQUIRE_MESSAGE(db.has_value(), (db ? "" : db.error().text()));
  auto version = zones::migrate(*db);
  REQUIRE_MESSAGE(version.has_value(), (version ? "" : version.error().text()));
  return std::move(*db);
}

struct StoreFixture {
  testsupport::TempDir dir{"gslb-zones"};
  zones::Db db = open_db((dir / "store.db").string());
  zones::Store store{db};

  // example.com. with two NS, serial 1, default TTL 3600.
  zones::ZoneInfo add_example_zone() {
    auto zone = store.create_zone("example.com", {}, 3600, 3600,
                                  {"ns1.example.com", "ns2.example.net"}, kActor);
    REQUIRE_MESSAGE(zone.has_value(), (zone ? "" : zone.error().text()));
    return *zone;
  }

  void add(const std::string& owner, const std::string& type, const std::string& rdata,
           std::optional<int64_t> ttl = {}) {
    auto r = store.add_record("example.com.", owner, type, ttl, rdata, kActor);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().text()));
  }

  uint32_t serial() { return store.get_zone("example.com.").value().soa.serial; }
  int64_t count() { return store.count_records("example.com.").value(); }
  int64_t audit_rows() { return db.query_int("SELECT count(*) FROM audit").value(); }
};

}  // namespace zonetest
