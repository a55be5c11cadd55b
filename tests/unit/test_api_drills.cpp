// The admin API's /v1/drills: start, dry run, list, get (with the live report) and abort, the
// refusals (each naming its field) and proof that a refused or dry-run request writes nothing.
#include <doctest/doctest.h>

#include "tests/unit/test_api_fixture.h"
#include "zones/clock.h"
#include "zones/drills.h"

namespace {

using apitest::ApiFixture;
using nlohmann::json;
using zones::AdminState;

// www fails over from us-a to eu-a; geo sends EU to eu-a, everyone else to us-a; api has
// eu-b and a fallback address; solo has only eu-b, so failing eu-b takes it out.
zones::GslbConfig drill_config() {
  using namespace zones;
  GslbConfig c;
  c.regions = {{"eu", 50.1, 8.7, "EU", "DE"}, {"us", 40.7, -74.0, "NA", "US"}};
  Pool eu_a{"eu-a", "eu", "", 1, AdminState::kEnabled, {}};
  eu_a.members = {{0, "198.51.100.1", "", 1, AdminState::kEnabled},
                  {0, "198.51.100.2", "", 1, AdminState::kEnabled}};
  Pool eu_b{"eu-b", "eu", "", 1, AdminState::kEnabled, {}};
  eu_b.members = {{0, "198.51.100.3", "", 1, AdminState::kEnabled}};
  Pool us_a{"us-a", "us", "", 1, AdminState::kEnabled, {}};
  us_a.members = {{0, "192.0.2.1", "", 1, AdminState::kEnabled}};
  c.pools = {eu_a, eu_b, us_a};
  Service www;
  www.name = "www.gslb.example.com.";
  www.max_answers = 2;
  www.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  Service geo;
  geo.name = "geo.gslb.example.com.";
  geo.policy = Policy::kGeo;
  geo.max_answers = 2;
  geo.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  geo.geo = {{"continent:EU", {"eu-a"}}, {"default", {"us-a"}}};
  Service api;
  api.name = "api.gslb.example.com.";
  api.when_all_down = WhenAllDown::kFallback;
  api.fallback = {"192.0.2.99"};
  api.pools = {{"eu-b", 1, 1, 0}};
  Service solo;
  solo.name = "solo.gslb.example.com.";
  solo.pools = {{"eu-b", 1, 1, 0}};
  c.services = {api, geo, solo, www};
  return c;
}

json drill_body(const std::string& target, const std::string& action = "fail") {
  return {{"target", target}, {"action", action}, {"duration", "10m"}};
}

struct DrillApiFixture : ApiFixture {
  DrillApiFixture() { apply(drill_config()); }

  int64_t config_version() { return count("SELECT version FROM config_version"); }

  int64_t start(const std::string& target) {
    auto r = call("POST", "/v1/drills", drill_body(target));
    CAPTURE(r.body.dump());
    REQUIRE(r.status == 201);
    return r.body["id"].get<int64_t>();
  }

  std::string path(int64_t id, const std::string& tail = "") {
    return "/v1/drills/" + std::to_string(id) + tail;
  }
};

}  // namespace

TEST_CASE_FIXTURE(DrillApiFixture, "a drill is started, read, listed and aborted") {
  const int64_t audits = audit_rows();
  json body = drill_body("pool/us-a");
  body["note"] = "quarterly drill";
  auto r = call("POST", "/v1/drills", body);
  CHECK_STATUS(r, 201);
  CHECK(r.body["id"].get<int64_t>() > 0);
  CHECK(r.body["target"] == "pool/us-a");
  CHECK(r.body["action"] == "fail");
  CHECK(r.body["duration"] == "10m");
  CHECK(r.body["note"] == "quarterly drill");
  CHECK(r.body["created_by"] == apitest::kApiActor);
  CHECK(r.body["end_reason"].is_null());
  CHECK(r.body["services_out"] == json::array());
  CHECK_FALSE(r.body.contains("dry_run"));
  CHECK(reloads == 1);
  CHECK(audit_rows() == audits + 1);
  const int64_t id = r.body["id"];

  r = call("GET", path(id));
  CHECK_STATUS(r, 200);
  CHECK(r.body["running"] == true);
  CHECK_FALSE(r.body.contains("report"));

  r = call("GET", "/v1/drills");
  CHECK_STATUS(r, 200);
  REQUIRE(r.body["drills"].size() == 1);
  CHECK(r.body["drills"][0]["id"] == id);

  r = call("POST", path(id, "/abort"));
  CHECK_STATUS(r, 200);
  CHECK(r.body["end_reason"] == "aborted");
  CHECK_FALSE(r.body["ended_at_ms"].is_null());
  CHECK(reloads == 2);
  CHECK(call("GET", path(id)).body["running"] == false);
  CHECK(reloads == 2);  // reading writes nothing gslbd must reload for
}

TEST_CASE_FIXTURE(DrillApiFixture, "drills are listed newest first, up to the limit") {
  const int64_t first = start("pool/us-a");
  const int64_t second = start("member/eu-a/198.51.100.1");
  auto r = call("GET", "/v1/drills");
  REQUIRE(r.body["drills"].size() == 2);
  CHECK(r.body["drills"][0]["id"] == second);
  CHECK(r.body["drills"][1]["id"] == first);
  r = call("GET", "/v1/drills?limit=1");
  CHECK_STATUS(r, 200);
  REQUIRE(r.body["drills"].size() == 1);
  CHECK(r.body["drills"][0]["id"] == second);
  CHECK(call("GET", "/v1/drills?limit=1000").body["drills"].size() == 2);
  for (const char* bad : {"0", "-1", "1001", "ten", "5x"}) {
    CAPTURE(bad);
    r = call("GET", std::string("/v1/drills?limit=") + bad);
    CHECK_STATUS(r, 400);
    CHECK(r.body.value("field", "") == "limit");
  }
}

TEST_CASE_FIXTURE(DrillApiFixture, "drill refusals name the field and change nothing") {
  struct Row {
    json body;
    const char* field;
  };
  const Row rows[] = {
      {drill_body("pool/nowhere"), "target"},
      {drill_body("cluster/us-a"), "target"},
      {drill_body("member/us-a/192.0.2.200"), "target"},
      {drill_body("pool/us-a", "explode"), "action"},
      {{{"target", "pool/us-a"}, {"action", "fail"}, {"duration", "10 parsecs"}}, "duration"},
      {{{"target", "pool/us-a"}, {"action", "fail"}, {"duration", "1s"}}, "duration"},
      {{{"target", "pool/us-a"}, {"action", "fail"}}, "duration"},
      {{{"target", "pool/us-a"}, {"action", "fail"}, {"duration", 600}}, "duration"},
      {{{"target", "pool/us-a"}, {"action", "fail"}, {"duration", "10m"}, {"dry_run", "yes"}},
       "dry_run"},
      {{{"target", "pool/us-a"}, {"action", "fail"}, {"duration", "10m"}, {"note", 1}}, "note"},
      {{{"target", "pool/us-a"}, {"action", "fail"}, {"duration", "10m"}, {"allow", true}},
       "allow"},
      {json::array(), "body"},
  };
  const std::string before = everything();
  const int64_t version = config_version();
  for (const Row& row : rows) {
    CAPTURE(row.body.dump());
    auto r = call("POST", "/v1/drills", row.body);
    CHECK_STATUS(r, 400);
    CHECK(r.body.value("field", "") == row.field);
  }
  CHECK(everything() == before);
  CHECK(config_version() == version);
  CHECK(reloads == 0);
}

TEST_CASE_FIXTURE(DrillApiFixture, "an unknown drill is 404, a bad id 400") {
  CHECK_STATUS(call("GET", "/v1/drills/999"), 404);
  CHECK_STATUS(call("POST", "/v1/drills/999/abort"), 404);
  for (const char* bad : {"abc", "0", "-3", "1.5"}) {
    CAPTURE(bad);
    auto r = call("GET", std::string("/v1/drills/") + bad);
    CHECK_STATUS(r, 400);
    CHECK(r.body.value("field", "") == "id");
    CHECK(call("POST", std::string("/v1/drills/") + bad + "/abort").body.value("field", "") ==
          "id");
  }
  CHECK(reloads == 0);
}

TEST_CASE_FIXTURE(DrillApiFixture, "aborting an ended drill is a conflict") {
  const int64_t id = start("pool/us-a");
  CHECK_STATUS(call("POST", path(id, "/abort")), 200);
  const int64_t audits = audit_rows();
  CHECK_STATUS(call("POST", path(id, "/abort")), 409);
  CHECK(audit_rows() == audits);
  CHECK(reloads == 2);  // the start and the first abort
}

TEST_CASE_FIXTURE(DrillApiFixture, "a drill past its end is closed as expired when read") {
  zones::DrillStore drills(db);
  zones::DrillSpec spec;
  spec.target = "pool/us-a";
  spec.action = "drain";
  spec.duration = "10m";
  auto started = drills.start(spec, zones::unix_ms() - 3'600'000, "token:ops");
  REQUIRE(started.has_value());
  const int64_t id = started->drill.id;
  auto r = call("GET", path(id));
  CHECK_STATUS(r, 200);
  CHECK(r.body["running"] == false);
  CHECK(r.body["end_reason"] == "expired");
  CHECK(r.body["ended_at_ms"] == r.body["ends_at_ms"]);
  CHECK_STATUS(call("POST", path(id, "/abort")), 409);
  CHECK(call("GET", "/v1/drills").body["drills"][0]["end_reason"] == "expired");
  CHECK(reloads == 0);
}

TEST_CASE_FIXTURE(DrillApiFixture, "a drill that takes a service out needs allow_total_outage") {
  const std::string before = everything();
  auto r = call("POST", "/v1/drills", drill_body("pool/eu-b"));
  CHECK_STATUS(r, 409);
  CHECK(r.body["error"].get<std::string>().find("solo.gslb.example.com.") != std::string::npos);
  json dry = drill_body("pool/eu-b");
  dry["dry_run"] = true;
  CHECK_STATUS(call("POST", "/v1/drills", dry), 409);  // a dry run is refused alike
  CHECK(everything() == before);
  CHECK(reloads == 0);

  json body = drill_body("pool/eu-b");
  body["allow_total_outage"] = true;
  r = call("POST", "/v1/drills", body);
  CHECK_STATUS(r, 201);
  CHECK(r.body["services_out"] == json{"solo.gslb.example.com."});  // api has its fallback
  CHECK(reloads == 1);
}

TEST_CASE_FIXTURE(DrillApiFixture, "a dry run writes nothing and says what would change") {
  const std::string before = everything();
  const int64_t version = config_version();
  json body = drill_body("pool/us-a");
  body["dry_run"] = true;
  auto r = call("POST", "/v1/drills", body);
  CHECK_STATUS(r, 200);
  CHECK(everything() == before);
  CHECK(config_version() == version);
  CHECK(reloads == 0);
  CHECK(call("GET", "/v1/drills").body["drills"] == json::array());

  CHECK(r.body["dry_run"] == true);
  CHECK(r.body["id"] == 0);
  CHECK(r.body["target"] == "pool/us-a");
  CHECK(r.body["unchanged_services"] == 2);  // api and solo
  const json& changes = r.body["changes"];
  REQUIRE(changes.size() == 2);
  CHECK(changes[0]["service"] == "geo.gslb.example.com.");
  CHECK(changes[1]["service"] == "www.gslb.example.com.");
  json www_default;
  for (const json& c : changes[1]["clients"])
    if (c["client"] == "default") www_default = c;
  CHECK(www_default["before"] == json{"192.0.2.1"});
  CHECK(www_default["after"] == json{"198.51.100.1", "198.51.100.2"});
  CHECK(www_default["ttl_before"] == 30);
  CHECK(www_default["ttl_after"] == 10);
  std::vector<std::string> geo_clients;
  for (const json& c : changes[0]["clients"]) geo_clients.push_back(c["client"]);
  // The sample's regions eu-central and us-east are still stored (apply does not prune them).
  CHECK(geo_clients == std::vector<std::string>{"continent EU", "region eu", "region eu-central",
                                                "region us", "region us-east", "default"});
}

TEST_CASE_FIXTURE(DrillApiFixture,
                  "a running drill shows gslbd's live report, an ended one its own") {
  int asked = 0;
  context.drill_report = [&](const zones::Drill&) -> std::optional<json> {
    ++asked;
    return json{{"answers", 5}};
  };
  routes = admin::api::resource_routes(context);
  const int64_t id = start("pool/us-a");
  auto r = call("GET", path(id));
  CHECK(r.body["report"] == json{{"answers", 5}});
  CHECK(asked == 1);

  CHECK_STATUS(call("POST", path(id, "/abort")), 200);
  r = call("GET", path(id));
  CHECK_FALSE(r.body.contains("report"));
  CHECK(asked == 1);  // not asked about an ended drill
  REQUIRE(zones::DrillStore(db).set_report(id, R"({"answers": 7})").has_value());
  CHECK(call("GET", path(id)).body["report"] == json{{"answers", 7}});
}
