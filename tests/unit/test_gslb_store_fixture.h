// A migrated store with the zone gslb.example.com. and a sample GSLB configuration that uses
// every kind of object, for the GslbStore tests.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "tests/unit/zones_fixture.h"
#include "zones/gslb_json.h"
#include "zones/gslb_store.h"
#include "zones/zonefile.h"

namespace gslbtest {

using zonetest::kActor;

// Static data around the services: TXT may share a service's name, a delegation at
// sub, a CNAME at alias, an A at static.
inline constexpr const char* kZoneText = R"($ORIGIN gslb.example.com.
$TTL 300
@      IN SOA ns1 hostmaster 1 3600 600 604800 60
@      IN NS  ns1
ns1    IN A   192.0.2.53
www    IN TXT "service here"
sub    IN NS  ns.sub
ns.sub IN A   192.0.2.54
alias  IN CNAME www
static IN A   192.0.2.99
)";

inline zones::ZoneContent zone_content(const std::string& text = kZoneText) {
  auto zone = zones::parse_zone_text(text, "gslb.example.com.zone");
  REQUIRE_MESSAGE(zone.has_value(), (zone ? "" : zone.error().text()));
  return *zone;
}

// Objects in name order, as load() returns them.
inline zones::GslbConfig sample() {
  using namespace zones;
  GslbConfig c;
  Monitor tcp;
  tcp.name = "tcp443";
  tcp.type = "tcp";
  tcp.port = 443;
  Monitor web;
  web.name = "web";
  web.type = "http";
  web.port = 80;
  web.path = "/healthz";
  web.host = "www.example.com";
  web.expect_status = {200, 204};
  web.expect_body = "ok";
  web.interval_ms = 2000;
  web.timeout_ms = 500;
  web.rise = 3;
  web.fall = 1;
  web.load_field = "load";
  c.monitors = {tcp, web};
  c.regions = {{"eu-central", 50.1, 8.7, "EU", "DE"}, {"us-east", 40.7, -74.0, "NA", "US"}};
  Pool eu;
  eu.name = "eu-central";
  eu.region = "eu-central";
  eu.members = {{0, "198.51.100.10", "", 1, AdminState::kEnabled}};
  Pool us;
  us.name = "us-east";
  us.region = "us-east";
  us.monitor = "web";
  us.min_healthy = 2;
  us.admin = AdminState::kDrain;
  us.members = {{0, "192.0.2.10", "a", 1, AdminState::kEnabled},
                {0, "2001:db8::10", "b", 2, AdminState::kFail},
                {0, "192.0.2.11", "", 0, AdminState::kEnabled}};
  c.pools = {eu, us};
  Service api;
  api.name = "api.gslb.example.com.";
  api.policy = Policy::kWeighted;
  api.affinity = Affinity::kSubnet;
  api.when_all_down = WhenAllDown::kFallback;
  api.fallback = {"198.51.100.99", "2001:db8::99"};
  api.pools = {{"us-east", 1, 3, 0}, {"eu-central", 1, 1, 0}};
  Service geo;
  geo.name = "geo.gslb.example.com.";
  geo.policy = Policy::kGeo;
  geo.ttl = 60;
  geo.degraded_ttl = 5;
  geo.max_answers = 2;
  geo.pools = {{"us-east", 1, 1, 0}, {"eu-central", 2, 1, 0}};
  geo.geo = {{"cidr:203.0.113.0/24", {"eu-central"}},
             {"country:JP", {"us-east"}},
             {"continent:EU", {"eu-central", "us-east"}},
             {"default", {"us-east", "eu-central"}}};
  Service www;
  www.name = "www.gslb.example.com.";
  www.policy = Policy::kLatency;
  www.when_all_down = WhenAllDown::kNodata;
  www.tolerance_ms = 35;
  www.load_threshold = 0.75;
  www.pools = {{"us-east", 1, 1, 150.5}, {"eu-central", 2, 4, -20}};
  www.overrides = {{"203.0.113.0/24", "eu-central"}, {"2001:db8:1::/48", "us-east"}};
  c.services = {api, geo, www};
  c.overrides = {{"10.0.0.0/8", "us-east"}, {"192.0.2.128/25", "eu-central"}};
  return c;
}

inline zones::HealthRow health(std::string pool, std::string address, std::string vantage,
                               zones::HealthState state, int64_t member_id = 0) {
  zones::HealthRow row;
  row.pool = std::move(pool);
  row.address = std::move(address);
  row.vantage = std::move(vantage);
  row.state = state;
  row.member_id = member_id;
  return row;
}

// The config without member ids, for comparing a load() with what was applied.
inline std::string shape(const zones::GslbConfig& c) {
  return zones::gslb_json(c).dump(2);
}

struct GslbFixture : zonetest::StoreFixture {
  zones::GslbStore gslb{db};

  GslbFixture() {
    auto zone = store.replace_zone(zone_content(), kActor);
    REQUIRE_MESSAGE(zone.has_value(), (zone ? "" : zone.error().text()));
  }

  zones::Plan apply(const zones::GslbConfig& c, zones::ApplyOptions options = {}) {
    auto plan = gslb.apply(c, options, kActor);
    REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().text()));
    return *plan;
  }

  zones::GslbConfig load() {
    auto c = gslb.load();
    REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().text()));
    return *c;
  }

  // The apply's error text; the test fails when the apply succeeds.
  std::string refused(const zones::GslbConfig& c, zones::ApplyOptions options = {}) {
    auto plan = gslb.apply(c, options, kActor);
    REQUIRE_FALSE(plan.has_value());
    return plan.error().text();
  }

  int64_t count(const std::string& sql) { return db.query_int(sql).value(); }
};

}  // namespace gslbtest
