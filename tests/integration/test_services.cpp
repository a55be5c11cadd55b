// GSLB services end to end: a real gslbd with a generated GeoIP2 database and
// several services, queried with ldns and dig (+subnet). Answers follow the
// client's location (ECS or source), carry the right ECS scope, and follow
// health rows written to the store within 100 ms.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/dns_client.h"
#include "tests/support/geo_data.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/healthd_runner.h"  // eventually
#include "tests/support/http_client.h"
#include "tests/support/zone_file.h"
#include "zones/db.h"
#include "zones/gslb_store.h"
#include "zones/migrate.h"

using namespace testsupport;
using Clock = std::chrono::steady_clock;

namespace {

const char* kZone = R"($ORIGIN gslb.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
ns1 IN A 192.0.2.53
prox IN TXT "a proximity service"
static IN A 192.0.2.80
)";

zones::Region region(const char* name, double lat, double lon, const char* cont, const char* cc) {
  return {name, lat, lon, cont, cc};
}

zones::Pool pool(const char* name, std::vector<std::string> addresses) {
  zones::Pool p;
  p.name = p.region = name;
  for (auto& a : addresses) p.members.push_back({0, a, "", 1, zones::AdminState::kEnabled});
  return p;
}

zones::Service service(const char* name, zones::Policy policy,
                       std::vector<zones::ServicePool> pools) {
  zones::Service s;
  s.name = name;
  s.policy = policy;
  s.pools = std::move(pools);
  return s;
}

zones::GslbConfig config() {
  zones::GslbConfig c;
  c.regions = {region("us-east", 40.7, -74.0, "NA", "US"),
               region("eu-central", 50.1, 8.7, "EU", "DE"),
               region("ap-northeast", 35.7, 139.7, "AS", "JP")};
  c.pools = {pool("us-east", {"10.1.0.1", "fd00:1::1"}),
             pool("eu-central", {"10.2.0.1", "fd00:2::1"}), pool("ap-northeast", {"10.3.0.1"})};
  const std::vector<zones::ServicePool> three = {
      {"us-east", 1, 1, 0}, {"eu-central", 1, 1, 0}, {"ap-northeast", 1, 1, 0}};
  c.services.push_back(service("prox.gslb.test.", zones::Policy::kProximity, three));
  c.services.push_back(service("fo.gslb.test.", zones::Policy::kFailover,
                               {{"us-east", 1, 1, 0}, {"eu-central", 2, 1, 0}}));
  zones::Service geo = service("geo.gslb.test.", zones::Policy::kGeo, three);
  geo.geo = {
      {"country:JP", {"ap-northeast"}}, {"continent:EU", {"eu-central"}}, {"default", {"us-east"}}};
  c.services.push_back(geo);
  zones::Service nodata =
      service("nodata.gslb.test.", zones::Policy::kFailover, {{"ap-northeast", 1, 1, 0}});
  nodata.when_all_down = zones::WhenAllDown::kNodata;
  c.services.push_back(nodata);
  return c;
}

zones::Db open_db(const std::filesystem::path& path) {
  auto db = zones::Db::open(path.string(), {zones::OpenMode::kExisting});
  REQUIRE_MESSAGE(db.has_value(), (db ? "" : db.error().text()));
  return std::move(*db);
}

void apply_config(const std::filesystem::path& path) {
  zones::Db db = open_db(path);
  auto plan = zones::GslbStore(db).apply(config(), {}, "test");
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().text()));
}

void set_health(const std::filesystem::path& path, const char* pool, const char* address,
                zones::HealthState state) {
  zones::Db db = open_db(path);
  zones::HealthRow row;
  row.pool = pool;
  row.address = address;
  row.vantage = "test";
  row.state = state;
  row.checked_at_ms = row.changed_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() +
      60'000;  // fresh for the whole test, whatever the monitor interval
  auto written = zones::GslbStore(db).write_health({row});
  REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().text()));
}

struct Answer {
  int rcode = -1;
  std::vector<std::string> addresses;  // sorted
  uint32_t ttl = 0;
  int scope = -1;  // ECS scope in the reply, -1 without ECS
  size_t authority = 0;
  bool aa = false;
};

int ecs_scope(const ldns_pkt* pkt) {
  const ldns_rdf* data = ldns_pkt_edns_data(pkt);
  if (data == nullptr) return -1;
  const uint8_t* p = ldns_rdf_data(data);
  size_t left = ldns_rdf_size(data);
  while (left >= 4) {
    const size_t code = (p[0] << 8) | p[1], len = (p[2] << 8) | p[3];
    if (code == 8 && len >= 4) return p[7];
    if (len + 4 > left) break;
    p += 4 + len;
    left -= 4 + len;
  }
  return -1;
}

Answer ask(const Endpoint& server, const std::string& name, uint16_t type,
           const std::string& ecs_address = "", uint8_t ecs_prefix = 0) {
  Query q;
  q.qname = name;
  q.qtype = type;
  q.edns = true;
  if (!ecs_address.empty()) q.options.push_back(ecs_option(ecs_address, ecs_prefix));
  auto reply = exchange(server, q, Transport::kUdp, std::chrono::milliseconds(1000));
  REQUIRE(reply.has_value());
  auto pkt = parse_packet(*reply);
  REQUIRE(pkt);
  Answer a;
  a.rcode = ldns_pkt_get_rcode(pkt.get());
  a.aa = ldns_pkt_aa(pkt.get());
  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    a.addresses.push_back(text);
    free(text);
    a.ttl = ldns_rr_ttl(rr);
  }
  std::sort(a.addresses.begin(), a.addresses.end());
  a.authority = ldns_rr_list_rr_count(ldns_pkt_authority(pkt.get()));
  a.scope = ecs_scope(pkt.get());
  return a;
}

using Addrs = std::vector<std::string>;

struct Fixture {
  TempDir dir{"gslb-services"};
  std::string mmdb = make_test_mmdb(dir);
  std::unique_ptr<GslbdRunner> gslbd;

  explicit Fixture(bool admin_api = false, std::vector<std::string> more_args = {}) {
    const auto zone = dir.path() / "gslb.test.zone";
    std::ofstream(zone) << kZone;
    GslbdOptions o;
    o.zones = {{"gslb.test.", zone}};
    o.ipv6 = true;
    o.extra_args = {"--geoip", mmdb, "--ecs-max-prefix-v4", "25"};
    o.extra_args.insert(o.extra_args.end(), more_args.begin(), more_args.end());
    o.setup = apply_config;
    o.admin_api = admin_api;
    gslbd = std::make_unique<GslbdRunner>(o);
  }
  const Endpoint& server() const { return gslbd->v4(); }
};

}  // namespace

TEST_CASE("proximity follows the Client Subnet, with the scope the decision used") {
  Fixture f;
  // 198.51.100.0/24 is New York in the test database: us-east, scope /24.
  Answer a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "198.51.100.7", 32);
  CHECK(a.rcode == LDNS_RCODE_NOERROR);
  CHECK(a.aa);
  CHECK(a.addresses == Addrs{"10.1.0.1"});
  CHECK(a.ttl == 30);
  CHECK(a.scope == 24);  // the database's /24, under the /25 cap of the source /32
  // 203.0.113.0/25 is Frankfurt, 203.0.113.128/25 Tokyo.
  a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "203.0.113.0", 25);
  CHECK(a.addresses == Addrs{"10.2.0.1"});
  CHECK(a.scope == 25);
  a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "203.0.113.128", 25);
  CHECK(a.addresses == Addrs{"10.3.0.1"});
  CHECK(a.scope == 25);
  // A source prefix shorter than the database network caps the scope.
  a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "198.51.100.0", 16);
  CHECK(a.scope == 16);
  // IPv6 client in France: eu-central answers AAAA.
  a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_AAAA, "2001:db8:1::", 48);
  CHECK(a.addresses == Addrs{"fd00:2::1"});
  CHECK(a.scope == 48);
}

TEST_CASE("a pool without the asked family yields to the next nearest that has it") {
  Fixture f;
  // Tokyo's pool has no IPv6 member: the next nearest with one is Frankfurt.
  const Answer a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_AAAA, "203.0.113.128", 25);
  CHECK(a.rcode == LDNS_RCODE_NOERROR);
  CHECK(a.addresses == Addrs{"fd00:2::1"});
}

TEST_CASE("static records at a service name answer the other types") {
  Fixture f;
  Answer a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_TXT, "203.0.113.0", 25);
  CHECK(a.addresses.size() == 1);
  CHECK(a.scope == 0);  // static: does not depend on the client
  a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_MX);
  CHECK(a.rcode == LDNS_RCODE_NOERROR);
  CHECK(a.addresses.empty());
  CHECK(a.authority == 1);  // NODATA: the SOA
}

TEST_CASE("geo policy: country beats continent, unmatched clients get the default") {
  Fixture f;
  CHECK(ask(f.server(), "geo.gslb.test.", LDNS_RR_TYPE_A, "203.0.113.128", 25).addresses ==
        Addrs{"10.3.0.1"});
  CHECK(ask(f.server(), "geo.gslb.test.", LDNS_RR_TYPE_A, "203.0.113.0", 25).addresses ==
        Addrs{"10.2.0.1"});
  // Australia matches no entry: default.
  CHECK(ask(f.server(), "geo.gslb.test.", LDNS_RR_TYPE_A, "192.0.2.0", 24).addresses ==
        Addrs{"10.1.0.1"});
}

TEST_CASE("without ECS the source address locates the client; unknown means default order") {
  Fixture f;
  // 127.0.0.1 is in no database network: proximity takes the operator's order.
  const Answer a = ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A);
  CHECK(a.addresses == Addrs{"10.1.0.1"});
  CHECK(a.scope == -1);  // no ECS in the query, none in the reply
}

TEST_CASE("failover does not depend on the client: scope 0") {
  Fixture f;
  const Answer a = ask(f.server(), "fo.gslb.test.", LDNS_RR_TYPE_A, "203.0.113.128", 25);
  CHECK(a.addresses == Addrs{"10.1.0.1"});
  CHECK(a.scope == 0);
}

TEST_CASE("health rows move answers within 100 ms, with the degraded TTL") {
  Fixture f;
  REQUIRE(ask(f.server(), "fo.gslb.test.", LDNS_RR_TYPE_A).addresses == Addrs{"10.1.0.1"});
  auto wait_for = [&](const Addrs& expected) {
    const auto start = Clock::now();
    while (Clock::now() - start < std::chrono::seconds(3)) {
      if (ask(f.server(), "fo.gslb.test.", LDNS_RR_TYPE_A).addresses == expected)
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return std::chrono::milliseconds::max();
  };
  set_health(f.gslbd->db(), "us-east", "10.1.0.1", zones::HealthState::kDown);
  set_health(f.gslbd->db(), "us-east", "fd00:1::1", zones::HealthState::kDown);
  const auto moved = wait_for(Addrs{"10.2.0.1"});
  CHECK(moved.count() < 100);
  const Answer degraded = ask(f.server(), "fo.gslb.test.", LDNS_RR_TYPE_A);
  CHECK(degraded.ttl == 10);

  set_health(f.gslbd->db(), "us-east", "10.1.0.1", zones::HealthState::kUp);
  set_health(f.gslbd->db(), "us-east", "fd00:1::1", zones::HealthState::kUp);
  const auto back = wait_for(Addrs{"10.1.0.1"});
  CHECK(back.count() < 100);
  CHECK(ask(f.server(), "fo.gslb.test.", LDNS_RR_TYPE_A).ttl == 30);
}

TEST_CASE("when_all_down nodata: NODATA with the SOA when nothing is up") {
  Fixture f;
  REQUIRE(ask(f.server(), "nodata.gslb.test.", LDNS_RR_TYPE_A).addresses == Addrs{"10.3.0.1"});
  set_health(f.gslbd->db(), "ap-northeast", "10.3.0.1", zones::HealthState::kDown);
  const auto start = Clock::now();
  Answer a;
  do {
    a = ask(f.server(), "nodata.gslb.test.", LDNS_RR_TYPE_A);
  } while (!a.addresses.empty() && Clock::now() - start < std::chrono::seconds(3));
  CHECK(a.rcode == LDNS_RCODE_NOERROR);
  CHECK(a.addresses.empty());
  CHECK(a.authority == 1);
}

TEST_CASE("dig +subnet sees the answer and the echoed option with its scope") {
  Fixture f;
  const Endpoint& s = f.server();
  const RunResult r = run_program({find_program("dig"), "@" + s.host, "-p", std::to_string(s.port),
                                   "+subnet=203.0.113.128/25", "+norec", "prox.gslb.test.", "A"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("CLIENT-SUBNET: 203.0.113.128/25/25") != std::string::npos);
  CHECK(r.out.find("10.3.0.1") != std::string::npos);
  CHECK(r.out.find("flags: qr aa") != std::string::npos);
  // kdig over IPv6 transport, an IPv4 subnet: same answer.
  const Endpoint& s6 = f.gslbd->v6();
  const RunResult k =
      run_program({find_program("kdig"), "@" + s6.host, "-p", std::to_string(s6.port),
                   "+subnet=198.51.100.0/24", "prox.gslb.test.", "A"});
  REQUIRE(k.status == 0);
  CHECK(k.out.find("10.1.0.1") != std::string::npos);
}

TEST_CASE("a replaced GeoIP file serves at once; a broken one leaves the last good one serving") {
  Fixture f(/*admin_api=*/true);
  auto answer = [&] {
    return ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "198.51.100.7", 32).addresses;
  };
  REQUIRE(answer() == Addrs{"10.1.0.1"});  // New York: us-east
  // Written beside it, then renamed over it, as docs/geoip-data.md says to update.
  const auto next = f.dir.path() / "next.mmdb";
  make_moved_test_mmdb(next);
  std::filesystem::rename(next, f.mmdb);
  // 198.51.100.0/24 is in Sydney now: Tokyo's pool is the nearest.
  CHECK(eventually([&] { return answer() == Addrs{"10.3.0.1"}; }, std::chrono::seconds(3)));
  CHECK(f.gslbd->process().wait_for_line("event=geoip_reloaded", std::chrono::seconds(1)));

  std::ofstream(next, std::ios::binary) << "not a MaxMind DB";
  std::filesystem::rename(next, f.mmdb);
  const auto failed =
      f.gslbd->process().wait_for_line("event=geoip_reload_failed", std::chrono::seconds(3));
  REQUIRE(failed);
  CHECK(failed->find("level=error") != std::string::npos);
  CHECK(answer() == Addrs{"10.3.0.1"});  // the moved database still serves

  const auto status =
      http_bearer("GET", f.gslbd->admin_url() + "/v1/status", f.gslbd->read_token());
  REQUIRE(status.status == 200);
  const auto geoip = nlohmann::json::parse(status.body).at("geoip");
  CHECK(geoip.at("path") == f.mmdb);
  CHECK(geoip.at("database_type") == "GeoIP2-City");
  CHECK(geoip.at("reloads").at("ok") == 1);
  CHECK(geoip.at("reloads").at("failed") == 1);
  CHECK(geoip.at("reloads").at("last_error").get<std::string>().find("MaxMind") !=
        std::string::npos);
  const auto metrics = http_bearer("GET", f.gslbd->admin_url() + "/metrics", f.gslbd->read_token());
  CHECK(metrics.body.find("gslb_geoip_reloads_total{result=\"ok\"} 1") != std::string::npos);
  CHECK(metrics.body.find("gslb_geoip_reloads_total{result=\"failed\"} 1") != std::string::npos);
  CHECK(metrics.body.find("gslb_geoip_build_epoch_seconds ") != std::string::npos);
}

TEST_CASE("--query-log-sample 1 logs every query as one event=query line; the default logs none") {
  Fixture quiet;
  ask(quiet.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "198.51.100.7", 32);
  // gslbd writes samples after each store poll (50 ms); none may come.
  CHECK(!quiet.gslbd->process().wait_for_line("event=query ", std::chrono::milliseconds(300)));

  Fixture f(false, {"--query-log-sample", "1"});
  REQUIRE(ask(f.server(), "prox.gslb.test.", LDNS_RR_TYPE_A, "198.51.100.7", 32).addresses ==
          Addrs{"10.1.0.1"});
  const auto line = f.gslbd->process().wait_for_line("event=query ", std::chrono::seconds(3));
  REQUIRE(line);
  for (const char* field :
       {"level=info ", "client=127.0.0.1 ", "transport=udp ", "qname=prox.gslb.test. ", "qtype=A ",
        "ecs=198.51.100.7/32 ", "rcode=NOERROR ", "answers=1 ", "tc=0"})
    CHECK_MESSAGE(line->find(field) != std::string::npos, field, " in ", *line);
}
