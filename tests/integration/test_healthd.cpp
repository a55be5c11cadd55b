// gslb-healthd end to end: real backends on loopback (HTTP, HTTPS, TCP, and
// gslbd itself for DNS), the real daemon writing to the store, and gslbd's
// answers following. States go down after `fall` failures and up after
// `rise` successes; a hanging backend is cut by its timeout; a TLS failure
// says so; a restart resumes verdicts; a killed daemon's reports go stale;
// and with three pools, stopping the active one's backends moves a failover
// and a proximity service's answers within seconds.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "tests/support/backend.h"
#include "tests/support/dns_client.h"
#include "tests/support/geo_data.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/healthd_runner.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/zone_file.h"
#include "zones/db.h"
#include "zones/gslb_store.h"

using namespace testsupport;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using zones::HealthState;

namespace {

zones::Monitor http_monitor(const std::string& name, uint16_t port, uint32_t interval_ms,
                            uint32_t rise, uint32_t fall) {
  zones::Monitor m;
  m.name = name;
  m.type = "http";
  m.port = port;
  m.path = "/healthz";
  m.interval_ms = interval_ms;
  m.timeout_ms = interval_ms / 2;
  m.rise = rise;
  m.fall = fall;
  m.jitter_ms = 0;  // an exact cadence makes the rise/fall timing checkable
  m.load_field = "load";
  return m;
}

zones::Pool pool(const std::string& name, const std::string& region, const std::string& monitor,
                 const std::string& address) {
  zones::Pool p;
  p.name = name;
  p.region = region;
  p.monitor = monitor;
  p.members.push_back({0, address, "", 1, zones::AdminState::kEnabled});
  return p;
}

void apply(const std::filesystem::path& db_path, const zones::GslbConfig& config) {
  auto db = zones::Db::open(db_path.string(), {zones::OpenMode::kExisting});
  REQUIRE(db.has_value());
  auto plan = zones::GslbStore(*db).apply(config, {}, "test");
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().text()));
}

// The A addresses gslbd answers for `name`, optionally for a client subnet.
std::vector<std::string> answer(const Endpoint& server, const std::string& name,
                                const std::string& ecs = "") {
  Query q;
  q.qname = name;
  q.edns = true;
  if (!ecs.empty()) q.options.push_back(ecs_option(ecs, 25));
  auto reply = exchange(server, q, Transport::kUdp, 1000ms);
  REQUIRE(reply.has_value());
  auto pkt = parse_packet(*reply);
  REQUIRE(pkt);
  std::vector<std::string> out;
  const ldns_rr_list* rrs = ldns_pkt_answer(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); ++i) {
    char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(rrs, i), 0));
    out.push_back(text);
    free(text);
  }
  return out;
}

std::unique_ptr<GslbdRunner> start_gslbd(const TempDir& dir, const zones::GslbConfig& config,
                                         std::vector<std::string> extra = {}) {
  const auto zone = dir.path() / "gslb.test.zone";
  std::ofstream(zone) << kGslbTestZone;
  GslbdOptions o;
  o.zones = {{"gslb.test.", zone}};
  o.extra_args = std::move(extra);
  o.setup = [config](const std::filesystem::path& db) { apply(db, config); };
  return std::make_unique<GslbdRunner>(o);
}

zones::Region region(const char* name, double lat, double lon, const char* cont, const char* cc) {
  return {name, lat, lon, cont, cc};
}

// One region, one pool with one member whose monitor is `monitor`.
zones::GslbConfig one_pool(const zones::Monitor& monitor, const std::string& address) {
  zones::GslbConfig c;
  c.regions = {region("r1", 50.1, 8.7, "EU", "DE")};
  c.monitors = {monitor};
  c.pools = {pool("p1", "r1", monitor.name, address)};
  return c;
}

HealthState state_of(const std::filesystem::path& db, const std::string& address = "127.0.0.1") {
  auto row = health_row(db, "p1", address, "t1");
  return row ? row->state : HealthState::kUnknown;
}

int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE("healthd: HTTP goes down after `fall` failures and up after `rise` successes") {
  Backend backend;
  const uint32_t interval = 500;  // timeout 250 ms: room for a slow backend under a loaded CI
  const auto gslbd =
      start_gslbd(TempDir("gslb-healthd"),
                  one_pool(http_monitor("web", backend.port(), interval, 3, 2), "127.0.0.1"));
  const auto db = gslbd->db();
  // One probe thread here; the other tests run the default (one per core).
  HealthdRunner healthd(db, "t1", {"--probe-threads", "1"});
  REQUIRE(eventually([&] { return state_of(db) == HealthState::kUp; }, 5s));
  auto row = health_row(db, "p1", "127.0.0.1", "t1");
  CHECK(row->reason == "HTTP 200");
  CHECK(row->rtt_us.has_value());
  CHECK(row->load == doctest::Approx(0.2));

  backend.set_status(503);
  auto flipped = Clock::now();
  REQUIRE(eventually([&] { return state_of(db) == HealthState::kDown; }, 5s));
  // Two failed probes in a row, an interval apart: not at the first failure
  // (half an interval of margin for a timer that fired late on a loaded machine).
  CHECK(ms_since(flipped) >= interval / 2);
  CHECK(ms_since(flipped) <= 2 * interval + 600);
  row = health_row(db, "p1", "127.0.0.1", "t1");
  CHECK(row->reason.find("503") != std::string::npos);

  backend.set_status(200);
  flipped = Clock::now();
  REQUIRE(eventually([&] { return state_of(db) == HealthState::kUp; }, 5s));
  CHECK(ms_since(flipped) >= 3 * interval / 2);  // three successes: two intervals, less margin
  CHECK(ms_since(flipped) <= 3 * interval + 600);
  CHECK(healthd.process().output().find("event=member_state_changed") != std::string::npos);
}

TEST_CASE("healthd: a hanging backend is cut at the timeout; a TLS failure says so") {
  TempDir dir("gslb-healthd-tls");
  const TlsFiles tls = make_self_signed_cert(dir.path(), "lb.gslb.test");
  BackendOptions tls_options;
  tls_options.tls = tls;
  Backend secure(tls_options);
  Backend hanging;
  hanging.set_hang(true);

  zones::GslbConfig c;
  c.regions = {region("r1", 50.1, 8.7, "EU", "DE")};
  zones::Monitor slow = http_monitor("slow", hanging.port(), 1000, 1, 1);
  slow.timeout_ms = 300;
  zones::Monitor https = http_monitor("tls", secure.port(), 1000, 1, 1);
  https.type = "https";
  https.host = "lb.gslb.test";
  zones::Monitor pinned = https;
  pinned.name = "pinned";
  pinned.ca_file = tls.cert.string();
  c.monitors = {slow, https, pinned};
  c.pools = {pool("p1", "r1", "slow", "127.0.0.1"), pool("p2", "r1", "tls", "127.0.0.1"),
             pool("p3", "r1", "pinned", "127.0.0.1")};
  const auto gslbd = start_gslbd(dir, c);
  const auto db = gslbd->db();
  HealthdRunner healthd(db, "t1");
  auto down = [&](const char* pool) {
    auto row = health_row(db, pool, "127.0.0.1", "t1");
    return row && row->state == HealthState::kDown;
  };
  REQUIRE(eventually([&] { return down("p1") && down("p2"); }, 5s));
  CHECK(health_row(db, "p1", "127.0.0.1", "t1")->reason == "timeout after 300ms");
  CHECK(health_row(db, "p2", "127.0.0.1", "t1")->reason.starts_with("TLS: "));
  REQUIRE(eventually(
      [&] {
        auto row = health_row(db, "p3", "127.0.0.1", "t1");
        return row && row->state == HealthState::kUp;
      },
      5s));
  hanging.set_hang(false);
}

TEST_CASE("healthd: TCP and DNS monitors (gslbd itself as the DNS target)") {
  Backend backend;
  TempDir dir("gslb-healthd-dns");
  zones::GslbConfig c;
  c.regions = {region("r1", 50.1, 8.7, "EU", "DE")};
  zones::Monitor tcp;
  tcp.name = "tcp";
  tcp.type = "tcp";
  tcp.port = backend.port();
  tcp.interval_ms = 500;
  tcp.timeout_ms = 250;
  c.monitors = {tcp};
  c.pools = {pool("tcp", "r1", "tcp", "127.0.0.1")};
  const auto gslbd = start_gslbd(dir, c);
  const auto db = gslbd->db();

  // The DNS monitors probe gslbd, whose port is known only now.
  zones::Monitor dns;
  dns.name = "dns";
  dns.type = "dns";
  dns.port = gslbd->v4().port;
  dns.query_name = "ns1.gslb.test.";
  dns.interval_ms = 500;
  dns.timeout_ms = 250;
  zones::Monitor nx = dns;
  nx.name = "dns-nx";
  nx.query_name = "nothing-here.gslb.test.";
  c.monitors = {tcp, dns, nx};
  c.pools.push_back(pool("dns", "r1", "dns", "127.0.0.1"));
  c.pools.push_back(pool("dns-nx", "r1", "dns-nx", "127.0.0.1"));
  apply(db, c);

  HealthdRunner healthd(db, "t1");
  auto state = [&](const char* pool) {
    auto row = health_row(db, pool, "127.0.0.1", "t1");
    return row ? row->state : HealthState::kUnknown;
  };
  REQUIRE(eventually(
      [&] {
        return state("tcp") == HealthState::kUp && state("dns") == HealthState::kUp &&
               state("dns-nx") == HealthState::kDown;
      },
      5s));
  CHECK(health_row(db, "dns-nx", "127.0.0.1", "t1")->reason.find("NXDOMAIN") != std::string::npos);
  CHECK(health_row(db, "dns", "127.0.0.1", "t1")->rtt_us.has_value());
}

TEST_CASE("healthd: a restart resumes the last verdicts; a killed daemon's reports go stale") {
  Backend failing;
  failing.set_status(500);
  BackendOptions second_address;
  second_address.bind = "127.0.0.2";
  Backend healthy(second_address);
  TempDir dir("gslb-healthd-restart");
  zones::GslbConfig c = one_pool(http_monitor("web", failing.port(), 400, 2, 2), "127.0.0.1");
  c.monitors.push_back(http_monitor("web2", healthy.port(), 400, 2, 2));
  c.pools.push_back(pool("p2", "r1", "web2", "127.0.0.2"));
  zones::Service svc;
  svc.name = "fo.gslb.test.";
  svc.policy = zones::Policy::kFailover;
  svc.pools = {{"p1", 1, 1, 0}, {"p2", 2, 1, 0}};
  c.services = {svc};
  const auto gslbd = start_gslbd(dir, c);
  const auto db = gslbd->db();
  using Addrs = std::vector<std::string>;
  auto answers = [&](const char* address) {
    return answer(gslbd->v4(), "fo.gslb.test.") == Addrs{address};
  };
  {
    HealthdRunner healthd(db, "t1");
    REQUIRE(eventually([&] { return state_of(db) == HealthState::kDown; }, 5s));
    REQUIRE(eventually([&] { return answers("127.0.0.2"); }, 5s));
    CHECK(healthd.stop() == 0);
  }
  const int64_t changed_before = health_row(db, "p1", "127.0.0.1", "t1")->changed_at_ms;
  {
    HealthdRunner healthd(db, "t1");
    // Probe for several intervals: the resumed "down" still holds, so the state never
    // changes and answers never flap through unknown/up. (The row may still be rewritten
    // when the failing probes' RTT moves by more than 20 %, as it does on a loaded machine.)
    const auto until = Clock::now() + 1s;
    while (Clock::now() < until) {
      CHECK(answers("127.0.0.2"));
      std::this_thread::sleep_for(50ms);
    }
    const auto row = health_row(db, "p1", "127.0.0.1", "t1");
    CHECK(row->state == HealthState::kDown);
    CHECK(row->changed_at_ms == changed_before);
    healthd.kill_hard();
  }
  // Killed: no more heartbeats, the reports go stale after 3 x 400 ms, p1 is
  // unknown, and the failover service treats unknown as up (when_unknown: up).
  const auto killed = Clock::now();
  REQUIRE(eventually([&] { return answers("127.0.0.1"); }, 5s));
  CHECK(ms_since(killed) >= 700);  // stale only after 1.2 s since the last heartbeat
  const RunResult health = gslbd->admin({"health", "--pool", "p1"});
  CHECK(health.out.find("stale") != std::string::npos);
}

TEST_CASE("healthd end to end: the active pool's backends stop, failover and proximity move") {
  TempDir dir("gslb-healthd-e2e");
  const std::string mmdb = make_test_mmdb(dir);
  auto backend_at = [](const char* address) {
    BackendOptions o;
    o.bind = address;
    return std::make_unique<Backend>(o);
  };
  auto us = backend_at("127.0.0.2");
  auto eu = backend_at("127.0.0.3");
  auto ap = backend_at("127.0.0.4");
  // The documented example timing: interval 1 s, timeout 500 ms, fall 2.
  auto monitor = [](const char* name, uint16_t port) {
    zones::Monitor m = http_monitor(name, port, 1000, 2, 2);
    m.timeout_ms = 500;
    m.jitter_ms.reset();  // the default jitter, as operators run it
    return m;
  };
  zones::GslbConfig c;
  c.regions = {region("us-east", 40.7, -74.0, "NA", "US"),
               region("eu-central", 50.1, 8.7, "EU", "DE"),
               region("ap-northeast", 35.7, 139.7, "AS", "JP")};
  c.monitors = {monitor("us", us->port()), monitor("eu", eu->port()), monitor("ap", ap->port())};
  c.pools = {pool("us", "us-east", "us", "127.0.0.2"), pool("eu", "eu-central", "eu", "127.0.0.3"),
             pool("ap", "ap-northeast", "ap", "127.0.0.4")};
  zones::Service fo;
  fo.name = "fo.gslb.test.";
  fo.policy = zones::Policy::kFailover;
  fo.pools = {{"us", 1, 1, 0}, {"eu", 2, 1, 0}, {"ap", 3, 1, 0}};
  zones::Service prox = fo;
  prox.name = "prox.gslb.test.";
  prox.policy = zones::Policy::kProximity;
  c.services = {fo, prox};
  // The test database splits 203.0.113.0/24 into Frankfurt and Tokyo halves.
  const auto gslbd = start_gslbd(dir, c, {"--geoip", mmdb, "--ecs-max-prefix-v4", "25"});
  HealthdRunner healthd(gslbd->db(), "t1");
  using Addrs = std::vector<std::string>;
  const std::string new_york = "198.51.100.0", tokyo = "203.0.113.128";
  REQUIRE(eventually(
      [&] {
        return health_row(gslbd->db(), "us", "127.0.0.2", "t1").has_value() &&
               health_row(gslbd->db(), "eu", "127.0.0.3", "t1").has_value();
      },
      5s));
  CHECK(answer(gslbd->v4(), "fo.gslb.test.") == Addrs{"127.0.0.2"});
  CHECK(answer(gslbd->v4(), "prox.gslb.test.", new_york) == Addrs{"127.0.0.2"});
  CHECK(answer(gslbd->v4(), "prox.gslb.test.", tokyo) == Addrs{"127.0.0.4"});

  us.reset();  // the us-east balancer dies: connections refused
  const auto stopped = Clock::now();
  REQUIRE(
      eventually([&] { return answer(gslbd->v4(), "fo.gslb.test.") == Addrs{"127.0.0.3"}; }, 10s));
  const int64_t moved_ms = ms_since(stopped);
  MESSAGE("failover answer moved " << moved_ms << " ms after the backend stopped");
  // Bound: interval x fall + timeout = 2.5 s (refused connections fail at
  // once, so it is usually nearer 1-2 s); slack for a loaded CI machine.
  CHECK(moved_ms <= 2500 + 750);
  CHECK(answer(gslbd->v4(), "prox.gslb.test.", new_york) == Addrs{"127.0.0.3"});  // next nearest
  CHECK(answer(gslbd->v4(), "prox.gslb.test.", tokyo) == Addrs{"127.0.0.4"});     // unaffected
  const RunResult health = gslbd->admin({"health", "--pool", "us"});
  CHECK(health.out.find("down") != std::string::npos);
}

TEST_CASE("healthd: a new member is probed at once; a locked store delays writes, loses nothing") {
  Backend backend;
  TempDir dir("gslb-healthd-reload");
  // A long interval: only first probes (within the jitter) can explain quick rows.
  zones::Monitor web = http_monitor("web", backend.port(), 5000, 1, 1);
  web.timeout_ms = 1000;
  web.jitter_ms = 100;
  zones::GslbConfig c = one_pool(web, "127.0.0.1");
  const auto gslbd = start_gslbd(dir, c);
  const auto db = gslbd->db();
  HealthdRunner healthd(db, "t1");
  REQUIRE(eventually([&] { return state_of(db) == HealthState::kUp; }, 8s));

  // Added while running: noticed by the config poll (100 ms here), probed within the jitter.
  c.pools[0].members.push_back({0, "127.0.0.5", "", 1, zones::AdminState::kEnabled});
  const auto added = Clock::now();
  apply(db, c);
  REQUIRE(eventually([&] { return state_of(db, "127.0.0.5") == HealthState::kDown; }, 3s));
  CHECK(ms_since(added) < 1500);  // not a whole 5 s interval

  // Another writer holds the store's write lock for 2 s while a member goes down.
  c.monitors[0].interval_ms = 400;
  c.monitors[0].timeout_ms = 300;
  apply(db, c);
  auto blocker = zones::Db::open(db.string(), {zones::OpenMode::kExisting});
  REQUIRE(blocker.has_value());
  REQUIRE(blocker->exec("BEGIN IMMEDIATE").has_value());
  backend.set_status(503);
  CHECK(healthd.process()
            .wait_for_line("address=127.0.0.1 pools=p1 from=up to=down", 3s)
            .has_value());                  // probing went on while the writes waited
  CHECK(state_of(db) == HealthState::kUp);  // not written yet: the store is locked
  std::this_thread::sleep_for(1500ms);      // hold the lock a while longer
  REQUIRE(blocker->exec("COMMIT").has_value());
  const auto released = Clock::now();
  REQUIRE(eventually([&] { return state_of(db) == HealthState::kDown; }, 5s));
  CHECK(ms_since(released) < 2500);  // the writer's backoff tops out at 2 s
  CHECK(healthd.process().output().find("event=health_write_retrying") != std::string::npos);
}

TEST_CASE("healthd: bad flags are refused with the flag's name, before anything starts") {
  TempDir dir("gslb-healthd-flags");
  const std::string db = (dir.path() / "none.db").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--probe-threads", "0"}, "--probe-threads"},
      {{"--probe-threads", "many"}, "--probe-threads"},
      {{"--max-concurrent", "0"}, "--max-concurrent"},
      {{"--vantage", "no spaces"}, "--vantage"},
      {{"--config-poll", "10"}, "--config-poll"},
  };
  for (const auto& [flags, named] : cases) {
    std::vector<std::string> argv = {GSLB_HEALTHD_PATH, "--db", db};
    argv.insert(argv.end(), flags.begin(), flags.end());
    CAPTURE(join_args(argv));
    const RunResult run = run_program(argv, 10s);
    CHECK(run.status == 2);  // usage, as gslbd and gslbadm
    CHECK(run.err.find(named) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
  }
  const RunResult missing = run_program({GSLB_HEALTHD_PATH, "--db", db}, 10s);
  CHECK(missing.status == 1);
  CHECK(missing.err.find(db) != std::string::npos);
}
