// The admin API's POST /v1/apply and GET /v1/export (and a zone's file in and out): the config
// document of `gslbadm apply -f` / `gslbadm export`, parsed, applied and emitted as they are.
#include <doctest/doctest.h>

#include "admin/api/resources.h"
#include "tests/unit/test_api_fixture.h"

using apitest::ApiFixture;
using nlohmann::json;

namespace {

// A new pool and region, a change to an existing region, and a new zone given inline.
constexpr const char* kDocument = R"(zones:
  - name: other.example.
    content: |
      $ORIGIN other.example.
      @ 300 IN SOA ns1 hostmaster 7 3600 600 604800 60
      @ 300 IN NS ns1
      ns1 300 IN A 192.0.2.53
regions:
  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: CA}
  - {name: ap-south, lat: 19.1, lon: 72.9}
pools:
  - name: ap-south
    region: ap-south
    members:
      - {address: 192.0.2.77}
)";

std::vector<std::string> objects(const json& plan) {
  std::vector<std::string> out;
  for (const json& c : plan["changes"])
    out.push_back(c["action"].get<std::string>() + " " + c["object"].get<std::string>());
  return out;
}

// A second, empty store with its own routes, for round trips.
struct EmptyStore {
  testsupport::TempDir dir{"gslb-api-empty"};
  zones::Db db = zonetest::open_db((dir / "store.db").string());
  admin::api::ApiContext context;
  std::vector<admin::api::Route> routes;

  EmptyStore() {
    context.db_path = (dir / "store.db").string();
    routes = admin::api::resource_routes(context);
  }

  admin::api::ApiResponse call(const std::string& method, const std::string& path,
                               const std::map<std::string, std::string>& query,
                               const std::string& body = "") {
    admin::api::ApiRequest request{method, path, query, body, apitest::kApiActor, ""};
    const admin::api::Route* route = admin::api::match_route(routes, method, path, request.params);
    REQUIRE(route != nullptr);
    return route->handler(request);
  }
};

}  // namespace

TEST_CASE_FIXTURE(ApiFixture, "POST /v1/apply applies a config document and returns the plan") {
  const int64_t audit_before = audit_rows();
  auto r = call("POST", "/v1/apply", std::string(kDocument));
  CHECK_STATUS(r, 200);
  CHECK(objects(r.body) == std::vector<std::string>{"create zone/other.example.",
                                                    "create region/ap-south",
                                                    "change region/us-east", "create pool/ap-south",
                                                    "create member/ap-south/192.0.2.77"});
  CHECK(r.body["create"] == 4);
  CHECK(r.body["change"] == 1);
  CHECK(r.body["dry_run"] == false);
  CHECK(r.body["applied"] == true);
  CHECK(reloads == 1);
  CHECK(load().regions.size() == 3);
  CHECK(store.get_zone("other.example").has_value());
  auto audit = zones::list_audit(db, 10);
  REQUIRE(audit.has_value());
  CHECK(audit_rows() > audit_before);
  CHECK(audit->front().actor == apitest::kApiActor);

  // The same document again: nothing to do, nothing written, no reload.
  r = call("POST", "/v1/apply", std::string(kDocument));
  CHECK_STATUS(r, 200);
  CHECK(r.body["changes"].empty());
  CHECK(r.body["applied"] == false);
  CHECK(reloads == 1);
}

TEST_CASE_FIXTURE(ApiFixture, "a dry run plans, validates and writes nothing") {
  const std::string before = everything();
  auto r = call("POST", "/v1/apply?dry_run=true", std::string(kDocument));
  CHECK_STATUS(r, 200);
  CHECK(r.body["dry_run"] == true);
  CHECK(r.body["applied"] == false);
  CHECK(r.body["changes"].size() == 5);
  CHECK(everything() == before);
  CHECK(reloads == 0);
}

TEST_CASE_FIXTURE(ApiFixture, "prune makes the document the whole configuration") {
  const std::string document = "regions:\n  - {name: us-east, lat: 40.7, lon: -74.0}\n";
  auto merged = call("POST", "/v1/apply?dry_run=true", document);
  CHECK_STATUS(merged, 200);
  CHECK(objects(merged.body) == std::vector<std::string>{"change region/us-east"});

  auto pruned = call("POST", "/v1/apply?prune=true", document);
  CHECK_STATUS(pruned, 200);
  CHECK(pruned.body["delete"].get<int>() > 0);
  const zones::GslbConfig now = load();
  CHECK(now.regions.size() == 1);
  CHECK(now.pools.empty());
  CHECK(now.services.empty());
  CHECK(store.get_zone("gslb.example.com").has_value());  // zones are never pruned
}

TEST_CASE_FIXTURE(ApiFixture,
                  "a bad document is refused with its line and path, and changes "
                  "nothing") {
  const std::string before = everything();
  SUBCASE("the parser's problem") {
    auto r = call("POST", "/v1/apply?name=gslb.yaml",
                  std::string("regions:\n  - name: x\n    lat: north\n    lon: 1\n"));
    CHECK_STATUS(r, 400);
    CHECK(r.body["error"].get<std::string>().starts_with("gslb.yaml:3: regions[0].lat: "));
    CHECK(r.body["field"] == "regions[0].lat");
  }
  SUBCASE("the store's problem, placed in the document") {
    auto r = call("POST", "/v1/apply",
                  std::string("regions: []\npools:\n  - name: p\n    region: nowhere\n"));
    CHECK_STATUS(r, 400);
    CHECK(r.body["error"] == "body:4: pools[0].region: no region named \"nowhere\"");
    CHECK(r.body["field"] == "pools[0].region");
  }
  SUBCASE("several problems, one per line, and no single field") {
    auto r = call("POST", "/v1/apply", std::string("regions:\n  - {name: a}\n  - {name: b}\n"));
    CHECK_STATUS(r, 400);
    CHECK(r.body["error"].get<std::string>().find('\n') != std::string::npos);
    CHECK_FALSE(r.body.contains("field"));
  }
  SUBCASE("a YAML syntax error") {
    CHECK_STATUS(call("POST", "/v1/apply", std::string("regions: [\n")), 400);
  }
  SUBCASE("JSON read as JSON") {
    auto r = call("POST", "/v1/apply?format=json", std::string("{\"regions\": 3}"));
    CHECK_STATUS(r, 400);
    CHECK(r.body["field"] == "regions");
  }
  SUBCASE("a zone given by file: gslbd reads no files for its callers") {
    auto r = call("POST", "/v1/apply",
                  std::string("zones:\n  - name: x.example.\n    file: /etc/hostname\n"));
    CHECK_STATUS(r, 400);
    CHECK(r.body["error"].get<std::string>().starts_with("body:3: zones[0].file: "));
    CHECK(r.body["field"] == "zones[0].file");
  }
  SUBCASE("bad query parameters") {
    CHECK(call("POST", "/v1/apply?dry_run=yes", std::string("{}")).body["field"] == "dry_run");
    CHECK(call("POST", "/v1/apply?prune=1", std::string("{}")).body["field"] == "prune");
    CHECK(call("POST", "/v1/apply?format=toml", std::string("{}")).body["field"] == "format");
  }
  CHECK(everything() == before);
  CHECK(reloads == 0);
}

TEST_CASE_FIXTURE(ApiFixture,
                  "GET /v1/export gives the store as a config file, read back the "
                  "same") {
  auto yaml = call("GET", "/v1/export");
  CHECK_STATUS(yaml, 200);
  CHECK(yaml.content_type == "text/yaml");
  CHECK(yaml.raw.find("name: gslb.example.com.") != std::string::npos);
  auto as_json = call("GET", "/v1/export?format=json");
  CHECK(as_json.content_type == "application/json");
  CHECK(json::parse(as_json.raw)["pools"].size() == 2);
  CHECK_STATUS(call("GET", "/v1/export?format=xml"), 400);

  EmptyStore empty;
  auto applied = empty.call("POST", "/v1/apply", {}, yaml.raw);
  CHECK_STATUS(applied, 200);
  CHECK(applied.body["applied"] == true);
  CHECK(empty.call("GET", "/v1/export", {}).raw == yaml.raw);
  CHECK(empty.call("GET", "/v1/export", {{"format", "json"}}).raw == as_json.raw);
}

TEST_CASE_FIXTURE(ApiFixture,
                  "a zone's file: PUT creates or replaces it, GET .../file exports "
                  "it") {
  auto file = call("GET", "/v1/zones/gslb.example.com/file");
  CHECK_STATUS(file, 200);
  CHECK(file.content_type == "text/dns");
  CHECK(file.raw.starts_with("$ORIGIN gslb.example.com.\n"));
  CHECK_STATUS(call("GET", "/v1/zones/nope.example/file"), 404);

  const std::string text =
      "$ORIGIN example.net.\n@ 300 IN SOA ns1 hostmaster 7 3600 600 604800 60\n"
      "@ 300 IN NS ns1\nns1 300 IN A 192.0.2.53\n";
  auto created = call("PUT", "/v1/zones/example.net", json{{"content", text}});
  CHECK_STATUS(created, 201);
  CHECK(created.body["record_count"] == 2);
  auto replaced = call("PUT", "/v1/zones/example.net", json{{"content", text}});
  CHECK_STATUS(replaced, 200);
  CHECK(replaced.body["soa"]["serial"] == 8);  // not newer than the stored one: bumped
  CHECK(reloads == 2);

  const std::string before = everything();
  CHECK(call("PUT", "/v1/zones/example.net", json{{"contents", text}}).body["field"] == "contents");
  CHECK_STATUS(call("PUT", "/v1/zones/example.net", json{{"content", "garbage"}}), 400);
  CHECK(everything() == before);
}
