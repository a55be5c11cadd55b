// The store's writes: zone creation, record rules, serial bumps, audit, and that every
// refused write changes nothing.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/zones_fixture.h"
#include "zones/audit.h"
#include "zones/records.h"

using zonetest::kActor;
using zonetest::StoreFixture;

TEST_CASE("a new zone gets default SOA names and its NS records") {
  StoreFixture f;
  zones::ZoneInfo zone = f.add_example_zone();
  CHECK(zone.name == "example.com.");
  CHECK(zone.soa.mname == "ns1.example.com.");
  CHECK(zone.soa.rname == "hostmaster.example.com.");
  CHECK(zone.soa.serial == 1);
  auto ns = f.store.list_records("example.com", std::string_view("@"), std::string_view("NS"));
  REQUIRE(ns.has_value());
  REQUIRE(ns->size() == 2);
  CHECK(ns->at(0).rdata_text == "ns1.example.com.");
  CHECK(ns->at(1).ttl == 3600);
}

TEST_CASE("zone creation is refused with every problem reported") {
  StoreFixture f;
  f.add_example_zone();
  struct Case {
    const char* name;
    std::vector<std::string> ns;
    uint32_t ttl;
    zones::ErrorCode code;
    std::vector<const char*> errors;
  };
  const Case cases[] = {
      {"example.com.", {"ns1.example.com"}, 60, zones::ErrorCode::kConflict, {"already exists"}},
      {"a..b", {}, 60, zones::ErrorCode::kInvalid, {"zone.name: bad name", "zone.ns: at least"}},
      {"ok.test",
       {"ns1..x"},
       2147483648u,
       zones::ErrorCode::kInvalid,
       {"zone.default_ttl: must be", "zone.ns[0]: bad name"}},
      {"ok.test", {"ns1..x", "fine.test"}, 60, zones::ErrorCode::kInvalid, {"zone.ns[0]: bad"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto zone = f.store.create_zone(c.name, {}, 3600, c.ttl, c.ns, kActor);
    REQUIRE_FALSE(zone.has_value());
    CHECK(zone.error().code == c.code);
    for (const char* e : c.errors) CHECK(zone.error().text().find(e) != std::string::npos);
  }
  CHECK(f.store.list_zones().value().size() == 1);
  CHECK(f.audit_rows() == 1);
}

TEST_CASE("an rname written as a mailbox becomes a name") {
  StoreFixture f;
  zones::SoaFields soa;
  soa.rname = "dns.admin@example.com";
  auto zone = f.store.create_zone("example.com", soa, 3600, 3600, {"ns1.example.com"}, kActor);
  REQUIRE(zone.has_value());
  CHECK(zone->soa.rname == "dns\\.admin.example.com.");
}

TEST_CASE("record writes that break a rule are refused and change nothing") {
  StoreFixture f;
  f.add_example_zone();
  f.add("www", "A", "192.0.2.1", 300);
  f.add("alias", "CNAME", "www");
  const uint32_t serial = f.serial();
  const int64_t count = f.count();
  const int64_t audits = f.audit_rows();

  struct Case {
    const char* owner;
    const char* type;
    std::optional<int64_t> ttl;
    const char* rdata;
    zones::ErrorCode code;
    std::vector<const char*> errors;
  };
  const Case cases[] = {
      {"www",
       "A",
       300,
       "1.2.3",
       zones::ErrorCode::kInvalid,
       {"record.rdata: bad A address \"1.2.3\""}},
      {"www",
       "A",
       60,
       "192.0.2.2",
       zones::ErrorCode::kConflict,
       {"record.ttl: TTL 60 differs from TTL 300"}},
      {"www", "A", {}, "192.0.2.1", zones::ErrorCode::kConflict, {"already exists"}},
      {"WWW.example.com.", "a", {}, "192.0.2.1", zones::ErrorCode::kConflict, {"already exists"}},
      {"www.other.org.",
       "A",
       {},
       "192.0.2.9",
       zones::ErrorCode::kInvalid,
       {"record.owner: www.other.org. is not inside zone example.com."}},
      {"@", "CNAME", {}, "www", zones::ErrorCode::kConflict, {"cannot be at the zone apex"}},
      {"alias", "A", {}, "192.0.2.9", zones::ErrorCode::kConflict, {"has a CNAME"}},
      {"alias", "CNAME", {}, "other", zones::ErrorCode::kConflict, {"at most one CNAME"}},
      {"www", "CNAME", {}, "other", zones::ErrorCode::kConflict, {"already has A data"}},
      {"@", "SOA", {}, "a. b. 1 2 3 4 5", zones::ErrorCode::kInvalid, {"zone's SOA settings"}},
      {"www",
       "A",
       2147483648,
       "192.0.2.9",
       zones::ErrorCode::kInvalid,
       {"record.ttl: must be 0..2147483647 (got 2147483648)"}},
      {"www", "FOO", {}, "x", zones::ErrorCode::kInvalid, {"record.type: unknown type \"FOO\""}},
      {"www", "MX", {}, "mail", zones::ErrorCode::kInvalid, {"record.rdata: bad MX rdata"}},
      {"x", "TYPE65280", {}, "\\# 4 0A00", zones::ErrorCode::kInvalid, {"bad TYPE65280 rdata"}},
      {"x", "A", {}, "192.0.2.1\n192.0.2.2", zones::ErrorCode::kInvalid, {"one line"}},
      {"a..b",
       "A",
       -1,
       "1.2.3",
       zones::ErrorCode::kInvalid,
       {"record.owner: bad name", "record.ttl: must be", "record.rdata: bad A address"}},
      {"x.other.org.",
       "A",
       {},
       "1.2.3",
       zones::ErrorCode::kInvalid,
       {"not inside zone", "bad A address"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.owner);
    CAPTURE(c.type);
    CAPTURE(c.rdata);
    auto r = f.store.add_record("example.com", c.owner, c.type, c.ttl, c.rdata, kActor);
    REQUIRE_FALSE(r.has_value());
    CAPTURE(r.error().text());
    CHECK(r.error().code == c.code);
    for (const char* e : c.errors) CHECK(r.error().text().find(e) != std::string::npos);
    CHECK(f.serial() == serial);
    CHECK(f.count() == count);
    CHECK(f.audit_rows() == audits);
  }

  auto missing = f.store.add_record("nope.org", "www", "A", {}, "192.0.2.1", kActor);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == zones::ErrorCode::kNotFound);
}

TEST_CASE("records of every common type are accepted and printed by ldns") {
  StoreFixture f;
  f.add_example_zone();
  struct Case {
    const char* owner;
    const char* type;
    const char* rdata;
    const char* printed;
  };
  const Case cases[] = {
      {"www", "A", "192.0.2.1", "192.0.2.1"},
      {"www", "AAAA", "2001:DB8::1", "2001:db8::1"},
      {"@", "MX", "10 mail", "10 mail.example.com."},
      {"txt", "TXT", "\"hello world\" more", "\"hello world\" \"more\""},
      {"_sip._tcp", "SRV", "10 20 5060 sip", "10 20 5060 sip.example.com."},
      {"@", "CAA", "0 issue \"letsencrypt.org\"", "0 issue \"letsencrypt.org\""},
      {"4.2", "PTR", "host.example.net.", "host.example.net."},
      {"child", "DS", "12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE9A4F6D0D0B6D45C3C9D3E3E5",
       "12345 8 2 49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de9a4f6d0d0b6d45c3c9d3e3e5"},
      {"child", "NS", "ns.child", "ns.child.example.com."},
      {"alias", "CNAME", "www", "www.example.com."},
      {"x", "TYPE65280", "\\# 4 0A000001", "\\# 4 0a000001"},
      {"*.wild", "A", "192.0.2.7", "192.0.2.7"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.type);
    auto r = f.store.add_record("example.com", c.owner, c.type, {}, c.rdata, kActor);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().text()));
    CHECK(r->rdata_text == c.printed);
    CHECK(r->ttl == 3600);
  }
}

TEST_CASE("a record without a TTL joins its RRset's TTL") {
  StoreFixture f;
  f.add_example_zone();
  f.add("www", "A", "192.0.2.1", 60);
  auto second = f.store.add_record("example.com", "www", "A", {}, "192.0.2.2", kActor);
  REQUIRE(second.has_value());
  CHECK(second->ttl == 60);
}

TEST_CASE("every write bumps the serial, wrapping past 2^32 - 1 to 1") {
  StoreFixture f;
  f.add_example_zone();
  CHECK(f.serial() == 1);
  f.add("www", "A", "192.0.2.1");
  CHECK(f.serial() == 2);
  REQUIRE(f.store.delete_records("example.com", "www", "A", {}, kActor).has_value());
  CHECK(f.serial() == 3);
  REQUIRE(f.db.exec("UPDATE zone SET serial = 4294967295").has_value());
  f.add("www", "A", "192.0.2.1");
  CHECK(f.serial() == 1);
}

TEST_CASE("deletes remove an RRset or one record, and refuse what they cannot do") {
  StoreFixture f;
  f.add_example_zone();
  f.add("www", "A", "192.0.2.1");
  f.add("www", "A", "192.0.2.2");
  f.add("www", "A", "192.0.2.3");

  CHECK(f.store.delete_records("example.com", "www", "A", "192.0.2.2", kActor).value() == 1);
  CHECK(f.store.delete_records("example.com", "www", "A", {}, kActor).value() == 2);

  const uint32_t serial = f.serial();
  const int64_t count = f.count();
  struct Case {
    const char* owner;
    const char* type;
    std::optional<std::string_view> rdata;
    zones::ErrorCode code;
    const char* error;
  };
  const Case cases[] = {
      {"www", "A", {}, zones::ErrorCode::kNotFound, "no www.example.com. A records"},
      {"@", "NS", "ns9.example.com.", zones::ErrorCode::kNotFound, "no record"},
      {"@", "NS", {}, zones::ErrorCode::kConflict, "at least one NS"},
      {"@", "SOA", {}, zones::ErrorCode::kInvalid, "SOA settings"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.error);
    auto r = f.store.delete_records("example.com", c.owner, c.type, c.rdata, kActor);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == c.code);
    CHECK(r.error().text().find(c.error) != std::string::npos);
    CHECK(f.serial() == serial);
    CHECK(f.count() == count);
  }

  // One NS may go; the last one may not.
  CHECK(f.store.delete_records("example.com", "@", "NS", "ns2.example.net.", kActor).value() == 1);
  auto last = f.store.delete_records("example.com", "@", "NS", "ns1.example.com.", kActor);
  REQUIRE_FALSE(last.has_value());
  CHECK(last.error().text().find("at least one NS") != std::string::npos);
}

TEST_CASE("every write leaves an audit row with who, what and the object as JSON") {
  StoreFixture f;
  f.add_example_zone();
  f.add("www", "A", "192.0.2.1");
  REQUIRE(f.store.delete_records("example.com", "www", "A", {}, kActor).has_value());
  REQUIRE(f.store.delete_zone("example.com", kActor).has_value());

  auto entries = zones::list_audit(f.db, 10).value();
  REQUIRE(entries.size() == 4);
  CHECK(entries[3].action == "zone.create");
  CHECK(entries[2].action == "record.add");
  CHECK(entries[2].object == "record/www.example.com./A");
  CHECK(nlohmann::json::parse(entries[2].after)["rdata"] == "192.0.2.1");
  CHECK(entries[2].before.empty());
  CHECK(entries[1].action == "record.delete");
  CHECK(nlohmann::json::parse(entries[1].before).size() == 1);
  CHECK(entries[0].action == "zone.delete");
  CHECK(entries[0].actor == kActor);
  CHECK(entries[0].at_ms > 0);
  CHECK(f.db.query_int("SELECT count(*) FROM record").value() == 0);
}

TEST_CASE("load_zones returns every zone with its records in canonical order") {
  StoreFixture f;
  f.add_example_zone();
  REQUIRE(f.store.create_zone("a.test", {}, 60, 60, {"ns.a.test"}, kActor).has_value());
  f.add("zz", "A", "192.0.2.1");
  f.add("a", "TXT", "x");
  f.add("a", "A", "192.0.2.1");
  auto zones = f.store.load_zones();
  REQUIRE(zones.has_value());
  REQUIRE(zones->size() == 2);
  CHECK(zones->at(0).info.name == "a.test.");
  const auto& records = zones->at(1).records;
  std::vector<std::string> got;
  for (const auto& r : records) got.push_back(r.owner + " " + zones::type_name(r.type));
  CHECK(got == std::vector<std::string>{"example.com. NS", "example.com. NS", "a.example.com. A",
                                        "a.example.com. TXT", "zz.example.com. A"});
}
