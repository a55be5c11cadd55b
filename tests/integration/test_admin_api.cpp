// The admin API end to end: a real gslbd with --admin 127.0.0.1:0 and a tokens file, driven
// with libcurl. Authentication and roles, every resource's happy path and refusals (a refused
// request changes nothing), body limits, concurrent writes, writes reaching DNS answers,
// explain, audit, /metrics, and gslbd's refusals of bad admin flags.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/backend.h"
#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/zone_file.h"

using namespace testsupport;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Addrs = std::vector<std::string>;

namespace {

const char* kConfig = R"(regions:
  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: US}
  - {name: eu-central, lat: 50.1, lon: 8.7, continent: EU, country: DE}
  - {name: ap-northeast, lat: 35.7, lon: 139.7, continent: AS, country: JP}
monitors:
  - {name: web, type: http, port: 80}
pools:
  - {name: us-east, region: us-east, members: [{address: 10.1.0.1}]}
  - {name: eu-central, region: eu-central, members: [{address: 10.2.0.1}]}
  - {name: ap-northeast, region: ap-northeast, monitor: web, members: [{address: 10.3.0.1}]}
services:
  - name: fo.gslb.test
    policy: failover
    pools: [{pool: us-east, priority: 1}, {pool: eu-central, priority: 2}]
  - name: geo.gslb.test
    policy: geo
    pools: [{pool: us-east}, {pool: eu-central}, {pool: ap-northeast}]
    geo: [{match: "continent:EU", pools: [eu-central]}, {match: default, pools: [us-east]}]
)";

json parse(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) FAIL_CHECK("not JSON (status " << r.status << "): " << r.body);
  return j;
}

Addrs ask(const Endpoint& server, const std::string& name, uint16_t type = LDNS_RR_TYPE_A) {
  Query q;
  q.qname = name;
  q.qtype = type;
  auto reply = exchange(server, q, Transport::kUdp, std::chrono::milliseconds(1000));
  REQUIRE(reply.has_value());
  auto pkt = parse_packet(*reply);
  REQUIRE(pkt);
  Addrs out;
  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(answer, i), 0));
    out.push_back(text);
    free(text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Polls until `name` answers `expected`; the time it took, or nullopt after `deadline`.
std::optional<std::chrono::milliseconds> wait_for_answer(
    const Endpoint& server, const std::string& name, const Addrs& expected,
    std::chrono::milliseconds deadline = std::chrono::seconds(3)) {
  const auto start = Clock::now();
  while (Clock::now() - start < deadline) {
    if (ask(server, name) == expected)
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::nullopt;
}

struct Fixture {
  std::unique_ptr<GslbdRunner> gslbd;
  ApiClient ops;     // write token
  ApiClient viewer;  // read token

  Fixture() {
    GslbdOptions o;
    o.admin_api = true;
    o.setup = [](const std::filesystem::path& db) { apply_gslb_test_config(db, kConfig); };
    gslbd = std::make_unique<GslbdRunner>(o);
    ops = {gslbd->admin_url(), gslbd->write_token()};
    viewer = {gslbd->admin_url(), gslbd->read_token()};
  }
  const Endpoint& dns() const { return gslbd->v4(); }
  size_t audit_count() const { return parse(ops.get("/v1/audit?limit=1000")).size(); }
};

// Sends a request that must be refused with `status` (and `field` when not empty), and checks
// it changed nothing: the listing at `watch` and the audit log are as before.
void expect_refused(const Fixture& f, const std::string& method, const std::string& path,
                    const std::string& body, long status, const std::string& field,
                    const std::string& watch) {
  CAPTURE(method);
  CAPTURE(path);
  CAPTURE(body);
  const std::string before = f.ops.get(watch).body;
  const size_t audit_before = f.audit_count();
  const HttpResponse r = f.ops.call(method, path, body);
  CHECK(r.status == status);
  const json j = parse(r);
  CHECK(j.contains("error"));
  if (!field.empty()) CHECK(j.value("field", "(none)") == field);
  CHECK(f.ops.get(watch).body == before);
  CHECK(f.audit_count() == audit_before);
}

}  // namespace

TEST_CASE("auth: bearer tokens, roles, and /healthz without one") {
  Fixture f;
  const std::string base = f.gslbd->admin_url();
  HttpResponse r = http_request("GET", base + "/v1/regions");
  CHECK(r.status == 401);
  CHECK(r.header("www-authenticate").starts_with("Bearer"));
  CHECK(parse(r).contains("error"));
  r = http_bearer("GET", base + "/v1/regions", f.gslbd->write_token() + "x");
  CHECK(r.status == 401);
  CHECK(r.header("www-authenticate").starts_with("Bearer"));
  r = http_request("GET", base + "/v1/status", "", {"Authorization: Basic b3BzOnNlY3JldA=="});
  CHECK(r.status == 401);
  CHECK(http_request("GET", base + "/healthz").status == 200);

  CHECK(f.viewer.get("/v1/regions").status == 200);
  CHECK(f.viewer.get("/v1/status").status == 200);
  CHECK(f.viewer.get("/metrics").status == 200);
  const std::string before = f.ops.get("/v1/regions").body;
  r = f.viewer.post("/v1/regions", R"({"name": "x", "lat": 1, "lon": 2})");
  CHECK(r.status == 403);
  CHECK(parse(r).contains("error"));
  CHECK(f.viewer.del("/v1/regions/us-east").status == 403);
  CHECK(f.viewer
            .post("/v1/drills", R"({"target": "pool/us-east", "action": "fail",
                                        "duration": "10s"})")
            .status == 403);
  CHECK(f.ops.get("/v1/regions").body == before);

  CHECK(f.ops.get("/v1/nothing-here").status == 404);
  r = f.ops.del("/v1/audit");
  CHECK(r.status == 405);
  CHECK(r.header("allow").find("GET") != std::string::npos);
}

TEST_CASE("GET /v1/status: version, uptime, listeners, snapshot and health") {
  Fixture f;
  const json s = parse(f.viewer.get("/v1/status"));
  CHECK(s["version"].is_string());
  CHECK(!s["version"].get<std::string>().empty());
  CHECK(s["uptime_s"].is_number());
  CHECK(s["uptime_s"].get<double>() >= 0);
  REQUIRE(s["listeners"].is_array());
  REQUIRE(s["listeners"].size() == 1);
  CHECK(s["listeners"][0].get<std::string>().starts_with("127.0.0.1:"));
  CHECK(s["snapshot"]["generation"].get<int64_t>() >= 1);
  CHECK(s["snapshot"]["zones"] == 1);
  CHECK(s["snapshot"]["services"] == 2);
  CHECK(s["health"].is_object());
  CHECK(s["health"]["members_unknown"].is_number());
  CHECK(s["admin"]["address"] == f.gslbd->admin_url().substr(7));
  CHECK(s["drills_active"] == 0);
  // A write bumps the generation.
  const int64_t generation = s["snapshot"]["generation"];
  REQUIRE(f.ops.patch("/v1/services/fo.gslb.test", R"({"ttl": 20})").status == 200);
  const auto start = Clock::now();
  int64_t now = generation;
  while (now == generation && Clock::now() - start < std::chrono::seconds(3))
    now = parse(f.viewer.get("/v1/status"))["snapshot"]["generation"];
  CHECK(now > generation);
}

TEST_CASE("regions and monitors: create, read, replace, patch, delete, refusals") {
  Fixture f;
  HttpResponse r = f.ops.post("/v1/regions", R"({"name": "sa-east", "lat": -23.5, "lon": -46.6,
                                                  "continent": "SA", "country": "BR"})");
  CHECK(r.status == 201);
  CHECK(parse(r)["name"] == "sa-east");
  json g = parse(f.viewer.get("/v1/regions/sa-east"));
  CHECK(g["lat"] == -23.5);
  CHECK(parse(f.viewer.get("/v1/regions")).size() == 4);
  CHECK(f.ops.put("/v1/regions/sa-east", R"({"lat": -22.9, "lon": -43.2, "continent": "SA"})")
            .status == 200);
  g = parse(f.viewer.get("/v1/regions/sa-east"));
  CHECK(g["lat"] == -22.9);
  CHECK(g.value("country", "") == "");  // PUT replaced it whole
  CHECK(f.ops.patch("/v1/regions/sa-east", R"({"country": "BR"})").status == 200);
  g = parse(f.viewer.get("/v1/regions/sa-east"));
  CHECK(g["country"] == "BR");
  CHECK(g["lat"] == -22.9);

  const std::string w = "/v1/regions";
  expect_refused(f, "POST", w, R"({"name": "sa-east", "lat": 1, "lon": 2})", 409, "", w);
  expect_refused(f, "POST", w, R"({"name": "n", "lat": 91, "lon": 2})", 400, "lat", w);
  expect_refused(f, "POST", w, R"({"name": "n", "lat": "north", "lon": 2})", 400, "lat", w);
  expect_refused(f, "POST", w, R"({"name": "n", "lat": 1, "lon": 2, "contnent": "EU"})", 400,
                 "contnent", w);
  expect_refused(f, "PATCH", "/v1/regions/sa-east", R"({"lon": 181})", 400, "lon", w);
  expect_refused(f, "PUT", "/v1/regions/sa-east", R"({"name": "other", "lat": 1, "lon": 2})", 400,
                 "name", w);
  expect_refused(f, "GET", "/v1/regions/nowhere", "", 404, "", w);
  expect_refused(f, "PUT", "/v1/regions/nowhere", R"({"lat": 1, "lon": 2})", 404, "", w);
  expect_refused(f, "PATCH", "/v1/regions/nowhere", R"({"lat": 1})", 404, "", w);
  expect_refused(f, "DELETE", "/v1/regions/nowhere", "", 404, "", w);
  expect_refused(f, "DELETE", "/v1/regions/us-east", "", 409, "", w);  // pool us-east uses it
  r = f.ops.del("/v1/regions/sa-east");
  CHECK(r.status == 200);
  CHECK(parse(r)["deleted"] == "region/sa-east");
  CHECK(f.viewer.get("/v1/regions/sa-east").status == 404);

  const std::string m = "/v1/monitors";
  CHECK(f.ops.post(m, R"({"name": "tls", "type": "tcp", "port": 443})").status == 201);
  CHECK(f.ops.patch("/v1/monitors/tls", R"({"port": 8443})").status == 200);
  CHECK(parse(f.viewer.get("/v1/monitors/tls"))["port"] == 8443);
  CHECK(f.ops
            .put("/v1/monitors/tls", R"({"type": "http", "port": 80, "path": "/healthz",
                                          "interval": "2s", "timeout": "500ms"})")
            .status == 200);
  CHECK(parse(f.viewer.get("/v1/monitors/tls"))["path"] == "/healthz");
  expect_refused(f, "POST", m, R"({"name": "tls", "type": "tcp", "port": 1})", 409, "", m);
  expect_refused(f, "POST", m, R"({"name": "x", "type": "tcp", "port": 80, "path": "/x"})", 400,
                 "path", m);
  expect_refused(f, "POST", m, R"({"name": "x", "type": "http", "port": 70000})", 400, "port", m);
  expect_refused(f, "POST", m, R"({"name": "x", "type": "smtp", "port": 25})", 400, "type", m);
  expect_refused(f, "DELETE", "/v1/monitors/web", "", 409, "", m);  // pool ap-northeast uses it
  CHECK(f.ops.del("/v1/monitors/tls").status == 200);
  CHECK(f.viewer.get("/v1/monitors/tls").status == 404);
}

TEST_CASE("pools and members: create, read, replace, patch, delete, refusals") {
  Fixture f;
  const std::string w = "/v1/pools";
  CHECK(f.ops
            .post(w, R"({"name": "ap-2", "region": "ap-northeast",
                          "members": [{"address": "10.4.0.1"}]})")
            .status == 201);
  CHECK(parse(f.viewer.get("/v1/pools/ap-2"))["members"].size() == 1);
  CHECK(f.ops.patch("/v1/pools/ap-2", R"({"admin_state": "drain"})").status == 200);
  json p = parse(f.viewer.get("/v1/pools/ap-2"));
  CHECK(p["admin_state"] == "drain");
  CHECK(p["members"].size() == 1);  // PATCH keeps them
  CHECK(f.ops.put("/v1/pools/ap-2", R"({"region": "us-east"})").status == 200);
  p = parse(f.viewer.get("/v1/pools/ap-2"));
  CHECK(p["region"] == "us-east");
  CHECK(p.value("members", json::array()).empty());  // PUT without members empties it
  expect_refused(f, "POST", w, R"({"name": "ap-2", "region": "us-east"})", 409, "", w);
  expect_refused(f, "POST", w,
                 R"({"name": "ap", "region": "us-east", "members": [{"address": "300.1.1.1"}]})",
                 400, "members[0].address", w);
  expect_refused(f, "POST", w, R"({"name": "ap", "region": "nowhere"})", 400, "region", w);
  expect_refused(f, "POST", w, R"({"name": "ap", "region": "us-east", "monitor": "none"})", 400,
                 "monitor", w);
  expect_refused(f, "DELETE", "/v1/pools/us-east", "", 409, "", w);  // services use it
  expect_refused(f, "DELETE", "/v1/pools/nowhere", "", 404, "", w);
  CHECK(f.ops.del("/v1/pools/ap-2").status == 200);

  const std::string m = "/v1/pools/us-east/members";
  CHECK(parse(f.viewer.get(m)).size() == 1);
  HttpResponse r = f.ops.post(m, R"({"address": "10.1.0.2", "weight": 2, "name": "lb-2"})");
  CHECK(r.status == 201);
  CHECK(parse(r)["weight"] == 2);
  CHECK(parse(f.viewer.get(m + "/10.1.0.2"))["name"] == "lb-2");
  CHECK(f.ops.put(m + "/10.1.0.2", R"({"weight": 3})").status == 200);
  json mem = parse(f.viewer.get(m + "/10.1.0.2"));
  CHECK(mem["weight"] == 3);
  CHECK(mem.value("name", "") == "");
  CHECK(f.ops.patch(m + "/10.1.0.2", R"({"admin_state": "drain"})").status == 200);
  CHECK(parse(f.viewer.get(m + "/10.1.0.2"))["admin_state"] == "drain");
  CHECK(f.ops.post(m, R"({"address": "FD00:1::0010"})").status == 201);
  CHECK(f.viewer.get(m + "/fd00:1::10").status == 200);
  CHECK(parse(f.viewer.get("/v1/pools/us-east"))["min_healthy"] == 1);  // pool fields untouched
  expect_refused(f, "POST", m, R"({"address": "10.1.0.2"})", 409, "", m);
  expect_refused(f, "POST", m, R"({"address": "10.1.0.x"})", 400, "address", m);
  expect_refused(f, "POST", m, R"({"address": "10.1.0.9", "weight": -1})", 400, "weight", m);
  expect_refused(f, "PATCH", m + "/10.1.0.2", R"({"admin_state": "off"})", 400, "admin_state", m);
  expect_refused(f, "POST", "/v1/pools/nowhere/members", R"({"address": "10.9.0.1"})", 404, "", m);
  expect_refused(f, "GET", m + "/10.9.9.9", "", 404, "", m);
  expect_refused(f, "DELETE", m + "/10.9.9.9", "", 404, "", m);
  r = f.ops.del(m + "/10.1.0.2");
  CHECK(r.status == 200);
  CHECK(parse(r)["deleted"] == "member/us-east/10.1.0.2");
  CHECK(f.viewer.get(m + "/10.1.0.2").status == 404);
}

TEST_CASE("services, geo maps and overrides: happy paths and refusals") {
  Fixture f;
  const std::string w = "/v1/services";
  HttpResponse r = f.ops.post(w, R"({"name": "new.gslb.test", "pools": [{"pool": "us-east"}]})");
  CHECK(r.status == 201);
  CHECK(parse(r)["name"] == "new.gslb.test.");
  CHECK(f.ops.patch("/v1/services/new.gslb.test.", R"({"ttl": 20})").status == 200);
  CHECK(parse(f.viewer.get("/v1/services/new.gslb.test"))["ttl"] == 20);
  CHECK(f.ops.put("/v1/services/new.gslb.test", R"({"pools": [{"pool": "eu-central"}]})").status ==
        200);
  json s = parse(f.viewer.get("/v1/services/new.gslb.test"));
  CHECK(s["ttl"] == 30);
  CHECK(s["pools"][0]["pool"] == "eu-central");
  expect_refused(f, "POST", w, R"({"name": "new.gslb.test.", "pools": [{"pool": "us-east"}]})", 409,
                 "", w);
  expect_refused(f, "POST", w, R"({"name": "b.gslb.test", "pools": [{"pool": "nowhere"}]})", 400,
                 "pools[0].pool", w);
  expect_refused(f, "POST", w, R"({"name": "b.gslb.test", "policy": "nearest",
                                   "pools": [{"pool": "us-east"}]})",
                 400, "policy", w);
  expect_refused(f, "PATCH", "/v1/services/new.gslb.test", R"({"ttl": "500ms"})", 400, "ttl", w);
  expect_refused(f, "PATCH", "/v1/services/none.gslb.test", R"({"ttl": 5})", 404, "", w);
  CHECK(f.ops.del("/v1/services/new.gslb.test").status == 200);
  CHECK(f.viewer.get("/v1/services/new.gslb.test").status == 404);

  const std::string geo = "/v1/services/geo.gslb.test/geo";
  CHECK(parse(f.viewer.get(geo))["geo"].size() == 2);
  CHECK(f.ops
            .put(geo, R"({"geo": [{"match": "continent:AS", "pools": ["ap-northeast"]},
                                   {"match": "default", "pools": ["us-east"]}]})")
            .status == 200);
  CHECK(parse(f.viewer.get(geo))["geo"][0]["match"] == "continent:AS");
  expect_refused(f, "PUT", geo, R"({"geo": [{"match": "default", "pools": ["nowhere"]}]})", 400,
                 "geo[0].pools[0]", geo);
  expect_refused(f, "PUT", geo, R"({"geo": [{"match": "planet:mars", "pools": ["us-east"]},
                                           {"match": "default", "pools": ["us-east"]}]})",
                 400, "geo[0].match", geo);
  expect_refused(f, "GET", "/v1/services/none.gslb.test/geo", "", 404, "", geo);

  const std::string o = "/v1/overrides";
  CHECK(f.ops.post(o, R"({"network": "203.0.113.0/24", "region": "eu-central"})").status == 201);
  CHECK(f.ops
            .post(o, R"({"network": "2001:db8:1::/48", "region": "us-east",
                          "service": "fo.gslb.test"})")
            .status == 201);
  CHECK(parse(f.viewer.get(o)).size() == 2);
  CHECK(parse(f.viewer.get(o + "?service=fo.gslb.test")).size() == 1);
  expect_refused(f, "POST", o, R"({"network": "203.0.113.0/24", "region": "us-east"})", 409, "", o);
  expect_refused(f, "POST", o, R"({"network": "203.0.113.0/33", "region": "us-east"})", 400,
                 "network", o);
  expect_refused(f, "POST", o, R"({"network": "198.51.100.0/24", "region": "nowhere"})", 400,
                 "region", o);
  expect_refused(f, "POST", o, R"({"network": "198.51.100.0/24", "region": "us-east",
                                   "service": "none.gslb.test"})",
                 404, "", o);
  CHECK(f.ops.del(o + "/203.0.113.0/24").status == 200);
  expect_refused(f, "DELETE", o + "/203.0.113.0/24", "", 404, "", o);
  CHECK(f.ops.del(o + "/2001:db8:1::/48?service=fo.gslb.test").status == 200);
  CHECK(parse(f.viewer.get(o)).empty());
}

TEST_CASE("zones and records: create, read, delete, refusals, served at once") {
  Fixture f;
  const std::string z = "/v1/zones";
  HttpResponse r =
      f.ops.post(z, R"({"name": "example.org", "ns": ["ns1.example.net"], "ttl": 300})");
  CHECK(r.status == 201);
  CHECK(parse(f.viewer.get(z + "/example.org"))["soa"].is_object());
  CHECK(
      f.ops
          .post(
              z,
              R"({"name": "content.test", "content": "$ORIGIN content.test.\n@ 300 IN SOA ns1 host 1 3600 600 604800 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"})")
          .status == 201);
  CHECK(parse(f.viewer.get(z)).size() == 3);
  expect_refused(f, "POST", z, R"({"name": "example.org", "ns": ["ns1.example.net"]})", 409, "", z);
  expect_refused(f, "POST", z, R"({"name": "bad..zone", "ns": ["ns1.example.net"]})", 400, "", z);
  expect_refused(f, "POST", z, R"({"name": "x.test", "content": "garbage here\n"})", 400, "", z);
  expect_refused(f, "GET", z + "/none.test", "", 404, "", z);
  expect_refused(f, "DELETE", z + "/none.test", "", 404, "", z);

  const std::string rec = z + "/example.org/records";
  r = f.ops.post(rec, R"({"owner": "www", "type": "A", "rdata": "192.0.2.7", "ttl": 300})");
  CHECK(r.status == 201);
  CHECK(parse(r)["owner"] == "www.example.org.");
  CHECK(wait_for_answer(f.dns(), "www.example.org.", Addrs{"192.0.2.7"}).has_value());
  CHECK(parse(f.viewer.get(rec + "?owner=www&type=A")).size() == 1);
  expect_refused(f, "POST", rec, R"({"owner": "www", "type": "CNAME", "rdata": "x.example."})", 409,
                 "", rec);
  expect_refused(f, "POST", rec, R"({"owner": "mail", "type": "MX", "rdata": "bogus"})", 400, "",
                 rec);
  expect_refused(f, "POST", z + "/none.test/records",
                 R"({"owner": "a", "type": "A", "rdata": "192.0.2.1"})", 404, "", rec);
  expect_refused(f, "DELETE", rec, "", 400, "", rec);  // owner and type are required
  r = f.ops.del(rec + "?owner=www&type=A&rdata=" + url_encode("192.0.2.7"));
  CHECK(r.status == 200);
  CHECK(parse(r)["deleted"] == 1);
  CHECK(wait_for_answer(f.dns(), "www.example.org.", Addrs{}).has_value());
  CHECK(f.ops.del(z + "/content.test").status == 200);
  CHECK(f.viewer.get(z + "/content.test").status == 404);
}

TEST_CASE("bodies: malformed JSON and non-objects 400, oversized 413, gslbd keeps serving") {
  Fixture f;
  const std::string w = "/v1/regions";
  expect_refused(f, "POST", w, R"({"name": "x", "lat": 1,)", 400, "", w);
  expect_refused(f, "POST", w, R"([{"name": "x", "lat": 1, "lon": 2}])", 400, "", w);
  expect_refused(f, "POST", w, R"("a string")", 400, "", w);
  expect_refused(f, "POST", w, "", 400, "", w);
  expect_refused(f, "PATCH", "/v1/regions/us-east", "[]", 400, "", w);
  const size_t audit_before = f.audit_count();
  const std::string big =
      R"({"name": "big", "lat": 1, "lon": 2, "note": ")" + std::string(2 << 20, 'x') + "\"}";
  const HttpResponse r = f.ops.post(w, big);
  CHECK(r.status == 413);
  CHECK(http_request("GET", f.gslbd->admin_url() + "/healthz").status == 200);
  CHECK(f.viewer.get("/v1/regions/big").status == 404);
  CHECK(f.audit_count() == audit_before);
  CHECK(f.ops.post(w, R"({"name": "small", "lat": 1, "lon": 2})").status == 201);
  CHECK(ask(f.dns(), "fo.gslb.test.") == Addrs{"10.1.0.1"});
}

TEST_CASE("concurrent member writes to one pool: none is lost") {
  Fixture f;
  constexpr int kThreads = 8, kEach = 4;
  std::atomic<int> created{0};
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string address = "10.5." + std::to_string(t) + "." + std::to_string(i + 1);
        const HttpResponse r =
            f.ops.post("/v1/pools/us-east/members", R"({"address": ")" + address + "\"}");
        if (r.status == 201)
          ++created;
        else
          failures[t] += address + ": " + std::to_string(r.status) + " " + r.body + "\n";
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& failure : failures) CHECK_MESSAGE(failure.empty(), failure);
  CHECK(created == kThreads * kEach);
  const json members = parse(f.viewer.get("/v1/pools/us-east/members"));
  CHECK(members.size() == 1 + kThreads * kEach);
  std::set<std::string> seen;
  for (const auto& m : members) seen.insert(m["address"].get<std::string>());
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kEach; ++i)
      CHECK(seen.count("10.5." + std::to_string(t) + "." + std::to_string(i + 1)) == 1);
}

TEST_CASE("a write through the API reaches DNS answers within 100 ms") {
  Fixture f;
  REQUIRE(ask(f.dns(), "fo.gslb.test.") == Addrs{"10.1.0.1"});
  const HttpResponse r =
      f.ops.patch("/v1/pools/us-east/members/10.1.0.1", R"({"admin_state": "fail"})");
  REQUIRE(r.status == 200);
  const auto moved = wait_for_answer(f.dns(), "fo.gslb.test.", Addrs{"10.2.0.1"});
  REQUIRE(moved.has_value());
  CHECK(moved->count() < 100);
  REQUIRE(
      f.ops.patch("/v1/pools/us-east/members/10.1.0.1", R"({"admin_state": "enabled"})").status ==
      200);
  const auto back = wait_for_answer(f.dns(), "fo.gslb.test.", Addrs{"10.1.0.1"});
  REQUIRE(back.has_value());
  CHECK(back->count() < 100);
  // dig agrees.
  const Endpoint& s = f.dns();
  const RunResult d = run_program({find_program("dig"), "@" + s.host, "-p", std::to_string(s.port),
                                   "+norec", "+short", "fo.gslb.test.", "A"});
  CHECK(d.status == 0);
  CHECK(d.out == "10.1.0.1\n");
}

TEST_CASE("explain answers as gslbd would; audit shows who wrote what") {
  Fixture f;
  HttpResponse r = f.viewer.get("/v1/explain?name=fo.gslb.test&type=A&client=192.0.2.1");
  REQUIRE(r.status == 200);
  json e = parse(r);
  CHECK(e["rcode"] == "NOERROR");
  CHECK(e["answer"].dump().find("10.1.0.1") != std::string::npos);
  r = f.viewer.get("/v1/explain?name=fo.gslb.test&client=192.0.2.1&ecs=" +
                   url_encode("203.0.113.0/24"));
  CHECK(r.status == 200);
  r = f.viewer.get("/v1/explain?name=fo.gslb.test");
  CHECK(r.status == 400);
  CHECK(parse(r).value("field", "") == "client");

  REQUIRE(f.ops.post("/v1/regions", R"({"name": "sa-east", "lat": -23.5, "lon": -46.6})").status ==
          201);
  REQUIRE(f.ops.patch("/v1/regions/sa-east", R"({"country": "BR"})").status == 200);
  const json audit = parse(f.viewer.get("/v1/audit?limit=2"));
  REQUIRE(audit.size() == 2);
  CHECK(audit[0]["actor"] == "ops");
  CHECK(audit[0]["object"].get<std::string>().find("sa-east") != std::string::npos);
  CHECK(audit[0]["before"]["lat"] == -23.5);
  CHECK(audit[0]["before"].value("country", "") == "");
  CHECK(audit[0]["after"]["country"] == "BR");
  CHECK(audit[1]["actor"] == "ops");
  CHECK(audit[1]["before"].is_null());
  CHECK(audit[1]["after"]["name"] == "sa-east");
  CHECK(audit[0]["id"].get<int64_t>() > audit[1]["id"].get<int64_t>());
  CHECK(f.viewer.get("/v1/audit?limit=0").status == 400);
}

TEST_CASE("token secrets never appear in gslbd's log") {
  Fixture f;
  const std::string wrong = "not-a-secret-" + f.gslbd->read_token().substr(0, 8);
  f.ops.get("/v1/regions");
  f.viewer.get("/v1/status");
  f.viewer.post("/v1/regions", R"({"name": "x", "lat": 1, "lon": 2})");
  http_bearer("GET", f.gslbd->admin_url() + "/v1/regions", wrong);
  f.ops.post("/v1/regions", R"({"name": "x", "lat": 1, "lon": 2})");
  REQUIRE(f.gslbd->process().wait_for_line("status=401"));
  f.gslbd->stop();
  const std::string log = f.gslbd->process().output();
  CHECK(log.find("event=admin_request") != std::string::npos);
  CHECK(log.find("token=ops") != std::string::npos);
  CHECK(log.find(f.gslbd->write_token()) == std::string::npos);
  CHECK(log.find(f.gslbd->read_token()) == std::string::npos);
  CHECK(log.find(wrong) == std::string::npos);
}

namespace {

// The sum of every sample of `name` whose labels include `labels`, from Prometheus text.
double metric(const std::string& text, const std::string& name,
              const std::map<std::string, std::string>& labels = {}) {
  static const std::regex kSample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$)");
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  double sum = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (line.starts_with('#') || !std::regex_match(line, m, kSample) || m[1] != name) continue;
    std::map<std::string, std::string> have;
    const std::string body = m[3];
    for (std::sregex_iterator it(body.begin(), body.end(), kLabel), end; it != end; ++it)
      have[(*it)[1]] = (*it)[2];
    bool match = true;
    for (const auto& [k, v] : labels) match = match && have.count(k) && have[k] == v;
    if (match) sum += std::stod(m[4]);
  }
  return sum;
}

// Every line is a comment, a blank, or `name{labels} value`; every sample's family was
// declared with # TYPE. Used when python3's prometheus_client is not installed.
void check_exposition_format(const std::string& text) {
  static const std::regex kSample(
      R"re(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? [-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|NaN|\+?Inf|-Inf)$)re");
  std::set<std::string> typed;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string family;
      words >> family;
      typed.insert(family);
      continue;
    }
    if (line.empty() || line.starts_with("#")) continue;
    std::smatch m;
    CHECK_MESSAGE(std::regex_match(line, m, kSample), line);
    if (!m.empty()) {
      std::string family = m[1];
      for (const char* suffix : {"_bucket", "_sum", "_count"})
        if (!typed.count(family) && family.ends_with(suffix))
          family = family.substr(0, family.size() - std::string(suffix).size());
      CHECK_MESSAGE(typed.count(family) == 1, "no # TYPE before " << line);
    }
  }
}

// Polls /metrics until `done` holds for its text; the last text either way.
std::string metrics_until(const ApiClient& api,
                          const std::function<bool(const std::string&)>& done) {
  std::string text;
  const auto start = Clock::now();
  do {
    text = api.get("/metrics").body;
  } while (!done(text) && Clock::now() - start < std::chrono::seconds(5));
  return text;
}

}  // namespace

TEST_CASE("/metrics is Prometheus text and its series move") {
  Fixture f;
  const HttpResponse r = f.viewer.get("/metrics");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").starts_with("text/plain"));
  const auto file = f.gslbd->dir().write("metrics.txt", r.body);
  const RunResult py = run_program(
      {"/usr/bin/python3", "-c",
       "import sys\n"
       "try:\n"
       "    from prometheus_client.parser import text_string_to_metric_families\n"
       "except ImportError:\n"
       "    sys.exit(3)\n"
       "n = sum(len(f.samples) for f in text_string_to_metric_families(open(sys.argv[1]).read()))\n"
       "print(n)\n",
       file.string()});
  if (py.status == 3) {
    WARN_MESSAGE(false,
                 "python3 prometheus_client is not installed (bootstrap.sh lists "
                 "python3-prometheus-client): checking the format with a regex instead");
    check_exposition_format(r.body);
  } else {
    CHECK_MESSAGE(py.status == 0, py.err);
    CHECK(std::atoi(py.out.c_str()) > 0);
  }

  const std::map<std::string, std::string> udp_a{
      {"transport", "udp"}, {"qtype", "A"}, {"rcode", "NOERROR"}};
  const std::map<std::string, std::string> fo_us{{"service", "fo.gslb.test."}, {"pool", "us-east"}};
  const std::map<std::string, std::string> s401{{"status", "401"}};
  const double queries = metric(r.body, "gslb_queries_total", udp_a);
  const double answers = metric(r.body, "gslb_answers_total", fo_us);
  const double unauthorized = metric(r.body, "gslb_admin_requests_total", s401);
  CHECK(r.body.find("gslb_answers_total{") != std::string::npos);
  for (int i = 0; i < 5; ++i) REQUIRE(ask(f.dns(), "fo.gslb.test.") == Addrs{"10.1.0.1"});
  CHECK(http_request("GET", f.gslbd->admin_url() + "/v1/status").status == 401);
  const std::string after = metrics_until(f.viewer, [&](const std::string& t) {
    return metric(t, "gslb_queries_total", udp_a) >= queries + 5 &&
           metric(t, "gslb_answers_total", fo_us) >= answers + 5 &&
           metric(t, "gslb_admin_requests_total", s401) >= unauthorized + 1;
  });
  CHECK(metric(after, "gslb_queries_total", udp_a) == queries + 5);
  CHECK(metric(after, "gslb_answers_total", fo_us) == answers + 5);
  CHECK(metric(after, "gslb_admin_requests_total", s401) == unauthorized + 1);
  CHECK(metric(after, "gslb_answers_total", {{"pool", "eu-central"}}) == 0);
}

TEST_CASE("gslbd refuses bad admin flags") {
  TempDir dir{"gslb-admin-flags"};
  const std::string db = (dir / "gslb.db").string();
  REQUIRE(run_program({GSLBADM_PATH, "--db", db, "init"}).status == 0);
  const auto tokens = dir.write("tokens", "ops write 0123456789abcdef0123\n");
  const std::vector<std::string> base{GSLBD_PATH, "--db", db, "--listen", "127.0.0.1:0"};
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    // A gslbd that does not refuse serves until killed at the timeout: 128 + SIGKILL.
    return run_program(argv, std::chrono::seconds(10));
  };

  SUBCASE("a tokens file others can read") {
    REQUIRE(::chmod(tokens.c_str(), 0644) == 0);
    const RunResult r = run({"--admin", "127.0.0.1:0", "--admin-tokens", tokens.string()});
    CHECK(r.status == 1);
    CHECK_MESSAGE(r.err.find(tokens.string()) != std::string::npos, r.err);
    CHECK(r.err.find("0644") != std::string::npos);
  }
  SUBCASE("--admin-cert without --admin-key") {
    REQUIRE(::chmod(tokens.c_str(), 0600) == 0);
    const TlsFiles tls = make_self_signed_cert(dir.path(), "localhost");
    const RunResult r = run({"--admin", "127.0.0.1:0", "--admin-tokens", tokens.string(),
                             "--admin-cert", tls.cert.string()});
    CHECK(r.status == 1);
    CHECK_MESSAGE(r.err.find("--admin-key") != std::string::npos, r.err);
  }
  SUBCASE("--admin without --admin-tokens") {
    const RunResult r = run({"--admin", "127.0.0.1:0"});
    CHECK(r.status == 1);
    CHECK_MESSAGE(r.err.find("--admin-tokens") != std::string::npos, r.err);
  }
  SUBCASE("--admin none with tokens: the API is off") {
    REQUIRE(::chmod(tokens.c_str(), 0600) == 0);
    Process p([&] {
      std::vector<std::string> argv = base;
      argv.insert(argv.end(), {"--admin", "none", "--admin-tokens", tokens.string()});
      return argv;
    }());
    const auto ready = p.wait_for_line("event=ready");
    REQUIRE(ready.has_value());
    CHECK(ready->find("admin=none") != std::string::npos);
    CHECK(p.stop() == 0);
  }
}
