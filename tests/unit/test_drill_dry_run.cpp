// The drill dry run (admin/drill_dry_run.h): what a proposed drill changes per service and
// client region, over a migrated temp store, with the running drills as the "before".
#include <doctest/doctest.h>

#include "admin/drill_dry_run.h"
#include "tests/unit/test_gslb_store_fixture.h"
#include "zones/drills.h"

namespace {

using nlohmann::json;
using zones::AdminState;

constexpr int64_t kNow = 1'800'000'000'000;

// www fails over from us-a to eu-a (two answers); geo sends EU to eu-a and US and everyone
// else to us-a; api answers eu-b, else its fallback; v6 has only an IPv6 member.
zones::GslbConfig dry_run_config() {
  using namespace zones;
  GslbConfig c;
  c.regions = {{"eu", 50.1, 8.7, "EU", "DE"}, {"us", 40.7, -74.0, "NA", "US"}};
  Pool eu_a{"eu-a", "eu", "", 1, AdminState::kEnabled, {}};
  eu_a.members = {{0, "198.51.100.1", "", 1, AdminState::kEnabled},
                  {0, "198.51.100.2", "", 1, AdminState::kEnabled}};
  Pool eu_b{"eu-b", "eu", "", 1, AdminState::kEnabled, {}};
  eu_b.members = {{0, "198.51.100.3", "", 1, AdminState::kEnabled}};
  Pool us_a{"us-a", "us", "", 1, AdminState::kEnabled, {}};
  us_a.members = {{0, "192.0.2.1", "", 1, AdminState::kEnabled},
                  {0, "2001:db8::1", "", 1, AdminState::kEnabled}};
  Pool v6{"v6", "us", "", 1, AdminState::kEnabled, {}};
  v6.members = {{0, "2001:db8::50", "", 1, AdminState::kEnabled}};
  c.pools = {eu_a, eu_b, us_a, v6};
  Service www;
  www.name = "www.gslb.example.com.";
  www.max_answers = 2;
  www.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  Service geo;
  geo.name = "geo.gslb.example.com.";
  geo.policy = Policy::kGeo;
  geo.max_answers = 2;  // every member of the chosen pool: no seed in the expectations
  geo.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  geo.geo = {{"continent:EU", {"eu-a"}}, {"country:US", {"us-a"}}, {"default", {"us-a"}}};
  Service api;
  api.name = "api.gslb.example.com.";
  api.when_all_down = WhenAllDown::kFallback;
  api.fallback = {"192.0.2.99"};
  api.pools = {{"eu-b", 1, 1, 0}};
  Service v6s;
  v6s.name = "v6.gslb.example.com.";
  v6s.pools = {{"v6", 1, 1, 0}};
  c.services = {api, geo, v6s, www};
  return c;
}

struct DryRunFixture : gslbtest::GslbFixture {
  zones::DrillStore drills{db};

  DryRunFixture() { apply(dry_run_config()); }

  zones::Drill proposed(const std::string& target, const std::string& action = "fail") {
    zones::DrillSpec spec;
    spec.target = target;
    spec.action = action;
    spec.duration = "10m";
    auto drill = zones::drill_from_spec(spec, load(), kNow, "token:ops");
    REQUIRE_MESSAGE(drill.has_value(), (drill ? "" : drill.error().text()));
    return *drill;
  }

  json dry_run(const std::string& target, const std::string& action = "fail") {
    auto result = admin::drill_dry_run(db, proposed(target, action), {}, kNow);
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().text()));
    return *result;
  }
};

// The change for `client` of `service`, or null when there is none.
json change(const json& result, const std::string& service, const std::string& client) {
  for (const json& s : result["changes"]) {
    if (s["service"] != service) continue;
    for (const json& c : s["clients"])
      if (c["client"] == client) return c;
  }
  return nullptr;
}

std::vector<std::string> services(const json& result) {
  std::vector<std::string> out;
  for (const json& s : result["changes"]) out.push_back(s["service"]);
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(DryRunFixture, "drill dry run: failing a failover pool moves every client") {
  const json result = dry_run("pool/us-a");
  CAPTURE(result.dump(2));
  CHECK(services(result) ==
        std::vector<std::string>{"geo.gslb.example.com.", "www.gslb.example.com."});
  CHECK(result["unchanged_services"] == 2);  // api and v6
  for (const char* client : {"default", "region eu", "region us"}) {
    const json c = change(result, "www.gslb.example.com.", client);
    CAPTURE(client);
    REQUIRE(c.is_object());
    CHECK(c["before"] == json{"192.0.2.1"});
    CHECK(c["after"] == json{"198.51.100.1", "198.51.100.2"});
    CHECK(c["ttl_before"] == 30);
    CHECK(c["ttl_after"] == 10);  // a failed pool is down: degraded TTL
  }
}

TEST_CASE_FIXTURE(DryRunFixture, "drill dry run: geo clients by continent, country and region") {
  const json result = dry_run("pool/us-a");
  CAPTURE(result.dump(2));
  const std::string geo = "geo.gslb.example.com.";
  const json us = change(result, geo, "country US");
  REQUIRE(us.is_object());
  CHECK(us["before"] == json{"192.0.2.1"});
  CHECK(us["after"] == json{"198.51.100.1", "198.51.100.2"});
  CHECK(change(result, geo, "region us")["before"] == json{"192.0.2.1"});
  CHECK(change(result, geo, "default")["after"] == json{"198.51.100.1", "198.51.100.2"});
  // EU clients keep eu-a: only the TTL changes, because a linked pool is now down.
  for (const char* client : {"continent EU", "region eu"}) {
    const json eu = change(result, geo, client);
    CAPTURE(client);
    REQUIRE(eu.is_object());
    CHECK(eu["before"] == eu["after"]);
    CHECK(eu["ttl_before"] == 30);
    CHECK(eu["ttl_after"] == 10);
  }
  // Only the geo service asks by continent and country.
  CHECK(change(result, "www.gslb.example.com.", "country US").is_null());
}

TEST_CASE_FIXTURE(DryRunFixture, "drill dry run: drain keeps the TTL, fallback is shown") {
  json result = dry_run("pool/us-a", "drain");
  const json www = change(result, "www.gslb.example.com.", "default");
  REQUIRE(www.is_object());
  CHECK(www["after"] == json{"198.51.100.1", "198.51.100.2"});
  CHECK(www["ttl_after"] == 30);
  CHECK(change(result, "geo.gslb.example.com.", "continent EU").is_null());

  result = dry_run("pool/eu-b");
  const json api = change(result, "api.gslb.example.com.", "default");
  REQUIRE(api.is_object());
  CHECK(api["before"] == json{"198.51.100.3"});
  CHECK(api["after"] == json{"192.0.2.99"});
  CHECK(result["unchanged_services"] == 3);
}

TEST_CASE_FIXTURE(DryRunFixture, "drill dry run: a member drill and an IPv6-only service") {
  // us-a keeps its IPv6 member, so it is up (normal TTL) but has no A answer left.
  json result = dry_run("member/us-a/192.0.2.1");
  const json www = change(result, "www.gslb.example.com.", "default");
  REQUIRE(www.is_object());
  CHECK(www["after"] == json{"198.51.100.1", "198.51.100.2"});
  CHECK(www["ttl_after"] == 30);

  result = dry_run("pool/v6");  // AAAA: the service has no IPv4 member
  const json v6 = change(result, "v6.gslb.example.com.", "default");
  REQUIRE(v6.is_object());
  CHECK(v6["before"] == json{"2001:db8::50"});
  CHECK(v6["after"] == json::array());  // fail-open skips a failed pool: NODATA
}

TEST_CASE_FIXTURE(DryRunFixture, "drill dry run: running drills are the before") {
  zones::DrillSpec spec;
  spec.target = "pool/us-a";
  spec.action = "fail";
  spec.duration = "1h";
  REQUIRE(drills.start(spec, kNow - 60'000, "token:ops").has_value());
  const json result = dry_run("pool/eu-a");
  const json www = change(result, "www.gslb.example.com.", "default");
  REQUIRE(www.is_object());
  CHECK(www["before"] == json{"198.51.100.1", "198.51.100.2"});
  CHECK(www["after"] == json::array());
  CHECK(www["ttl_before"] == 10);

  // A drill the same as the running one changes nothing.
  const json same = dry_run("pool/us-a");
  CHECK(same["changes"] == json::array());
  CHECK(same["unchanged_services"] == 4);
}
