// The admin API's reports: the audit log of API writes, explain and health.
#include <doctest/doctest.h>

#include <chrono>

#include "tests/unit/test_api_fixture.h"

using apitest::ApiFixture;
using nlohmann::json;

TEST_CASE_FIXTURE(ApiFixture, "writes appear in the audit log with the actor, before and after") {
  CHECK_STATUS(call("PATCH", "/v1/regions/us-east", json{{"lat", 41}}), 200);
  auto r = call("GET", "/v1/audit?limit=1");
  CHECK_STATUS(r, 200);
  REQUIRE(r.body.size() == 1);
  const json& entry = r.body[0];
  CHECK(entry["actor"] == apitest::kApiActor);
  CHECK(entry["object"] == "region/us-east");
  CHECK(entry["before"]["lat"] == 40.7);
  CHECK(entry["after"]["lat"] == 41);

  CHECK(call("GET", "/v1/audit").body.size() > 1);
  for (const char* limit : {"0", "1001", "x"}) {
    CAPTURE(limit);
    CHECK_STATUS(call("GET", std::string("/v1/audit?limit=") + limit), 400);
  }
}

TEST_CASE_FIXTURE(ApiFixture, "explain answers for a configured service") {
  auto r = call("GET", "/v1/explain?name=api.gslb.example.com&type=A&client=192.0.2.1");
  CHECK_STATUS(r, 200);
  CHECK(r.body["rcode"] == "NOERROR");
  CHECK(r.body["service"] == "api.gslb.example.com.");
  CHECK_FALSE(r.body["answer"].empty());

  r = call("GET", "/v1/explain?name=api.gslb.example.com");
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "client");
  r = call("GET", "/v1/explain?name=api.gslb.example.com&client=somewhere");
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "client");
  r = call("GET", "/v1/explain?name=api.gslb.example.com&client=192.0.2.1&type=BOGUS");
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "type");
}

TEST_CASE_FIXTURE(ApiFixture, "health shows the rows written by GslbStore::write_health") {
  using namespace std::chrono;
  const int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  auto row = gslbtest::health("us-east", "192.0.2.10", "ams", zones::HealthState::kDown);
  row.checked_at_ms = row.changed_at_ms = now;
  row.reason = "connect refused";
  REQUIRE(gslb.write_health({row}).has_value());

  auto r = call("GET", "/v1/health?pool=us-east&quorum=any");
  CHECK_STATUS(r, 200);
  CHECK(r.body["quorum"] == "any");
  REQUIRE(r.body["members"].size() == 3);
  const json& member = r.body["members"][0];
  CHECK(member["address"] == "192.0.2.10");
  CHECK(member["state"] == "down");
  CHECK(member["vantages"][0]["reason"] == "connect refused");

  CHECK_STATUS(call("GET", "/v1/health?pool=nowhere"), 404);
  CHECK_STATUS(call("GET", "/v1/health?quorum=most"), 400);
  CHECK(call("GET", "/v1/health").body["members"].size() == 4);
}
