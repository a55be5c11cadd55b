// The admin API's pool members, geo maps and overrides.
#include <doctest/doctest.h>

#include "tests/unit/test_api_fixture.h"

using apitest::ApiFixture;
using nlohmann::json;

TEST_CASE_FIXTURE(ApiFixture, "a member is added, drained by PATCH, replaced and removed") {
  auto r =
      call("POST", "/v1/pools/us-east/members", json{{"address", "2001:DB8::20"}, {"weight", 3}});
  CHECK_STATUS(r, 201);
  CHECK(r.body["address"] == "2001:db8::20");
  CHECK(call("GET", "/v1/pools/us-east/members").body.size() == 4);

  r = call("PATCH", "/v1/pools/us-east/members/2001:db8::20", json{{"admin_state", "drain"}});
  CHECK_STATUS(r, 200);
  CHECK(r.body["admin_state"] == "drain");
  CHECK(r.body["weight"] == 3);
  CHECK(load().pools[1].members.back().admin == zones::AdminState::kDrain);

  r = call("PUT", "/v1/pools/us-east/members/2001:db8::20", json{{"weight", 5}});
  CHECK_STATUS(r, 200);
  CHECK(r.body["admin_state"] == "enabled");

  CHECK_STATUS(call("DELETE", "/v1/pools/us-east/members/2001:db8::20"), 200);
  CHECK_STATUS(call("GET", "/v1/pools/us-east/members/2001:db8::20"), 404);
  CHECK(load().pools[1].members.size() == 3);
}

TEST_CASE_FIXTURE(ApiFixture, "member refusals change nothing") {
  const std::string before = everything();
  CHECK_STATUS(call("POST", "/v1/pools/us-east/members", json{{"address", "192.0.2.10"}}), 409);
  CHECK_STATUS(call("POST", "/v1/pools/nowhere/members", json{{"address", "192.0.2.1"}}), 404);
  auto r =
      call("POST", "/v1/pools/us-east/members", json{{"address", "192.0.2.50"}, {"weight", -1}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "weight");
  r = call("POST", "/v1/pools/us-east/members", json{{"address", "300.1.1.1"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "address");
  r = call("PATCH", "/v1/pools/us-east/members/192.0.2.10", json{{"address", "192.0.2.99"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "address");
  r = call("PATCH", "/v1/pools/us-east/members/192.0.2.10", json{{"admin_state", "sleepy"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "admin_state");
  CHECK(everything() == before);
}

TEST_CASE_FIXTURE(ApiFixture, "a service's geo map is read and replaced whole") {
  CHECK(call("GET", "/v1/services/geo.gslb.example.com/geo").body["geo"].size() == 4);
  const json geo = {{"geo",
                     {{{"match", "country:jp"}, {"pools", {"eu-central"}}},
                      {{"match", "default"}, {"pools", {"us-east"}}}}}};
  auto r = call("PUT", "/v1/services/geo.gslb.example.com/geo", geo);
  CHECK_STATUS(r, 200);
  CHECK(r.body["geo"].size() == 2);
  CHECK(r.body["geo"][0]["match"] == "country:JP");

  const std::string before = everything();
  r = call("PUT", "/v1/services/geo.gslb.example.com/geo",
           json{{"geo", {{{"match", "default"}, {"pools", {"nowhere"}}}}}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "geo[0].pools[0]");
  CHECK_STATUS(call("PUT", "/v1/services/geo.gslb.example.com/geo", json{{"gep", json::array()}}),
               400);
  CHECK(everything() == before);
}

TEST_CASE_FIXTURE(ApiFixture, "overrides are added, listed and deleted, globally or per service") {
  auto r =
      call("POST", "/v1/overrides", json{{"network", "198.51.100.0/24"}, {"region", "us-east"}});
  CHECK_STATUS(r, 201);
  r = call("POST", "/v1/overrides",
           json{{"network", "2001:DB8:2::/48"},
                {"region", "eu-central"},
                {"service", "api.gslb.example.com"}});
  CHECK_STATUS(r, 201);
  CHECK(r.body["service"] == "api.gslb.example.com.");
  CHECK(r.body["network"] == "2001:db8:2::/48");
  CHECK(call("GET", "/v1/overrides").body.size() == 6);  // 2 global and 2 of www in the sample
  CHECK(call("GET", "/v1/overrides?service=api.gslb.example.com").body.size() == 1);

  CHECK_STATUS(
      call("POST", "/v1/overrides", json{{"network", "198.51.100.0/24"}, {"region", "us-east"}}),
      409);
  r = call("POST", "/v1/overrides", json{{"network", "203.0.113.0/24"}, {"region", "nowhere"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "region");

  CHECK_STATUS(call("DELETE", "/v1/overrides/198.51.100.0/24"), 200);
  CHECK_STATUS(call("DELETE", "/v1/overrides/198.51.100.0/24"), 404);
  CHECK_STATUS(call("DELETE", "/v1/overrides/2001:db8:2::/48?service=api.gslb.example.com."), 200);
  CHECK(call("GET", "/v1/overrides").body.size() == 4);
}
