// GslbStore health rows (upsert per member and vantage, seq, health_since) and the rules
// between static records and services (record adds, zone import, zone delete).
#include <doctest/doctest.h>

#include "tests/unit/test_gslb_store_fixture.h"

using gslbtest::GslbFixture;
using gslbtest::kActor;
using gslbtest::sample;
using zones::HealthRow;
using zones::HealthState;

TEST_CASE("gslb health rows are upserted per member and vantage with a growing seq") {
  GslbFixture f;
  f.apply(sample());
  HealthRow a = gslbtest::health("us-east", "192.0.2.10", "fra", HealthState::kUp);
  a.rtt_us = 1200;
  a.rtt_ewma_us = 1100;
  a.load = 0.25;
  a.checked_at_ms = 1000;
  a.changed_at_ms = 900;
  a.reason = "200 OK";
  HealthRow b = gslbtest::health("us-east", "2001:DB8::10", "fra", HealthState::kDown);
  b.reason = "timeout";
  HealthRow c = gslbtest::health("eu-central", "198.51.100.10", "nyc", HealthState::kUnknown);
  REQUIRE(f.gslb.write_health({a, b, c}).has_value());
  auto rows = f.gslb.health_since(0).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].seq == 1);
  CHECK(rows[1].seq == 2);
  CHECK(rows[2].seq == 3);
  CHECK(rows[0].pool == "us-east");
  CHECK(rows[0].address == "192.0.2.10");
  CHECK(rows[0].member_id > 0);
  CHECK(rows[0].state == HealthState::kUp);
  CHECK(rows[0].rtt_us == 1200);
  CHECK(rows[0].rtt_ewma_us == 1100);
  CHECK(rows[0].load == doctest::Approx(0.25));
  CHECK(rows[0].checked_at_ms == 1000);
  CHECK(rows[0].changed_at_ms == 900);
  CHECK(rows[0].reason == "200 OK");
  CHECK(rows[1].address == "2001:db8::10");  // canonical, whatever the writer spelled
  CHECK(rows[1].state == HealthState::kDown);
  CHECK_FALSE(rows[1].rtt_us.has_value());
  CHECK_FALSE(rows[1].load.has_value());
  CHECK(rows[2].vantage == "nyc");

  // The same member and vantage again: one row, by member id this time, with a fresh seq.
  HealthRow again = gslbtest::health("", "", "fra", HealthState::kDown, rows[0].member_id);
  again.reason = "503";
  REQUIRE(f.gslb.write_health({again}).has_value());
  CHECK(f.count("SELECT count(*) FROM health") == 3);
  auto changed = f.gslb.health_since(3).value();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].seq == 4);
  CHECK(changed[0].address == "192.0.2.10");
  CHECK(changed[0].state == HealthState::kDown);
  CHECK_FALSE(changed[0].rtt_us.has_value());
  CHECK(f.gslb.health_since(4).value().empty());
  // A second vantage for the same member is a row of its own.
  REQUIRE(
      f.gslb.write_health({gslbtest::health("us-east", "192.0.2.10", "sin", HealthState::kUp)}));
  CHECK(f.count("SELECT count(*) FROM health") == 4);
  auto all = f.gslb.health_since(0).value();
  REQUIRE(all.size() == 4);
  CHECK(all[0].address == "2001:db8::10");  // ordered by seq
  CHECK(all[3].vantage == "sin");
}

TEST_CASE("gslb health for an unknown member is refused whole, naming it") {
  GslbFixture f;
  f.apply(sample());
  auto refused =
      f.gslb.write_health({gslbtest::health("us-east", "192.0.2.10", "fra", HealthState::kUp),
                           gslbtest::health("us-east", "192.0.2.99", "fra", HealthState::kUp)});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == zones::ErrorCode::kNotFound);
  CHECK(refused.error().text() == "health[1]: no member 192.0.2.99 in pool \"us-east\"");
  auto by_id = f.gslb.write_health({gslbtest::health("", "", "fra", HealthState::kUp, 424242)});
  REQUIRE_FALSE(by_id.has_value());
  CHECK(by_id.error().text() == "health[0]: no member with id 424242");
  auto no_vantage =
      f.gslb.write_health({gslbtest::health("us-east", "192.0.2.10", "", HealthState::kUp)});
  REQUIRE_FALSE(no_vantage.has_value());
  CHECK(no_vantage.error().text() == "health[0].vantage: must not be empty");
  CHECK(f.count("SELECT count(*) FROM health") == 0);
}

TEST_CASE("gslb health of a deleted member goes with it") {
  GslbFixture f;
  f.apply(sample());
  REQUIRE(
      f.gslb.write_health({gslbtest::health("us-east", "192.0.2.10", "fra", HealthState::kUp),
                           gslbtest::health("us-east", "192.0.2.11", "fra", HealthState::kUp)}));
  zones::GslbConfig c;
  c.pools = {sample().pools[1]};
  c.pools[0].members.pop_back();  // 192.0.2.11
  f.apply(c);
  auto rows = f.gslb.health_since(0).value();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].address == "192.0.2.10");
}

TEST_CASE("gslb a static CNAME, A or AAAA cannot take a service's name") {
  GslbFixture f;
  f.apply(sample());
  const int64_t audit = f.audit_rows();
  for (const char* type : {"A", "AAAA", "CNAME"}) {
    CAPTURE(type);
    const char* rdata = std::string_view(type) == "A"      ? "192.0.2.1"
                        : std::string_view(type) == "AAAA" ? "2001:db8::1"
                                                           : "elsewhere.example.";
    auto r = f.store.add_record("gslb.example.com", "api", type, 60, rdata, kActor);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == zones::ErrorCode::kConflict);
    CHECK(r.error().text().find("conflicts with service api.gslb.example.com.: a static ") !=
          std::string::npos);
  }
  // A delegation at or above a service would hide it.
  auto ns = f.store.add_record("gslb.example.com", "api", "NS", 60, "ns.elsewhere.", kActor);
  REQUIRE_FALSE(ns.has_value());
  CHECK(ns.error().text().find("is at or below the delegation") != std::string::npos);
  CHECK(f.audit_rows() == audit);
  // Other types may share the name.
  auto txt = f.store.add_record("gslb.example.com", "api", "TXT", 60, "\"hello\"", kActor);
  CHECK(txt.has_value());
  auto mx = f.store.add_record("gslb.example.com", "api", "MX", 60, "10 mail.example.", kActor);
  CHECK(mx.has_value());
  auto other = f.store.add_record("gslb.example.com", "api2", "A", 60, "192.0.2.1", kActor);
  CHECK(other.has_value());
}

TEST_CASE("gslb a zone import cannot put static addresses at a service's name") {
  GslbFixture f;
  f.apply(sample());
  const uint32_t serial = f.store.get_zone("gslb.example.com.").value().soa.serial;
  std::string text = gslbtest::kZoneText;
  text += "www IN AAAA 2001:db8::1\n";
  text += "api IN CNAME www\n";
  auto r = f.store.replace_zone(gslbtest::zone_content(text), kActor);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == zones::ErrorCode::kConflict);
  CHECK(r.error().text().find("conflicts with service www.gslb.example.com.: a static AAAA") !=
        std::string::npos);
  CHECK(r.error().text().find("conflicts with service api.gslb.example.com.: a static CNAME") !=
        std::string::npos);
  CHECK(f.store.get_zone("gslb.example.com.").value().soa.serial == serial);
  // The zone as it was imports fine (TXT at www is allowed).
  CHECK(f.store.replace_zone(gslbtest::zone_content(), kActor).has_value());
}

TEST_CASE("gslb a zone with services cannot be deleted") {
  GslbFixture f;
  f.apply(sample());
  auto r = f.store.delete_zone("gslb.example.com", kActor);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == zones::ErrorCode::kConflict);
  CHECK(r.error().text() == "zone: zone gslb.example.com. has 3 services: delete them first");
  CHECK(f.store.get_zone("gslb.example.com").has_value());
  f.apply({}, {.prune = true});
  CHECK(f.store.delete_zone("gslb.example.com", kActor).has_value());
}
