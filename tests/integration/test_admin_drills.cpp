// Failover drills through the admin API against a real gslbd with a GeoIP database: dry
// run, start, abort, the total-outage guard, a restart mid-drill, expiry (also while gslbd
// is down), and the drill report. Answers are checked with ldns from a client the service
// would otherwise send to the drill's target.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/dns_client.h"
#include "tests/support/geo_data.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"

using namespace testsupport;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Addrs = std::vector<std::string>;

namespace {

const char* kConfig = R"(zones:
  - name: gslb.test.
    content: |
      $ORIGIN gslb.test.
      @ 300 IN SOA ns1 hostmaster 1 3600 600 604800 60
      @ 300 IN NS ns1
      ns1 300 IN A 192.0.2.53
regions:
  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: US}
  - {name: eu-central, lat: 50.1, lon: 8.7, continent: EU, country: DE}
  - {name: ap-northeast, lat: 35.7, lon: 139.7, continent: AS, country: JP}
pools:
  - {name: us-east, region: us-east, members: [{address: 10.1.0.1}]}
  - {name: eu-central, region: eu-central, members: [{address: 10.2.0.1}]}
  - {name: ap-northeast, region: ap-northeast, members: [{address: 10.3.0.1}]}
services:
  - name: prox.gslb.test
    policy: proximity
    pools: [{pool: us-east}, {pool: eu-central}, {pool: ap-northeast}]
  - name: fo.gslb.test
    policy: failover
    pools: [{pool: us-east, priority: 1}, {pool: eu-central, priority: 2}]
  - name: solo.gslb.test
    policy: failover
    pools: [{pool: ap-northeast}]
)";

// 203.0.113.0/25 is Frankfurt in the test database: proximity sends it to eu-central.
constexpr const char* kFrankfurt = "203.0.113.0";

json parse(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) FAIL_CHECK("not JSON (status " << r.status << "): " << r.body);
  return j;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Addrs ask(const Endpoint& server, const std::string& name, const std::string& ecs = "") {
  Query q;
  q.qname = name;
  q.edns = true;
  if (!ecs.empty()) q.options.push_back(ecs_option(ecs, 25));
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

struct Fixture {
  TempDir dir{"gslb-drills"};
  std::string mmdb = make_test_mmdb(dir);
  std::unique_ptr<GslbdRunner> gslbd;
  ApiClient ops;
  int queries = 0;  // DNS queries this test sent

  Fixture() {
    GslbdOptions o;
    o.admin_api = true;
    o.extra_args = {"--geoip", mmdb};
    o.setup = [](const std::filesystem::path& db) {
      const auto file = db.parent_path() / "gslb.yaml";
      std::ofstream(file) << kConfig;
      const RunResult r =
          run_program({GSLBADM_PATH, "--db", db.string(), "apply", "-f", file.string()});
      REQUIRE_MESSAGE(r.status == 0, (r.err + r.out));
    };
    gslbd = std::make_unique<GslbdRunner>(o);
    reconnect();
  }
  void reconnect() { ops = {gslbd->admin_url(), gslbd->write_token()}; }

  Addrs prox() {
    ++queries;
    return ask(gslbd->v4(), "prox.gslb.test.", kFrankfurt);
  }
  Addrs fo() {
    ++queries;
    return ask(gslbd->v4(), "fo.gslb.test.");
  }
  // Polls `query` until `done` holds for its answer; the time it took, or nullopt.
  template <class Query, class Done>
  std::optional<std::chrono::milliseconds> until(Query query, Done done,
                                                 std::chrono::milliseconds deadline) {
    const auto start = Clock::now();
    while (Clock::now() - start < deadline) {
      if (done((this->*query)()))
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return std::nullopt;
  }
  std::optional<std::chrono::milliseconds> prox_moved(std::chrono::milliseconds deadline) {
    return until(
        &Fixture::prox, [](const Addrs& a) { return a != Addrs{"10.2.0.1"}; }, deadline);
  }
  std::optional<std::chrono::milliseconds> prox_back(std::chrono::milliseconds deadline) {
    return until(
        &Fixture::prox, [](const Addrs& a) { return a == Addrs{"10.2.0.1"}; }, deadline);
  }
  // Starts a drill; REQUIREs 201 and returns its JSON.
  json start(const std::string& target, const std::string& duration) {
    const HttpResponse r = ops.post("/v1/drills", R"({"target": ")" + target +
                                                      R"(", "action": "fail", "duration": ")" +
                                                      duration + R"(", "note": "test"})");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return parse(r);
  }
  json drill(int64_t id) {
    const HttpResponse r = ops.get("/v1/drills/" + std::to_string(id));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return parse(r);
  }
};

}  // namespace

TEST_CASE("drill dry run: lists what would change and stores nothing") {
  Fixture f;
  REQUIRE(f.prox() == Addrs{"10.2.0.1"});
  const size_t audit_before = parse(f.ops.get("/v1/audit?limit=1000")).size();
  const HttpResponse r = f.ops.post("/v1/drills", R"({"target": "pool/eu-central",
      "action": "fail", "duration": "10m", "dry_run": true})");
  REQUIRE(r.status == 200);
  const json j = parse(r);
  CHECK(j["dry_run"] == true);
  REQUIRE(j["changes"].is_array());
  bool prox_listed = false;
  for (const json& change : j["changes"]) {
    CHECK(change["service"] != "solo.gslb.test.");  // no eu-central in it
    if (change["service"] != "prox.gslb.test.") continue;
    prox_listed = true;
    bool eu_client = false;
    for (const json& c : change["clients"]) {
      CHECK((c["before"] != c["after"] || c["ttl_before"] != c["ttl_after"]));
      if (c["before"] == json::array({"10.2.0.1"})) eu_client = true;
    }
    CHECK(eu_client);
  }
  CHECK(prox_listed);
  CHECK(parse(f.ops.get("/v1/drills"))["drills"].empty());
  CHECK(parse(f.ops.get("/v1/audit?limit=1000")).size() == audit_before);
  CHECK(parse(f.ops.get("/v1/status"))["drills_active"] == 0);
  CHECK(f.prox() == Addrs{"10.2.0.1"});
}

TEST_CASE("drill refusals: bad fields 400, unknown drill 404, read token 403") {
  Fixture f;
  HttpResponse r = f.ops.post("/v1/drills", R"({"target": "pool/eu-central", "action": "fail",
                                                "duration": "5s"})");
  CHECK(r.status == 400);
  CHECK(parse(r).value("field", "") == "duration");
  r = f.ops.post("/v1/drills",
                 R"({"target": "pool/nowhere", "action": "fail", "duration": "10s"})");
  CHECK(r.status == 400);
  CHECK(parse(r).value("field", "") == "target");
  r = f.ops.post("/v1/drills",
                 R"({"target": "pool/eu-central", "action": "explode", "duration": "10s"})");
  CHECK(r.status == 400);
  CHECK(parse(r).value("field", "") == "action");
  r = f.ops.post("/v1/drills", R"({"target": "pool/eu-central", "action": "fail",
                                   "duration": "10s", "dry_run": "yes"})");
  CHECK(r.status == 400);
  CHECK(parse(r).value("field", "") == "dry_run");
  CHECK(f.ops.get("/v1/drills/12345").status == 404);
  CHECK(f.ops.post("/v1/drills/12345/abort", "").status == 404);
  const ApiClient viewer{f.gslbd->admin_url(), f.gslbd->read_token()};
  CHECK(viewer
            .post("/v1/drills", R"({"target": "pool/eu-central", "action": "fail",
                                      "duration": "10s"})")
            .status == 403);
  CHECK(parse(f.ops.get("/v1/drills"))["drills"].empty());
  CHECK(f.prox() == Addrs{"10.2.0.1"});
}

TEST_CASE("a drill moves answers within 1 s, shows running, and abort brings them back") {
  Fixture f;
  REQUIRE(f.prox() == Addrs{"10.2.0.1"});
  const json started = f.start("pool/eu-central", "10m");
  const int64_t id = started["id"];
  CHECK(started["target"] == "pool/eu-central");
  CHECK(started["end_reason"].is_null());
  const auto moved = f.prox_moved(std::chrono::seconds(3));
  REQUIRE(moved.has_value());
  CHECK(moved->count() < 1000);
  CHECK(f.fo() == Addrs{"10.1.0.1"});  // eu-central is only fo's backup: unchanged
  json d = f.drill(id);
  CHECK(d["running"] == true);
  CHECK(d["end_reason"].is_null());
  CHECK(d["created_by"] == "ops");
  CHECK(parse(f.ops.get("/v1/drills"))["drills"].size() == 1);
  CHECK(parse(f.ops.get("/v1/status"))["drills_active"] == 1);

  const HttpResponse aborted = f.ops.post("/v1/drills/" + std::to_string(id) + "/abort", "");
  REQUIRE(aborted.status == 200);
  CHECK(parse(aborted)["end_reason"] == "aborted");
  const auto back = f.prox_back(std::chrono::seconds(3));
  REQUIRE(back.has_value());
  CHECK(back->count() < 1000);
  d = f.drill(id);
  CHECK(d["running"] == false);
  CHECK(d["end_reason"] == "aborted");
  CHECK(f.ops.post("/v1/drills/" + std::to_string(id) + "/abort", "").status == 409);
}

TEST_CASE("a drill that takes a service's last pool needs allow_total_outage") {
  Fixture f;
  REQUIRE(ask(f.gslbd->v4(), "solo.gslb.test.") == Addrs{"10.3.0.1"});
  const std::string body = R"({"target": "pool/ap-northeast", "action": "fail", "duration": "10m")";
  HttpResponse r = f.ops.post("/v1/drills", body + "}");
  CHECK(r.status == 409);
  CHECK(parse(r)["error"].get<std::string>().find("solo.gslb.test") != std::string::npos);
  CHECK(parse(f.ops.get("/v1/drills"))["drills"].empty());
  // Region ap-northeast holds only that pool: same refusal.
  CHECK(f.ops
            .post("/v1/drills", R"({"target": "region/ap-northeast", "action": "drain",
                                     "duration": "10m"})")
            .status == 409);
  r = f.ops.post("/v1/drills", body + R"(, "allow_total_outage": true})");
  REQUIRE(r.status == 201);
  CHECK(parse(r)["services_out"].dump().find("solo.gslb.test") != std::string::npos);
  const auto start = Clock::now();
  while (!ask(f.gslbd->v4(), "solo.gslb.test.").empty() &&
         Clock::now() - start < std::chrono::seconds(3)) {
  }
  CHECK(ask(f.gslbd->v4(), "solo.gslb.test.").empty());  // fail-open never answers a drill
}

TEST_CASE("a drill survives a gslbd restart") {
  Fixture f;
  const int64_t id = f.start("pool/eu-central", "10m")["id"];
  REQUIRE(f.prox_moved(std::chrono::seconds(3)).has_value());
  f.gslbd->restart();
  f.reconnect();
  CHECK(f.prox() != Addrs{"10.2.0.1"});  // the first answer after the restart
  CHECK(f.drill(id)["running"] == true);
  REQUIRE(f.ops.post("/v1/drills/" + std::to_string(id) + "/abort", "").status == 200);
  CHECK(f.prox_back(std::chrono::seconds(3)).has_value());
}

TEST_CASE("a drill ends by itself at its end time") {
  Fixture f;
  const json started = f.start("pool/eu-central", "10s");
  const int64_t id = started["id"];
  const int64_t ends_at = started["ends_at_ms"];
  REQUIRE(f.prox_moved(std::chrono::seconds(3)).has_value());
  REQUIRE(f.prox_back(std::chrono::seconds(15)).has_value());
  const int64_t back_at = now_ms();
  CHECK(back_at >= ends_at - 20);  // not before its end (clock granularity)
  CHECK(back_at - ends_at < 1000);
  const json d = f.drill(id);
  CHECK(d["running"] == false);
  CHECK(d["end_reason"] == "expired");
  CHECK(parse(f.ops.get("/v1/status"))["drills_active"] == 0);
}

TEST_CASE("a drill whose end passed while gslbd was down is over at start") {
  Fixture f;
  const json started = f.start("pool/eu-central", "10s");
  const int64_t id = started["id"];
  const int64_t ends_at = started["ends_at_ms"];
  REQUIRE(f.prox_moved(std::chrono::seconds(3)).has_value());
  f.gslbd->stop();
  // Wall-clock time must pass the drill's end while gslbd is down: nothing to poll.
  while (now_ms() < ends_at + 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  f.gslbd->start();
  f.reconnect();
  CHECK(f.prox() == Addrs{"10.2.0.1"});  // the first answer after the start
  const json d = f.drill(id);
  CHECK(d["running"] == false);
  CHECK(d["end_reason"] == "expired");
  CHECK(d["ended_at_ms"] == ends_at);  // the record keeps its real end, not the restart time
}

// gslbd's drill report: live while the drill runs, final (stored) after the abort.
TEST_CASE("drill report counts answers per pool") {
  Fixture f;
  constexpr int kBefore = 20, kDuring = 30;
  for (int i = 0; i < kBefore; ++i) REQUIRE(f.fo() == Addrs{"10.1.0.1"});
  const int64_t id = f.start("pool/us-east", "10m")["id"];
  REQUIRE(f.until(
               &Fixture::fo, [](const Addrs& a) { return a == Addrs{"10.2.0.1"}; },
               std::chrono::seconds(3))
              .has_value());
  for (int i = 0; i < kDuring; ++i) REQUIRE(f.fo() == Addrs{"10.2.0.1"});

  auto check_report = [&](const json& d) {
    REQUIRE_MESSAGE(d.contains("report"), d.dump());
    const json& rep = d["report"];
    CAPTURE(rep.dump());
    CHECK(rep["window"]["from_ms"].is_number());
    CHECK(rep["window"]["live_at_ms"].is_number());
    CHECK(rep["before"]["covered_ms"].is_number());
    CHECK(rep["answers_at_target"] == 0);
    CHECK(rep["verdict"] == "pass");
    REQUIRE(rep["first_moved_answer_ms"].is_number());
    CHECK(rep["first_moved_answer_ms"].get<int64_t>() < 1000);
    bool fo_seen = false;
    for (const json& s : rep["services"]) {
      if (s["service"] != "fo.gslb.test.") continue;
      fo_seen = true;
      for (const json& p : s["pools"]) {
        if (p["pool"] == "eu-central") {
          CHECK(p["target"] == false);
          CHECK(p["during"].get<int64_t>() >= kDuring);
        } else if (p["pool"] == "us-east") {
          CHECK(p["target"] == true);
          CHECK(p["during"] == 0);
          CHECK(p["before"].get<int64_t>() >= kBefore);
        }
      }
    }
    CHECK(fo_seen);
  };
  // The live report counts at least once a second: wait until it has every answer sent.
  auto counted = [&](const json& d) {
    if (!d.contains("report")) return false;
    for (const json& s : d["report"]["services"])
      for (const json& p : s["pools"])
        if (s["service"] == "fo.gslb.test." && p["pool"] == "eu-central")
          return p["during"].get<int64_t>() >= kDuring;
    return false;
  };
  auto wait_for = [&](auto ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    json d = f.drill(id);
    while (!ready(d) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      d = f.drill(id);
    }
    return d;
  };
  const json live = wait_for(counted);
  CHECK(live["report"]["final"] == false);
  check_report(live);  // gslbd's live report
  REQUIRE(f.ops.post("/v1/drills/" + std::to_string(id) + "/abort", "").status == 200);
  const json ended =
      wait_for([](const json& d) { return d.contains("report") && d["report"]["final"] == true; });
  CHECK(ended["report"]["final"] == true);
  check_report(ended);  // the stored final one
}
