// Fleet mode end to end (docs/fleet.md): a real 3-member etcd cluster, 3 gslbd nodes with a
// store each, gslb-healthd vantages and fake regional load balancers, all on loopback; DNS
// asked with ldns, the admin API with libcurl, etcd read and written with etcdctl. Each case
// is a row of the partition table: writes reach every node within a second; conflicting
// writes are refused, never lost; drills and health reach every node; the quorum rule
// decides between vantages; a dead vantage's reports expire with its lease; etcd losing one
// member changes nothing and losing quorum stops writes but not answers; a node cut off
// keeps answering, goes stale (degraded TTLs, then unknown health) and converges after.
// Skipped, with a message, when etcd is not installed.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/backend.h"
#include "tests/support/dns_watch.h"
#include "tests/support/etcd_cluster.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/healthd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/temp_dir.h"
#include "tests/support/zone_file.h"
#include "zones/clock.h"

namespace {

using namespace testsupport;
using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* kWww = "www.gslb.test.";
constexpr const char* kEast = "127.0.0.1";  // pool east's member (and its LB's address)
constexpr const char* kWest = "127.0.0.2";
constexpr uint32_t kTtl = 30, kDegradedTtl = 5;

bool etcd_missing() {
  if (!EtcdCluster::program().empty()) return false;
  MESSAGE("etcd is not installed (Debian: etcd-server etcd-client): fleet tests skipped");
  return true;
}

std::string config_yaml(uint16_t east_port, uint16_t west_port) {
  auto monitor = [](const char* name, uint16_t port) {
    return std::string("  - {name: ") + name + ", type: http, port: " + std::to_string(port) +
           ", path: /, interval: 500ms, timeout: 400ms, rise: 1, fall: 1}\n";
  };
  return "zones:\n  - {name: gslb.test., file: gslb.test.zone}\nmonitors:\n" +
         monitor("east-lb", east_port) + monitor("west-lb", west_port) +
         "regions:\n  - {name: east, lat: 40.7, lon: -74.0}\n"
         "  - {name: west, lat: 37.8, lon: -122.4}\n"
         "pools:\n  - {name: east, region: east, monitor: east-lb, members: [{address: " +
         kEast +
         "}]}\n"
         "  - {name: west, region: west, monitor: west-lb, members: [{address: " +
         kWest +
         "}]}\n"
         "services:\n  - name: www.gslb.test.\n    policy: failover\n    ttl: " +
         std::to_string(kTtl) + "\n    degraded_ttl: " + std::to_string(kDegradedTtl) +
         "\n    pools: [{pool: east, priority: 1}, {pool: west, priority: 2}]\n";
}

RunResult gslbadm(const std::vector<std::string>& args) {
  std::vector<std::string> argv{GSLBADM_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

void must(const RunResult& r, const std::string& what) {
  if (r.status != 0) throw std::runtime_error(what + " failed:\n" + r.err + r.out);
}

struct FleetOptions {
  std::vector<std::string> vantages{"va", "vb"};
  std::vector<std::string> vantage_args{};  // more gslb-healthd flags
  bool proxied_last_node = false;           // node 2 reaches etcd through cuttable proxies
};

// Three nodes (node 2 with --health-quorum any), vantages, two LBs, a seeded etcd.
struct Fleet {
  explicit Fleet(const FleetOptions& options = {}) {
    seed();
    for (int i = 0; i < 3; ++i) nodes.push_back(start_node(i, options.proxied_last_node && i == 2));
    for (const std::string& name : options.vantages) add_vantage(name, options.vantage_args);
    REQUIRE(everywhere(
        [](const DnsAnswer& a) { return a.addresses == std::vector<std::string>{kEast}; }, kWww,
        15s));
  }

  void seed() {
    const auto db = (dir / "seed.db").string();
    dir.write("gslb.test.zone", kGslbTestZone);
    const auto config = dir.write("gslb.yaml", config_yaml(east.port(), west.port()));
    must(gslbadm({"--db", db, "init"}), "gslbadm init");
    must(gslbadm({"--db", db, "apply", "-f", config.string()}), "gslbadm apply");
    must(gslbadm({"--db", db, "fleet", "seed", "--etcd", etcd.endpoints_csv()}), "fleet seed");
  }

  std::unique_ptr<GslbdRunner> start_node(int index, bool proxied) {
    std::string endpoints = etcd.endpoints_csv();
    if (proxied) {
      endpoints.clear();
      for (int m = 0; m < etcd.size(); ++m) {
        const auto port = static_cast<uint16_t>(std::stoi(etcd.endpoint(m).substr(17)));
        proxies.push_back(std::make_unique<TcpProxy>(port));
        endpoints += (endpoints.empty() ? "" : ",") + proxies.back()->url();
      }
    }
    GslbdOptions o;
    o.admin_api = true;
    o.extra_args = {"--etcd", endpoints, "--etcd-timeout", "1000"};
    if (index == 2) o.extra_args.insert(o.extra_args.end(), {"--health-quorum", "any"});
    return std::make_unique<GslbdRunner>(o);
  }

  void add_vantage(const std::string& name, std::vector<std::string> args) {
    const auto db = dir / ("vantage-" + name + ".db");
    must(gslbadm({"--db", db.string(), "init"}), "gslbadm init");
    args.insert(args.begin(), {"--etcd", etcd.endpoints_csv()});
    vantages[name] = std::make_unique<HealthdRunner>(db, name, args);
  }

  // The vantages whose report on (pool, address) in etcd gives an opinion (up or down; a
  // vantage that stopped probing a member says unknown), sorted.
  std::vector<std::string> reporters(const std::string& pool, const std::string& address) {
    std::vector<std::string> out;
    for (const auto& [name, runner] : vantages) {
      const std::string report = etcd.get("/gslb/health/" + pool + "/" + address + "/" + name);
      if (!report.empty() && json::parse(report).value("state", "") != "unknown")
        out.push_back(name);
    }
    return out;
  }

  ApiClient api(int node) const { return {nodes[node]->admin_url(), nodes[node]->write_token()}; }
  DnsAnswer ask(int node, const std::string& name) const {
    return ask_dns(nodes[node]->v4(), name);
  }
  json fleet_status(int node) const {
    const HttpResponse r = api(node).get("/v1/status");
    REQUIRE(r.status == 200);
    return json::parse(r.body).at("fleet");
  }

  // Until every node's answer for `name` satisfies `ok`.
  bool everywhere(const std::function<bool(const DnsAnswer&)>& ok, const std::string& name,
                  std::chrono::milliseconds timeout) const {
    return eventually(
        [&] {
          for (int i = 0; i < 3; ++i)
            if (!ok(ask(i, name))) return false;
          return true;
        },
        timeout);
  }

  EtcdCluster etcd{3};
  Backend east{{.bind = kEast}};
  Backend west{{.bind = kWest}};
  TempDir dir{"gslb-fleet"};
  std::vector<std::unique_ptr<TcpProxy>> proxies;  // node 2's way to etcd (proxied_last_node)
  std::vector<std::unique_ptr<GslbdRunner>> nodes;
  std::map<std::string, std::unique_ptr<HealthdRunner>> vantages;
};

std::function<bool(const DnsAnswer&)> answers(const std::string& address) {
  return [address](const DnsAnswer& a) {
    return a.rcode == 0 && a.addresses == std::vector<std::string>{address};
  };
}

std::string record_body(const std::string& owner, const std::string& address) {
  return json{{"owner", owner}, {"type", "A"}, {"rdata", address}}.dump();
}

}  // namespace

TEST_CASE("fleet: a write reaches every node within a second; conflicting writes are refused") {
  if (etcd_missing()) return;
  Fleet fleet;
  SUBCASE("writes through any node, answered by all within 1 s") {
    for (int i = 0; i < 5; ++i) {
      const std::string owner = "w" + std::to_string(i),
                        address = "192.0.2." + std::to_string(10 + i);
      const HttpResponse r =
          fleet.api(i % 3).post("/v1/zones/gslb.test./records", record_body(owner, address));
      REQUIRE_MESSAGE(r.status == 201, r.body);
      const auto written = std::chrono::steady_clock::now();
      CHECK(fleet.everywhere(answers(address), owner + ".gslb.test.", 1s));
      CHECK(std::chrono::steady_clock::now() - written < 1s);
    }
    // The audit log of every node names the writer.
    const HttpResponse audit = fleet.api(2).get("/v1/audit?limit=1");
    CHECK(json::parse(audit.body).at(0).at("actor") == "ops");
  }
  SUBCASE("a write based on an older revision (If-Match) is refused and changes nothing") {
    const HttpResponse read = fleet.api(1).get("/v1/regions");
    const std::string revision = read.header("x-gslb-revision");
    REQUIRE_FALSE(revision.empty());
    auto region = [](const char* name) {
      return json{{"name", name}, {"lat", 1.0}, {"lon", 2.0}}.dump();
    };
    const HttpResponse first = http_request(
        "POST", fleet.nodes[1]->admin_url() + "/v1/regions", region("north"),
        {"Authorization: Bearer " + fleet.nodes[1]->write_token(), "If-Match: " + revision});
    CHECK_MESSAGE(first.status == 201, first.body);
    const HttpResponse second = http_request(
        "POST", fleet.nodes[2]->admin_url() + "/v1/regions", region("south"),
        {"Authorization: Bearer " + fleet.nodes[2]->write_token(), "If-Match: " + revision});
    CHECK(second.status == 409);
    CHECK(second.body.find("nothing was written") != std::string::npos);
    for (const std::string& bad :
         {std::string("soon"), "\"" + revision + "\", \"" + revision + "\""}) {
      const HttpResponse garbled = http_request(
          "POST", fleet.nodes[2]->admin_url() + "/v1/regions", region("west2"),
          {"Authorization: Bearer " + fleet.nodes[2]->write_token(), "If-Match: " + bad});
      CAPTURE(bad);
      CHECK(garbled.status == 400);
      CHECK(garbled.body.find("not a configuration revision") != std::string::npos);
    }
    CHECK(fleet.api(0).get("/v1/regions/west2").status == 404);
    CHECK(eventually([&] { return fleet.api(2).get("/v1/regions/north").status == 200; }, 1s));
    for (int i = 0; i < 3; ++i) CHECK(fleet.api(i).get("/v1/regions/south").status == 404);
  }
  SUBCASE("simultaneous writes through all nodes: each lands everywhere or is refused") {
    std::vector<int> status(12, 0);
    std::atomic<bool> go{false};
    std::vector<std::thread> writers;
    for (size_t i = 0; i < status.size(); ++i) {
      writers.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        status[i] = static_cast<int>(
            fleet.api(static_cast<int>(i % 3))
                .post("/v1/zones/gslb.test./records",
                      record_body("c" + std::to_string(i), "198.51.100." + std::to_string(i + 1)))
                .status);
      });
    }
    go = true;
    for (auto& t : writers) t.join();
    std::this_thread::sleep_for(1s);  // propagation bound asserted above; here: what landed
    for (size_t i = 0; i < status.size(); ++i) {
      CAPTURE(i);
      CHECK((status[i] == 201 || status[i] == 409));
      const std::string name = "c" + std::to_string(i) + ".gslb.test.";
      for (int n = 0; n < 3; ++n) CHECK((fleet.ask(n, name).rcode == 0) == (status[i] == 201));
    }
  }
}

TEST_CASE("fleet: drills take effect on every node; vantages' reports and the quorum rule") {
  if (etcd_missing()) return;
  Fleet fleet;
  REQUIRE(eventually([&] { return fleet.fleet_status(0).at("vantages").size() == 2; }, 5s));
  SUBCASE("a drill started on one node fails the pool everywhere; aborted on another, it ends") {
    const HttpResponse started = fleet.api(1).post(
        "/v1/drills", json{{"target", "pool/east"}, {"action", "fail"}, {"duration", "1m"}}.dump());
    REQUIRE_MESSAGE(started.status == 201, started.body);
    CHECK(fleet.everywhere(answers(kWest), kWww, 2s));
    const auto id = json::parse(started.body).at("id").get<int64_t>();
    CHECK(fleet.api(2).post("/v1/drills/" + std::to_string(id) + "/abort", "").status == 200);
    CHECK(fleet.everywhere(answers(kEast), kWww, 2s));
    // An admin state (a member drained on one node) applies everywhere, and so does its undo.
    const std::string member = "/v1/pools/east/members/" + std::string(kEast);
    CHECK(fleet.api(0).patch(member, R"({"admin_state": "drain"})").status == 200);
    CHECK(fleet.everywhere(answers(kWest), kWww, 2s));
    CHECK(fleet.api(1).patch(member, R"({"admin_state": "enabled"})").status == 200);
    CHECK(fleet.everywhere(answers(kEast), kWww, 2s));
  }
  SUBCASE("one vantage says down, the others up: each node's quorum decides") {
    // Both real vantages' verdicts on east reached nodes 0 and 1.
    REQUIRE(eventually(
        [&] {
          for (int node : {0, 1})
            for (const char* vantage : {"va", "vb"}) {
              auto row = health_row(fleet.nodes[node]->db(), "east", kEast, vantage);
              if (!row || row->state != zones::HealthState::kUp) return false;
            }
          return true;
        },
        5s));
    // A third vantage, written with etcdctl, says pool east's member is down.
    const std::string lease = fleet.etcd.grant_lease(60);
    fleet.etcd.put("/gslb/vantage/vx", "{}", lease);
    fleet.etcd.put("/gslb/health/east/127.0.0.1/vx",
                   json{{"state", "down"}, {"checked_at_ms", zones::unix_ms()}}.dump(), lease);
    // Two up, one down: majority (nodes 0, 1) says up; "any" (node 2) says down.
    CHECK(eventually(
        [&] { return fleet.ask(2, kWww).addresses == std::vector<std::string>{kWest}; }, 3s));
    CHECK(fleet.ask(0, kWww).addresses == std::vector<std::string>{kEast});
    CHECK(fleet.ask(1, kWww).addresses == std::vector<std::string>{kEast});
    // vb dies: its reports expire with its lease; one up against one down is still up by
    // majority (a tie), down for "any".
    auto vb_says = [&](zones::HealthState state) {
      auto row = health_row(fleet.nodes[0]->db(), "east", kEast, "vb");
      return row && row->state == state;
    };
    REQUIRE(eventually([&] { return vb_says(zones::HealthState::kUp); }, 3s));
    fleet.vantages.at("vb")->kill_hard();
    CHECK(eventually([&] { return fleet.etcd.get("/gslb/health/east/127.0.0.1/vb").empty(); }, 6s));
    CHECK(eventually([&] { return vb_says(zones::HealthState::kUnknown); }, 2s));
    CHECK(eventually([&] { return fleet.fleet_status(1).at("vantages").size() == 2; }, 2s));
    CHECK(fleet.ask(0, kWww).addresses == std::vector<std::string>{kEast});
    CHECK(fleet.ask(2, kWww).addresses == std::vector<std::string>{kWest});
    // The third vantage's lease revoked: node 2 trusts va alone again.
    fleet.etcd.revoke_lease(lease);
    CHECK(eventually(
        [&] { return fleet.ask(2, kWww).addresses == std::vector<std::string>{kEast}; }, 3s));
    // vb restarted on its store: its kept verdicts are published again though none changed.
    fleet.add_vantage("vb", {});
    CHECK(eventually([&] { return vb_says(zones::HealthState::kUp); }, 5s));
  }
}

TEST_CASE("fleet: probing is sharded, each member probed by K vantages, re-sharded on a death") {
  if (etcd_missing()) return;
  Fleet fleet({.vantages = {"va", "vb", "vc"}, .vantage_args = {"--vantages-per-member", "2"}});
  auto two_each = [&] {
    return fleet.reporters("east", kEast).size() == 2 && fleet.reporters("west", kWest).size() == 2;
  };
  CHECK(eventually(two_each, 5s));
  // A vantage that probes a member dies: its lease expires, the other two take it over.
  const std::string victim = fleet.reporters("east", kEast).front();
  fleet.vantages.at(victim)->kill_hard();
  fleet.vantages.erase(victim);
  CHECK(eventually(
      [&] {
        return fleet.reporters("east", kEast) == fleet.reporters("west", kWest) &&
               fleet.reporters("east", kEast).size() == 2;
      },
      10s));
  CHECK(fleet.ask(0, kWww).addresses == std::vector<std::string>{kEast});
}

TEST_CASE(
    "fleet: etcd losing one member changes nothing; losing quorum stops writes, not answers") {
  if (etcd_missing()) return;
  Fleet fleet({.vantages = {"va"}});
  fleet.etcd.kill(0);
  HttpResponse r =
      fleet.api(0).post("/v1/zones/gslb.test./records", record_body("one", "192.0.2.51"));
  CHECK_MESSAGE(r.status == 201, r.body);
  CHECK(fleet.everywhere(answers("192.0.2.51"), "one.gslb.test.", 3s));
  // A 10 s drill: it must end on every node at its stored end time, etcd or not.
  const auto drill_started = std::chrono::steady_clock::now();
  r = fleet.api(0).post(
      "/v1/drills", json{{"target", "pool/east"}, {"action", "fail"}, {"duration", "10s"}}.dump());
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(fleet.everywhere(answers(kWest), kWww, 2s));

  fleet.etcd.kill(1);
  DnsWatch watch(fleet.nodes[1]->v4(), {kWww, "one.gslb.test."});
  r = fleet.api(1).post("/v1/zones/gslb.test./records", record_body("two", "192.0.2.52"));
  CHECK(r.status == 503);
  CHECK_MESSAGE(r.body.find("nothing was written") != std::string::npos, r.body);
  CHECK_MESSAGE(r.body.find("quorum") != std::string::npos, r.body);
  // Stale after 3 s without etcd: answers go on, with the degraded TTL.
  CHECK(eventually([&] { return fleet.fleet_status(1).at("stale") == true; }, 8s));
  CHECK(fleet.fleet_status(1).at("connected") == false);
  CHECK(eventually([&] { return fleet.ask(1, kWww).ttl == kDegradedTtl; }, 1s));
  // gslbadm status says so too.
  const auto token = fleet.dir.write("ops.token", fleet.nodes[1]->write_token());
  std::filesystem::permissions(token, std::filesystem::perms::owner_read);
  const RunResult status =
      gslbadm({"--api", fleet.nodes[1]->admin_url(), "--token-file", token.string(), "status"});
  CHECK(status.status == 0);
  CHECK_MESSAGE(status.out.find("NOT CONNECTED") != std::string::npos, status.out);
  CHECK(status.out.find("stale") != std::string::npos);
  // A node restarted while etcd has no quorum serves its copy.
  fleet.nodes[2]->restart();
  CHECK(fleet.ask(2, "one.gslb.test.").addresses == std::vector<std::string>{"192.0.2.51"});
  // The drill ends on time everywhere (east's reports are stale by now: unknown, answered).
  const auto drill_over = drill_started + 10s + 2s - std::chrono::steady_clock::now();
  CHECK(fleet.everywhere(answers(kEast), kWww,
                         std::chrono::duration_cast<std::chrono::milliseconds>(drill_over)));
  CHECK(fleet.fleet_status(1).at("connected") == false);
  watch.stop();
  CHECK(watch.answered() > 0);
  CHECK(watch.unanswered() == 0);

  fleet.etcd.start(0);
  fleet.etcd.start(1);
  REQUIRE(fleet.etcd.wait_healthy(0));
  CHECK(eventually(
      [&] {
        for (int i = 0; i < 3; ++i)
          if (fleet.fleet_status(i).at("connected") != true) return false;
        return true;
      },
      10s));
  r = fleet.api(1).post("/v1/zones/gslb.test./records", record_body("three", "192.0.2.53"));
  CHECK_MESSAGE(r.status == 201, r.body);
  CHECK(fleet.everywhere(answers("192.0.2.53"), "three.gslb.test.", 2s));
  CHECK(fleet.ask(1, kWww).ttl == kTtl);
  const auto revision = fleet.fleet_status(0).at("config_revision");
  CHECK(eventually([&] { return fleet.fleet_status(2).at("config_revision") == revision; }, 2s));
}

TEST_CASE("fleet: a node cut off from etcd keeps answering, goes stale, and converges healed") {
  if (etcd_missing()) return;
  Fleet fleet({.vantages = {"va", "vb"}, .proxied_last_node = true});
  fleet.east.set_status(503);  // pool east down: every node answers west
  REQUIRE(fleet.everywhere(answers(kWest), kWww, 5s));
  const auto resyncs = fleet.fleet_status(2).at("resyncs").get<int64_t>();

  for (auto& proxy : fleet.proxies) proxy->cut();
  HttpResponse r =
      fleet.api(0).post("/v1/zones/gslb.test./records", record_body("late", "192.0.2.61"));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(eventually([&] { return fleet.ask(1, "late.gslb.test.").rcode == 0; }, 1s));
  // etcd compacts past what node 2 has seen: it must read everything again once healed.
  fleet.etcd.compact(fleet.etcd.revision());
  // Cut off: still answering, without the new record; stale after 3 s (degraded TTL); its
  // vantages' reports stale after 3 monitor intervals, so east is unknown: fail-open.
  CHECK(fleet.ask(2, "late.gslb.test.").rcode == 3);
  CHECK(eventually([&] { return fleet.fleet_status(2).at("stale") == true; }, 8s));
  CHECK(eventually([&] { return fleet.ask(2, kWww).addresses == std::vector<std::string>{kEast}; },
                   5s));
  CHECK(eventually([&] { return fleet.ask(2, kWww).ttl == kDegradedTtl; }, 1s));
  CHECK(fleet.ask(0, kWww).addresses == std::vector<std::string>{kWest});
  CHECK(eventually(
      [&] {
        return fleet.api(2).get("/metrics").body.find("gslb_fleet_connected 0") !=
               std::string::npos;
      },
      5s));

  for (auto& proxy : fleet.proxies) proxy->heal();
  CHECK(eventually([&] { return fleet.ask(2, "late.gslb.test.").rcode == 0; }, 8s));
  CHECK(eventually([&] { return fleet.ask(2, kWww).addresses == std::vector<std::string>{kWest}; },
                   3s));
  CHECK(fleet.ask(2, kWww).ttl == kDegradedTtl);  // pool east is down: degraded anyway
  CHECK(fleet.fleet_status(2).at("connected") == true);
  CHECK(fleet.fleet_status(2).at("resyncs").get<int64_t>() > resyncs);
  CHECK(fleet.fleet_status(2).at("config_revision") == fleet.fleet_status(0).at("config_revision"));
}

namespace {

// One node on a 1-member etcd reached with `etcd_flags`: seeded, answering, writing.
void one_node_fleet(EtcdCluster& etcd, const std::vector<std::string>& etcd_flags) {
  TempDir dir("gslb-fleet-secure");
  const auto seed_db = (dir / "seed.db").string();
  dir.write("gslb.test.zone", kGslbTestZone);
  const auto config = dir.write("gslb.yaml", config_yaml(9, 9));
  must(gslbadm({"--db", seed_db, "init"}), "gslbadm init");
  must(gslbadm({"--db", seed_db, "apply", "-f", config.string()}), "gslbadm apply");
  std::vector<std::string> seed{"--db", seed_db, "fleet", "seed", "--etcd", etcd.endpoint(0)};
  seed.insert(seed.end(), etcd_flags.begin(), etcd_flags.end());
  must(gslbadm(seed), "fleet seed");
  GslbdOptions o;
  o.admin_api = true;
  o.extra_args = {"--etcd", etcd.endpoint(0)};
  o.extra_args.insert(o.extra_args.end(), etcd_flags.begin(), etcd_flags.end());
  GslbdRunner node(o);
  CHECK(eventually([&] { return ask_dns(node.v4(), kWww).rcode == 0; }, 5s));
  const ApiClient api{node.admin_url(), node.write_token()};
  const HttpResponse r =
      api.post("/v1/zones/gslb.test./records", record_body("secure", "192.0.2.70"));
  CHECK_MESSAGE(r.status == 201, r.body);
  CHECK(eventually(
      [&] {
        return ask_dns(node.v4(), "secure.gslb.test.").addresses ==
               std::vector<std::string>{"192.0.2.70"};
      },
      1s));
  CHECK(etcd.get("/gslb/config/zone/gslb.test.").find("192.0.2.70") != std::string::npos);
}

}  // namespace

TEST_CASE("fleet: etcd with TLS client certificates, and with user/password authentication") {
  if (etcd_missing()) return;
  TempDir certs("gslb-etcd-certs");
  SUBCASE("TLS: the server verified with --etcd-ca, gslb known by its client certificate") {
    const TestPki pki = make_test_pki(certs.path());
    EtcdCluster etcd(1, pki.etcd_tls());
    // Without a client certificate, etcd refuses: the seed says so and writes nothing.
    const TempDir dir("gslb-fleet-notls");
    must(gslbadm({"--db", (dir / "s.db").string(), "init"}), "gslbadm init");
    const RunResult refused = gslbadm({"--db", (dir / "s.db").string(), "fleet", "seed", "--etcd",
                                       etcd.endpoint(0), "--etcd-ca", pki.ca});
    CHECK(refused.status == 1);
    CHECK(refused.err.find("etcd") != std::string::npos);
    one_node_fleet(
        etcd, {"--etcd-ca", pki.ca, "--etcd-cert", pki.client_cert, "--etcd-key", pki.client_key});
  }
  SUBCASE("auth: --etcd-user with --etcd-password-file") {
    EtcdCluster etcd(1);
    etcd.etcdctl({"user", "add", "root:root-secret-1"});
    etcd.etcdctl({"auth", "enable"});
    etcd.set_etcdctl_flags({"--user", "root:root-secret-1"});
    const auto password = certs.write("etcd-password", "root-secret-1\n");
    std::filesystem::permissions(password, std::filesystem::perms::owner_read);
    const TempDir dir("gslb-fleet-auth");
    must(gslbadm({"--db", (dir / "s.db").string(), "init"}), "gslbadm init");
    const auto wrong = certs.write("wrong-password", "nope\n");
    std::filesystem::permissions(wrong, std::filesystem::perms::owner_read);
    const RunResult refused =
        gslbadm({"--db", (dir / "s.db").string(), "fleet", "seed", "--etcd", etcd.endpoint(0),
                 "--etcd-user", "root", "--etcd-password-file", wrong.string()});
    CHECK(refused.status == 1);
    CHECK_MESSAGE(refused.err.find("authentication as \"root\" failed") != std::string::npos,
                  refused.err);
    one_node_fleet(etcd, {"--etcd-user", "root", "--etcd-password-file", password.string()});
  }
}
