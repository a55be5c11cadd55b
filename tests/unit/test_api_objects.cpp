// The admin API's regions, monitors, pools and services: the happy path of each verb, the
// refusals (with the body's own field names) and proof that a refused write changes nothing.
#include <doctest/doctest.h>

#include "tests/unit/test_api_fixture.h"

using apitest::ApiFixture;
using nlohmann::json;

TEST_CASE_FIXTURE(ApiFixture, "a region is created, read, listed, replaced, patched and deleted") {
  const json created = {{"name", "ap-south"}, {"lat", 19}, {"lon", 72.8}, {"continent", "AS"}};
  auto r = call("POST", "/v1/regions", created);
  CHECK_STATUS(r, 201);
  CHECK(r.body["name"] == "ap-south");
  CHECK(r.body["continent"] == "AS");
  CHECK(call("GET", "/v1/regions/ap-south").body["lat"] == 19);
  CHECK(call("GET", "/v1/regions").body.size() == 3);

  r = call("PUT", "/v1/regions/ap-south", json{{"lat", 20}, {"lon", 73}});
  CHECK_STATUS(r, 200);
  CHECK(r.body["continent"] == "");  // replaced whole: what the body omits takes its default

  r = call("PATCH", "/v1/regions/ap-south", json{{"country", "IN"}});
  CHECK_STATUS(r, 200);
  CHECK(r.body["country"] == "IN");
  CHECK(r.body["lat"] == 20);  // merged: what the patch omits is kept

  CHECK_STATUS(call("DELETE", "/v1/regions/ap-south"), 200);
  CHECK_STATUS(call("GET", "/v1/regions/ap-south"), 404);
  CHECK(reloads == 4);
}

TEST_CASE_FIXTURE(ApiFixture, "a name that exists is a conflict, a name that does not is 404") {
  CHECK_STATUS(call("POST", "/v1/regions", json{{"name", "us-east"}, {"lat", 1}, {"lon", 1}}), 409);
  CHECK_STATUS(call("GET", "/v1/pools/nowhere"), 404);
  CHECK_STATUS(call("PUT", "/v1/monitors/nowhere", json{{"type", "tcp"}, {"port", 1}}), 404);
  CHECK_STATUS(call("PATCH", "/v1/services/nowhere.gslb.example.com", json::object()), 404);
  CHECK_STATUS(call("DELETE", "/v1/regions/nowhere"), 404);
}

TEST_CASE_FIXTURE(ApiFixture, "refusals name the body's field and change nothing") {
  struct Row {
    const char* method;
    const char* path;
    json body;
    const char* field;
  };
  const Row rows[] = {
      {"POST", "/v1/pools", {{"name", "p"}, {"region", "nowhere"}}, "region"},
      {"POST",
       "/v1/pools",
       {{"name", "p"},
        {"region", "us-east"},
        {"members", {{{"address", "192.0.2.1"}}, {{"address", "300.1.1.1"}}}}},
       "members[1].address"},
      {"POST", "/v1/regions", {{"name", "r"}, {"lat", "north"}, {"lon", 1}}, "lat"},
      {"POST", "/v1/regions", {{"name", "r"}, {"lat", 91}, {"lon", 1}}, "lat"},
      {"POST", "/v1/services", {{"name", "x.gslb.example.com"}, {"pols", json::array()}}, "pols"},
      {"PATCH", "/v1/monitors/web", {{"rise", -1}}, "rise"},
      {"PUT", "/v1/regions/us-east", {{"name", "eu-central"}, {"lat", 1}, {"lon", 1}}, "name"},
  };
  const std::string before = everything();
  for (const Row& row : rows) {
    CAPTURE(row.body.dump());
    auto r = call(row.method, row.path, row.body);
    CHECK_STATUS(r, 400);
    CHECK(r.body.value("field", "") == row.field);
  }
  CHECK(everything() == before);
  CHECK(reloads == 0);
}

TEST_CASE_FIXTURE(ApiFixture, "a body with several problems reports them all, with no one field") {
  auto r = call("POST", "/v1/regions", json{{"name", "r"}, {"lat", "north"}, {"lon", "east"}});
  CHECK_STATUS(r, 400);
  CHECK_FALSE(r.body.contains("field"));
  const std::string error = r.body["error"];
  CHECK(error.find("lat: ") != std::string::npos);
  CHECK(error.find("lon: ") != std::string::npos);
  CHECK(error.find("regions[0]") == std::string::npos);  // named as in the body
}

TEST_CASE_FIXTURE(ApiFixture, "malformed, empty and non-object bodies are refused with 400") {
  for (const char* body : {"{", "[1, 2]", "\"pool\"", ""}) {
    CAPTURE(body);
    auto r = call("POST", "/v1/pools", std::string(body));
    CHECK_STATUS(r, 400);
    CHECK(r.body["field"] == "body");
  }
}

TEST_CASE_FIXTURE(ApiFixture, "deleting an object still in use is a conflict and changes nothing") {
  const std::string before = everything();
  for (const char* path : {"/v1/regions/us-east", "/v1/pools/eu-central", "/v1/monitors/web"}) {
    CAPTURE(path);
    auto r = call("DELETE", path);
    CHECK_STATUS(r, 409);
    CHECK(r.body["error"].get<std::string>().find("still used") != std::string::npos);
  }
  CHECK(everything() == before);
}

TEST_CASE_FIXTURE(ApiFixture, "PATCH merges onto the stored object (RFC 7396)") {
  auto r = call("PATCH", "/v1/monitors/web", json{{"expect_body", nullptr}, {"rise", 5}});
  CHECK_STATUS(r, 200);
  CHECK_FALSE(r.body.contains("expect_body"));  // null removes
  CHECK(r.body["rise"] == 5);
  CHECK(r.body["path"] == "/healthz");  // untouched

  r = call("PATCH", "/v1/pools/us-east", json{{"min_healthy", 1}});
  CHECK_STATUS(r, 200);
  CHECK(r.body["members"].size() == 3);  // a pool's members survive a patch of its fields
}

TEST_CASE_FIXTURE(ApiFixture, "a service is named in a path with or without its trailing dot") {
  CHECK(call("GET", "/v1/services/www.gslb.example.com").body["name"] == "www.gslb.example.com.");
  CHECK_STATUS(call("GET", "/v1/services/www.gslb.example.com."), 200);
  auto r = call("PATCH", "/v1/services/WWW.gslb.example.com", json{{"ttl", 45}});
  CHECK_STATUS(r, 200);
  CHECK(r.body["ttl"] == 45);
  r = call("POST", "/v1/services",
           json{{"name", "new.gslb.example.com"}, {"pools", {{{"pool", "us-east"}}}}});
  CHECK_STATUS(r, 201);
  CHECK(r.body["name"] == "new.gslb.example.com.");
  CHECK_STATUS(call("DELETE", "/v1/services/new.gslb.example.com"), 200);
}
