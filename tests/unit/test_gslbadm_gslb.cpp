// gslbadm's GSLB object commands run as a program: regions, monitors, pools, members,
// services, geo maps, overrides and health; exit codes 0/1/2, --json shapes, refused writes
// that change nothing.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "zones/db.h"
#include "zones/gslb_store.h"
#include "zones/migrate.h"

namespace {

struct GslbCli {
  testsupport::TempDir dir{"gslbadm-gslb"};
  std::string db = (dir / "store.db").string();

  GslbCli() {
    REQUIRE(run({"init"}).status == 0);
    REQUIRE(run({"zone", "add", "gslb.example.com", "--ns", "ns1.example.net"}).status == 0);
  }

  testsupport::RunResult run(std::vector<std::string> args) {
    std::vector<std::string> argv = {GSLBADM_PATH, "--db", db};
    argv.insert(argv.end(), args.begin(), args.end());
    return testsupport::run_program(argv);
  }

  // Runs a command that must succeed and returns its stdout.
  std::string ok(std::vector<std::string> args) {
    auto result = run(args);
    const std::string command = testsupport::join_args(args);
    CAPTURE(command);
    CAPTURE(result.err);
    REQUIRE(result.status == 0);
    return result.out;
  }

  nlohmann::json json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    return nlohmann::json::parse(ok(args));
  }

  // Everything the GSLB commands can show, to prove that a refused write changed nothing.
  std::string everything() {
    std::string all;
    for (const char* kind : {"region", "monitor", "pool", "service", "override"}) {
      all += ok({"--json", kind, "list"});
    }
    return all + ok({"export"});
  }

  // Two regions, a monitor, two pools with members and a failover service.
  void add_example() {
    ok({"region", "add", "us-east", "--lat", "40.7", "--lon", "-74", "--continent", "NA",
        "--country", "US"});
    ok({"region", "add", "eu-central", "--lat", "50.1", "--lon", "8.7", "--continent", "EU"});
    ok({"monitor", "add", "web", "--type", "http", "--port", "80", "--path", "/healthz"});
    ok({"pool", "add", "us-east", "--region", "us-east", "--monitor", "web"});
    ok({"pool", "add", "eu-central", "--region", "eu-central", "--monitor", "web"});
    ok({"member", "add", "us-east", "192.0.2.10", "--name", "lb-1"});
    ok({"member", "add", "us-east", "192.0.2.11", "--weight", "2"});
    ok({"member", "add", "eu-central", "2001:db8::10"});
    ok({"service", "add", "www.gslb.example.com", "--policy", "failover", "--pool", "us-east:1",
        "--pool", "eu-central:2"});
  }
};

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A loopback TCP port nothing listens on (bound for a moment to learn a free one).
uint16_t closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

struct Step {
  std::vector<std::string> args;
  int status;
  const char* out_part;
  const char* err_part = "";
};

void run_steps(GslbCli& cli, const std::vector<Step>& steps) {
  for (const Step& s : steps) {
    const std::string command = testsupport::join_args(s.args);
    CAPTURE(command);
    auto result = cli.run(s.args);
    CAPTURE(result.out);
    CAPTURE(result.err);
    CHECK(result.status == s.status);
    CHECK(result.out.find(s.out_part) != std::string::npos);
    CHECK(result.err.find(s.err_part) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("gslbadm adds, changes, lists, shows and deletes each kind of GSLB object") {
  GslbCli cli;
  run_steps(cli,
            {
                {{"region", "add", "us-east", "--lat", "40.7", "--lon", "-74", "--country", "US"},
                 0,
                 "created region/us-east\n"},
                {{"region", "set", "us-east", "--continent", "NA"}, 0, "changed region/us-east"},
                {{"region", "set", "us-east", "--continent", "NA"}, 0, "no change\n"},
                {{"region", "list"}, 0, "us-east  40.7  -74  NA         US"},
                {{"region", "show", "us-east"}, 0, "continent  NA\n"},
                {{"monitor", "add", "web", "--type", "https", "--port", "443", "--interval", "2s",
                  "--timeout", "500ms", "--expect-status", "200,204"},
                 0,
                 "created monitor/web\n"},
                {{"monitor", "set", "web", "--rise", "3", "--load-field", "load"},
                 0,
                 "changed monitor/web"},
                {{"monitor", "list"}, 0, "web      https  443"},
                {{"monitor", "show", "web"}, 0, "expect_status     200,204\n"},
                {{"pool", "add", "us-east", "--region", "us-east", "--monitor", "web"},
                 0,
                 "created pool/us-east\n"},
                {{"member", "add", "us-east", "192.0.2.10", "--name", "lb-1"},
                 0,
                 "created member/us-east/192.0.2.10\n"},
                {{"member", "add", "us-east", "2001:DB8::0010"},
                 0,
                 "created member/us-east/2001:db8::10\n"},
                {{"member", "set", "us-east", "2001:db8::10", "--weight", "3"},
                 0,
                 "changed member/us-east/2001:db8::10"},
                {{"member", "list", "us-east"}, 0, "2001:db8::10  -     3       enabled"},
                {{"pool", "set", "us-east", "--min-healthy", "2"},
                 0,
                 "changed pool/us-east: min_healthy: 1 -> 2\n"},
                {{"member", "delete", "us-east", "2001:db8::10"}, 1, "", "min_healthy: is 2"},
                {{"pool", "set", "us-east", "--min-healthy", "1"}, 0, "changed pool/us-east"},
                {{"pool", "list"}, 0, "us-east  us-east  web      1            2        enabled"},
                {{"service", "add", "WWW.gslb.example.com", "--policy", "weighted", "--pool",
                  "us-east::5", "--ttl", "20"},
                 0,
                 "created service/www.gslb.example.com.\n"},
                {{"service", "set", "www.gslb.example.com.", "--affinity", "subnet"},
                 0,
                 "changed service/www.gslb.example.com."},
                {{"service", "list"}, 0, "www.gslb.example.com.  weighted  20"},
                {{"service", "show", "www.gslb.example.com"}, 0, "us-east  1         5       0"},
                {{"service", "pool", "set", "www.gslb.example.com", "us-east", "--weight", "7"},
                 0,
                 "changed service/www.gslb.example.com."},
                {{"service", "show", "www.gslb.example.com"}, 0, "us-east  1         7       0"},
                {{"member", "delete", "us-east", "2001:db8::10"},
                 0,
                 "deleted member/us-east/2001:db8::10\n"},
                {{"service", "delete", "www.gslb.example.com"},
                 0,
                 "deleted service/www.gslb.example.com.\n"},
                {{"pool", "delete", "us-east"}, 0, "deleted pool/us-east"},
                {{"monitor", "delete", "web"}, 0, "deleted monitor/web\n"},
                {{"region", "delete", "us-east"}, 0, "deleted region/us-east\n"},
                {{"region", "list"}, 0, "REGION  LAT  LON  CONTINENT  COUNTRY  POOLS\n"},
            });
  CHECK(cli.ok({"pool", "list"}) == "POOL  REGION  MONITOR  MIN_HEALTHY  MEMBERS  ADMIN\n");
}

TEST_CASE("gslbadm --json prints GSLB objects in the config-file shapes") {
  GslbCli cli;
  cli.add_example();

  auto regions = cli.json({"region", "list"});
  REQUIRE(regions.size() == 2);  // by name
  CHECK(regions[0]["name"] == "eu-central");
  CHECK(regions[1] == nlohmann::json{{"name", "us-east"},
                                     {"lat", 40.7},
                                     {"lon", -74.0},
                                     {"continent", "NA"},
                                     {"country", "US"}});
  auto monitor = cli.json({"monitor", "show", "web"});
  CHECK(monitor["interval"] == "1s");
  CHECK(monitor["timeout"] == "800ms");
  CHECK(monitor["expect_status"] == nlohmann::json::array({200}));

  auto pools = cli.json({"pool", "list"});
  REQUIRE(pools.size() == 2);
  CHECK(pools[1]["name"] == "us-east");
  CHECK(pools[1]["member_count"] == 2);
  CHECK(pools[1]["monitor"] == "web");
  CHECK(pools[1]["members"][0] == nlohmann::json{{"address", "192.0.2.10"},
                                                 {"name", "lb-1"},
                                                 {"weight", 1},
                                                 {"admin_state", "enabled"}});
  auto members = cli.json({"member", "list", "us-east"});
  CHECK(members.size() == 2);
  CHECK(members[1]["weight"] == 2);

  auto service = cli.json({"service", "show", "www.gslb.example.com"});
  CHECK(service["name"] == "www.gslb.example.com.");
  CHECK(service["policy"] == "failover");
  CHECK(service["ttl"] == 30);
  CHECK(service["pools"] == nlohmann::json::parse(R"([
      {"pool": "us-east", "priority": 1, "weight": 1, "bias": 0.0},
      {"pool": "eu-central", "priority": 2, "weight": 1, "bias": 0.0}])"));
  CHECK(cli.json({"service", "list"}).size() == 1);
  CHECK(cli.ok({"service", "pool", "delete", "www.gslb.example.com", "eu-central"})
            .starts_with("changed service/www.gslb.example.com.: pools: "));
  cli.ok({"service", "pool", "add", "www.gslb.example.com", "eu-central", "--priority", "3",
          "--weight", "2", "--bias", "150.5"});
  CHECK(cli.json({"service", "show", "www.gslb.example.com"})["pools"][1] ==
        nlohmann::json{{"pool", "eu-central"}, {"priority", 3}, {"weight", 2}, {"bias", 150.5}});

  auto created = cli.json({"region", "add", "ap-south", "--lat", "19", "--lon", "72.8"});
  REQUIRE(created["changes"].size() == 1);
  CHECK(created["changes"][0]["action"] == "create");
  CHECK(created["changes"][0]["object"] == "region/ap-south");
  CHECK(created["changes"][0]["after"]["lat"] == 19.0);
  auto unchanged = cli.json({"region", "set", "ap-south", "--lat", "19"});
  CHECK(unchanged["changes"] == nlohmann::json::array());
}

TEST_CASE("gslbadm pool and member drain, disable and enable show in pool show") {
  GslbCli cli;
  cli.add_example();
  CHECK(cli.ok({"pool", "drain", "us-east"}) ==
        "changed pool/us-east: admin_state: \"enabled\" -> \"drain\"\n");
  CHECK(cli.ok({"pool", "drain", "us-east"}) == "no change\n");
  std::string shown = cli.ok({"pool", "show", "us-east"});
  CHECK(shown.find("admin        drain (out of answers, still probed)\n") != std::string::npos);
  CHECK(cli.json({"pool", "show", "us-east"})["admin_state"] == "drain");

  CHECK(cli.ok({"pool", "disable", "us-east"}).starts_with("changed pool/us-east"));
  shown = cli.ok({"pool", "show", "us-east"});
  CHECK(shown.find("admin        fail (treated as down)\n") != std::string::npos);
  CHECK(cli.ok({"pool", "list"})
            .find("us-east     us-east     web      1            2        fail") !=
        std::string::npos);
  CHECK(cli.ok({"pool", "undrain", "us-east"}).starts_with("changed pool/us-east"));
  CHECK(cli.json({"pool", "show", "us-east"})["admin_state"] == "enabled");

  CHECK(cli.ok({"member", "drain", "us-east", "192.0.2.11"}) ==
        "changed member/us-east/192.0.2.11: admin_state: \"enabled\" -> \"drain\"\n");
  CHECK(cli.ok({"member", "disable", "us-east", "192.0.2.10"}).starts_with("changed member/"));
  auto pool = cli.json({"pool", "show", "us-east"});
  CHECK(pool["members"][0]["admin_state"] == "fail");
  CHECK(pool["members"][1]["admin_state"] == "drain");
  shown = cli.ok({"pool", "show", "us-east"});
  CHECK(shown.find("members      2, 1 drain, 1 fail\n") != std::string::npos);
  CHECK(shown.find("192.0.2.11  -     2       drain") != std::string::npos);
  CHECK(cli.ok({"member", "enable", "us-east", "192.0.2.10"}).starts_with("changed member/"));
  CHECK(cli.ok({"member", "undrain", "us-east", "192.0.2.11"}).starts_with("changed member/"));
  CHECK(cli.ok({"pool", "list"}).find("2        enabled") != std::string::npos);
}

TEST_CASE("gslbadm refuses a bad GSLB write with exit 1, names the problem and changes nothing") {
  GslbCli cli;
  cli.add_example();
  const std::string before = cli.everything();
  const Step steps[] = {
      {{"region", "add", "us-east", "--lat", "1", "--lon", "2"},
       1,
       "",
       "region/us-east: already exists"},
      {{"region", "set", "nowhere", "--lat", "1"}, 1, "", "region/nowhere: not found"},
      {{"region", "add", "mars", "--lat", "91", "--lon", "0"},
       1,
       "",
       "error: region/mars lat: must be between -90 and 90\n"},
      {{"region", "delete", "us-east"}, 1, "", "error: pool/us-east region: region \"us-east\""},
      {{"monitor", "delete", "web"}, 1, "", "still used by pool eu-central\nerror: pool/us-east"},
      {{"monitor", "set", "web", "--timeout", "5s"}, 1, "", "monitor/web timeout: must be shorter"},
      {{"pool", "add", "ap", "--region", "ap-south"},
       1,
       "",
       "pool/ap region: no region named \"ap-south\""},
      {{"pool", "add", "us-east", "--region", "us-east"}, 1, "", "pool/us-east: already exists"},
      {{"pool", "drain", "nope"}, 1, "", "pool/nope: not found"},
      {{"pool", "delete", "us-east"}, 1, "", "still used by service www.gslb.example.com."},
      {{"member", "add", "us-east", "192.0.2.10"},
       1,
       "",
       "member/us-east/192.0.2.10: already exists"},
      {{"member", "add", "us-east", "192.0.2.300"},
       1,
       "",
       "member/us-east/192.0.2.300 address: not an IPv4 or IPv6 address"},
      {{"member", "add", "nope", "192.0.2.1"}, 1, "", "pool/nope: not found"},
      {{"member", "set", "us-east", "192.0.2.99", "--weight", "2"},
       1,
       "",
       "member/us-east/192.0.2.99: not found"},
      {{"member", "drain", "us-east", "192.0.2.99"}, 1, "", "not found"},
      {{"service", "add", "www.other.org", "--policy", "failover", "--pool", "us-east"},
       1,
       "",
       "service/www.other.org. name: www.other.org. is not inside any zone we serve"},
      {{"service", "add", "api.gslb.example.com", "--policy", "failover", "--pool", "nope"},
       1,
       "",
       "service/api.gslb.example.com. pools[0].pool: no pool named \"nope\""},
      {{"service", "set", "nope.gslb.example.com", "--ttl", "5"},
       1,
       "",
       "service/nope.gslb.example.com.: not found"},
      {{"service", "pool", "add", "www.gslb.example.com", "us-east"}, 1, "", "already exists"},
      {{"service", "pool", "delete", "www.gslb.example.com", "ap"}, 1, "", "not found"},
      {{"geomap", "set", "www.gslb.example.com", "country:JP", "us-east"}, 1, "", "not found"},
      {{"geomap", "add", "www.gslb.example.com", "country:JP", "us-east"},
       1,
       "",
       "only the geo policy uses a geo map"},
      {{"service", "set", "www.gslb.example.com", "--policy", "geo"}, 1, "", "default entry"},
      {{"override", "add", "10.0.0.0/8", "nowhere"}, 1, "", "no region named \"nowhere\""},
      {{"override", "add", "10.0.0.1/8", "us-east"}, 1, "", "did you mean 10.0.0.0/8?"},
      {{"override", "delete", "10.0.0.0/8"}, 1, "", "override/10.0.0.0/8: not found"},
      {{"health", "--pool", "nope"}, 1, "", "pool/nope: not found"},
  };
  for (const Step& s : steps) {
    const std::string command = testsupport::join_args(s.args);
    CAPTURE(command);
    auto result = cli.run(s.args);
    CAPTURE(result.err);
    CHECK(result.status == s.status);
    CHECK(result.out == "");
    CHECK(result.err.starts_with("error: "));
    CHECK(result.err.find(s.err_part) != std::string::npos);
  }
  CHECK(cli.everything() == before);
}

TEST_CASE("gslbadm GSLB usage errors exit 2 and name the flag") {
  GslbCli cli;
  cli.add_example();
  const std::string before = cli.everything();
  const Step steps[] = {
      {{"region", "add", "x", "--lat", "1"}, 2, "", "--lon"},
      {{"region", "add", "x", "--lat", "north", "--lon", "1"}, 2, "", "--lat"},
      {{"monitor", "add", "m", "--type", "icmp", "--port", "1"}, 2, "", "--type"},
      {{"monitor", "add", "m", "--type", "tcp", "--port", "70000"}, 2, "", "--port"},
      {{"monitor", "set", "web", "--interval", "fast"}, 2, "", "--interval"},
      {{"monitor", "set", "web", "--expect-status", "200,ok"}, 2, "", "--expect-status"},
      {{"pool", "add", "p"}, 2, "", "--region"},
      {{"pool", "set", "us-east", "--min-healthy", "-1"}, 2, "", "--min-healthy"},
      {{"member", "add", "us-east", "192.0.2.50", "--weight", "heavy"}, 2, "", "--weight"},
      {{"member", "frob", "us-east", "192.0.2.10"}, 2, "", ""},
      {{"service", "add", "a.gslb.example.com"}, 2, "", "--policy"},
      {{"service", "set", "www.gslb.example.com", "--policy", "random"}, 2, "", "--policy"},
      {{"service", "set", "www.gslb.example.com", "--pool", "us-east:first"}, 2, "", "--pool"},
      {{"service", "set", "www.gslb.example.com", "--when-all-down", "panic"},
       2,
       "",
       "--when-all-down"},
      {{"service", "pool", "set", "www.gslb.example.com", "us-east", "--priority", "x"},
       2,
       "",
       "--priority"},
      {{"geomap", "add", "www.gslb.example.com", "planet:earth", "us-east"}, 2, "", "match"},
      {{"geomap", "add", "www.gslb.example.com", "default", "us-east", "--position", "0"},
       2,
       "",
       "--position"},
  };
  for (const Step& s : steps) {
    const std::string command = testsupport::join_args(s.args);
    CAPTURE(command);
    auto result = cli.run(s.args);
    CAPTURE(result.err);
    CHECK(result.status == s.status);
    CHECK(result.err.find(s.err_part) != std::string::npos);
  }
  CHECK(cli.everything() == before);
}

TEST_CASE("gslbadm edits a service's geo map and the client location overrides") {
  GslbCli cli;
  cli.add_example();
  const std::string www = "www.gslb.example.com";
  // The geo policy needs its map in the same write: --geo on service set.
  CHECK(cli.ok({"service", "set", www, "--policy", "geo", "--geo", "default=us-east,eu-central"})
            .starts_with("changed service/"));
  cli.ok({"geomap", "add", www, "continent:eu", "eu-central,us-east"});
  cli.ok({"geomap", "add", www, "cidr:203.0.113.0/24", "eu-central", "--position", "1"});
  CHECK(cli.ok({"geomap", "list", www}) ==
        "POSITION  MATCH                POOLS\n"
        "1         cidr:203.0.113.0/24  eu-central\n"
        "2         default              us-east,eu-central\n"
        "3         continent:EU         eu-central,us-east\n");
  CHECK(
      cli.ok({"geomap", "set", www, "continent:EU", "eu-central"}).starts_with("changed service/"));
  CHECK(cli.ok({"geomap", "delete", www, "cidr:203.0.113.0/24"}).starts_with("changed service/"));
  auto refused = cli.run({"geomap", "delete", www, "default"});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("default") != std::string::npos);
  auto geo = cli.json({"geomap", "list", www});
  CHECK(geo == nlohmann::json::parse(R"([
      {"match": "default", "pools": ["us-east", "eu-central"]},
      {"match": "continent:EU", "pools": ["eu-central"]}])"));
  CHECK(cli.ok({"service", "show", www}).find("2         continent:EU  eu-central") !=
        std::string::npos);

  CHECK(cli.ok({"override", "add", "198.51.100.0/24", "eu-central"}) ==
        "created override/198.51.100.0/24\n");
  CHECK(cli.ok({"override", "add", "2001:DB8::/32", "us-east", "--service", www})
            .starts_with("changed service/www.gslb.example.com."));
  CHECK(cli.ok({"override", "list"}) ==
        "NETWORK          REGION      SERVICE\n"
        "198.51.100.0/24  eu-central  (all)\n"
        "2001:db8::/32    us-east     www.gslb.example.com.\n");
  auto mine = cli.json({"override", "list", "--service", www});
  CHECK(mine == nlohmann::json::parse(R"([
      {"network": "2001:db8::/32", "region": "us-east", "service": "www.gslb.example.com."}])"));
  CHECK(cli.json({"service", "show", www})["overrides"].size() == 1);
  CHECK(cli.ok({"override", "delete", "2001:db8::/32", "--service", www}).starts_with("changed"));
  CHECK(cli.ok({"override", "delete", "198.51.100.0/24"}) == "deleted override/198.51.100.0/24\n");
  CHECK(cli.json({"override", "list"}) == nlohmann::json::array());
}

TEST_CASE("gslbadm health: per member the combined state, each vantage's, ages and vantages") {
  GslbCli cli;
  cli.add_example();  // monitor web, interval 1s: reports older than 3s are stale
  cli.ok({"pool", "add", "spare", "--region", "us-east"});  // no monitor
  cli.ok({"member", "add", "spare", "198.51.100.7"});
  const int64_t now = now_ms();
  {
    auto db = zones::Db::open(cli.db);
    REQUIRE(db.has_value());
    zones::GslbStore store(*db);
    auto row = [now](const char* pool, const char* address, const char* vantage,
                     zones::HealthState state, int64_t age_ms) {
      zones::HealthRow r;
      r.pool = pool;
      r.address = address;
      r.vantage = vantage;
      r.state = state;
      r.checked_at_ms = now - age_ms;
      r.changed_at_ms = now - 60000;
      return r;
    };
    // fra beats now: its rows stand however old; nyc last beat 10s ago: stale.
    std::vector<zones::HealthRow> fra = {
        row("us-east", "192.0.2.10", "fra", zones::HealthState::kUp, 500),
        row("eu-central", "2001:db8::10", "fra", zones::HealthState::kUp, 20000),
    };
    fra[0].rtt_ewma_us = 1250;
    fra[0].load = 0.25;
    fra[0].reason = "HTTP 200";
    fra[1].rtt_ewma_us = 800;
    std::vector<zones::HealthRow> nyc = {
        row("us-east", "192.0.2.10", "nyc", zones::HealthState::kDown, 10000),
        row("us-east", "192.0.2.11", "nyc", zones::HealthState::kDown, 10000),
    };
    nyc[0].reason = "connect: refused";
    nyc[1].reason = "timeout after 800ms";
    // ams disagrees with fra on 2001:db8::10: a tie, up under the default quorum.
    std::vector<zones::HealthRow> ams = {
        row("eu-central", "2001:db8::10", "ams", zones::HealthState::kDown, 1000),
    };
    ams[0].reason = "HTTP 503 (expected 200)";
    const zones::Vantage ams_beat{"ams", now, now - 3'600'000, "0.2.0"};
    const zones::Vantage fra_beat{"fra", now, now - 7'200'000, "0.2.0"};
    const zones::Vantage nyc_beat{"nyc", now - 10000, now - 90'000'000, "0.1.0"};
    for (auto [rows, beat] :
         {std::pair{&ams, &ams_beat}, std::pair{&fra, &fra_beat}, std::pair{&nyc, &nyc_beat}}) {
      auto written = store.write_health(*rows, beat);
      REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().text()));
    }
  }
  const std::string all = cli.ok({"health"});
  CAPTURE(all);
  const std::vector<std::string> lines = split_lines(all);
  REQUIRE(lines.size() == 10);
  CHECK(
      lines[0].starts_with("POOL        MEMBER        ADDRESS       STATE                 "
                           "VANTAGES                RTT     LOAD  SINCE     REPORTED"));
  CHECK(
      lines[1].starts_with("eu-central  2001:db8::10  2001:db8::10  up                    "
                           "ams=down fra=up         800us   -     1m0s ago  "));
  // fra's heartbeat vouches for its 20s old row: fresh.
  CHECK(lines[1].find(" ago  ") != std::string::npos);
  CHECK(lines[1].find("(stale)") == std::string::npos);
  CHECK(lines[1].ends_with("  -"));
  CHECK(
      lines[2].starts_with("spare       198.51.100.7  198.51.100.7  unknown (no monitor)  "
                           "-                       -       -     -         -   "));
  CHECK(lines[2].ends_with("  -"));
  CHECK(
      lines[3].starts_with("us-east     lb-1          192.0.2.10    up                    "
                           "fra=up nyc=down(stale)  1.25ms  0.25  1m0s ago  "));
  CHECK(lines[3].ends_with("HTTP 200"));
  CHECK(
      lines[4].starts_with("us-east     192.0.2.11    192.0.2.11    unknown               "
                           "nyc=down(stale)         -       -     -         10."));
  CHECK(lines[4].ends_with("s ago (stale)  timeout after 800ms"));
  CHECK(lines[5] == "");
  CHECK(lines[6] == "VANTAGE  HEARTBEAT  STARTED   VERSION");
  CHECK(lines[7].starts_with("ams      "));
  CHECK(lines[7].find(" ago ") != std::string::npos);
  CHECK(lines[7].ends_with("  1h0m ago  0.2.0"));
  CHECK(lines[8].starts_with("fra      "));
  CHECK(lines[8].find(" ago ") != std::string::npos);
  CHECK(lines[8].ends_with("  2h0m ago  0.2.0"));
  CHECK(lines[9].starts_with("nyc      10."));
  CHECK(lines[9].ends_with("s ago  1d1h ago  0.1.0"));

  auto health = cli.json({"health", "--pool", "us-east"});
  CHECK(health["quorum"] == "majority");
  REQUIRE(health["members"].size() == 2);
  const auto& lb1 = health["members"][0];
  CHECK(lb1["name"] == "lb-1");
  CHECK(lb1["address"] == "192.0.2.10");
  CHECK(lb1["monitor"] == "web");
  CHECK(lb1["state"] == "up");
  CHECK(lb1["rtt_us"] == 1250);
  CHECK(lb1["load"] == 0.25);
  CHECK(lb1["changed_at_ms"] == now - 60000);
  CHECK(lb1["age_ms"].get<int64_t>() < 3000);  // fra's report, vouched for by its heartbeat
  CHECK(lb1["stale"] == false);
  CHECK(lb1["reason"] == "HTTP 200");
  REQUIRE(lb1["vantages"].size() == 2);
  CHECK(lb1["vantages"][0]["vantage"] == "fra");
  CHECK(lb1["vantages"][0]["stale"] == false);
  CHECK(lb1["vantages"][1]["vantage"] == "nyc");
  CHECK(lb1["vantages"][1]["state"] == "down");
  CHECK(lb1["vantages"][1]["stale"] == true);
  CHECK(lb1["vantages"][1]["age_ms"].get<int64_t>() >= 10000);
  CHECK(lb1["vantages"][1]["reason"] == "connect: refused");
  const auto& other = health["members"][1];
  CHECK(other["state"] == "unknown");
  CHECK(other["stale"] == true);
  CHECK(other["rtt_us"] == nullptr);
  REQUIRE(health["vantages"].size() == 3);
  CHECK(health["vantages"][1] == nlohmann::json{{"name", "fra"},
                                                {"seen_at_ms", now},
                                                {"age_ms", health["vantages"][1]["age_ms"]},
                                                {"started_at_ms", now - 7'200'000},
                                                {"version", "0.2.0"}});
  auto spare = cli.json({"health", "--pool", "spare"})["members"][0];
  CHECK(spare["monitor"] == nullptr);
  CHECK(spare["state"] == "unknown");
  CHECK(spare["reason"] == "no monitor");

  // gslbd's quorum: with "any", one fresh down report is enough; stale ones never count.
  auto any = cli.json({"health", "--quorum", "any"});
  CHECK(any["quorum"] == "any");
  CHECK(any["members"][0]["state"] == "down");
  CHECK(any["members"][0]["reason"] == "HTTP 503 (expected 200)");
  CHECK(any["members"][2]["state"] == "up");
  CHECK(cli.run({"health", "--quorum", "most"}).status == 2);

  auto pool = cli.json({"pool", "show", "us-east"});
  CHECK(pool["members"][0]["health"].size() == 2);
  const std::string shown = cli.ok({"pool", "show", "us-east"});
  CHECK(shown.find("192.0.2.10  lb-1  1       enabled  fra      up") != std::string::npos);
}

TEST_CASE("gslbadm object commands and apply agree: export of their work rebuilds the store") {
  GslbCli cli;
  cli.add_example();
  cli.ok({"service", "add", "geo.gslb.example.com", "--policy", "geo", "--pool", "us-east",
          "--pool", "eu-central", "--geo", "continent:EU=eu-central", "--geo",
          "default=us-east,eu-central"});
  cli.ok({"override", "add", "203.0.113.0/24", "eu-central"});
  cli.ok({"pool", "drain", "eu-central"});
  const std::string file = (cli.dir / "exported.yaml").string();
  cli.ok({"export", "-o", file});

  GslbCli fresh;
  fresh.ok({"zone", "delete", "gslb.example.com"});  // the file brings the zone
  fresh.ok({"apply", "-f", file});
  CHECK(fresh.everything() == cli.everything());
}

TEST_CASE("gslbadm monitor flags set, show and clear every knob; service --when-unknown") {
  GslbCli cli;
  cli.add_example();
  CHECK(cli.ok({"monitor",
                "add",
                "secure",
                "--type",
                "https",
                "--port",
                "443",
                "--method",
                "head",
                "--no-tls-verify",
                "--ca-file",
                "/etc/gslb/ca.pem",
                "--follow-redirects",
                "on",
                "--load-header",
                "X-Load",
                "--jitter",
                "150ms",
                "--max-concurrent",
                "5"}) == "created monitor/secure\n");
  CHECK(cli.json({"monitor", "show", "secure"}) == nlohmann::json::parse(R"({
      "name": "secure", "type": "https", "port": 443, "method": "HEAD", "path": "/",
      "host": "", "expect_status": [200], "tls_verify": false, "ca_file": "/etc/gslb/ca.pem",
      "follow_redirects": true, "load_header": "X-Load", "interval": "1s", "timeout": "800ms",
      "jitter": "150ms", "rise": 2, "fall": 2, "max_concurrent": 5})"));
  CHECK(cli.ok({"monitor", "show", "secure"}) ==
        "monitor           secure\n"
        "type              https\n"
        "port              443\n"
        "method            HEAD\n"
        "path              /\n"
        "host              - (the member's address)\n"
        "expect_status     200\n"
        "expect_body       -\n"
        "follow_redirects  on\n"
        "tls_verify        off\n"
        "ca_file           /etc/gslb/ca.pem\n"
        "load_field        -\n"
        "load_header       X-Load\n"
        "interval          1s\n"
        "timeout           800ms\n"
        "jitter            150ms\n"
        "rise              2\n"
        "fall              2\n"
        "max_concurrent    5\n"
        "pools             -\n");
  CHECK(cli.ok({"monitor", "set", "secure", "--tls-verify", "on", "--ca-file", "", "--jitter", "",
                "--follow-redirects", "off", "--load-header", "", "--method", "GET",
                "--max-concurrent", "0"})
            .starts_with("changed monitor/secure: method: \"HEAD\" -> \"GET\", tls_verify: false "
                         "-> true, ca_file: \"/etc/gslb/ca.pem\" -> (none), "));
  const std::string shown = cli.ok({"monitor", "show", "secure"});
  CHECK(shown.find("tls_verify        on\nca_file           - (the system's CAs)\n") !=
        std::string::npos);
  CHECK(shown.find("jitter            100ms (a tenth of the interval)\n") != std::string::npos);
  CHECK(shown.find("max_concurrent    0 (no cap)\n") != std::string::npos);

  CHECK(cli.ok({"monitor", "add", "resolver", "--type", "dns", "--port", "53", "--query-name",
                "WWW.Example.com", "--query-type", "aaaa", "--expect-rcode", "nxdomain",
                "--expect-answer", "off"}) == "created monitor/resolver\n");
  auto resolver = cli.json({"monitor", "show", "resolver"});
  CHECK(resolver["query_name"] == "www.example.com.");
  CHECK(resolver["query_type"] == "AAAA");
  CHECK(resolver["expect_rcode"] == "NXDOMAIN");
  CHECK(resolver["expect_answer"] == false);
  CHECK(cli.ok({"monitor", "show", "resolver"}) ==
        "monitor         resolver\n"
        "type            dns\n"
        "port            53\n"
        "query_name      www.example.com.\n"
        "query_type      AAAA\n"
        "expect_rcode    NXDOMAIN\n"
        "expect_answer   off\n"
        "interval        1s\n"
        "timeout         800ms\n"
        "jitter          100ms (a tenth of the interval)\n"
        "rise            2\n"
        "fall            2\n"
        "max_concurrent  0 (no cap)\n"
        "pools           -\n");

  const std::string www = "www.gslb.example.com";
  CHECK(cli.ok({"service", "set", www, "--when-unknown", "down"}) ==
        "changed service/www.gslb.example.com.: when_unknown: \"up\" -> \"down\"\n");
  CHECK(cli.ok({"service", "show", www})
            .find("when_unknown    down (members nobody reports on are left out)\n") !=
        std::string::npos);
  CHECK(cli.json({"service", "show", www})["when_unknown"] == "down");
  CHECK(cli.ok({"service", "set", www, "--when-unknown", "up"}).starts_with("changed"));
  CHECK_FALSE(cli.json({"service", "show", www}).contains("when_unknown"));
}

TEST_CASE("gslbadm refuses monitor knobs where they do not apply; bad flag values exit 2") {
  GslbCli cli;
  cli.add_example();
  cli.ok({"monitor", "add", "tcp", "--type", "tcp", "--port", "443"});
  const std::string before = cli.everything();
  const Step refused[] = {
      {{"monitor", "set", "web", "--query-name", "a.example"},
       1,
       "",
       "error: monitor/web query_name: applies to dns monitors only (type is http)\n"},
      {{"monitor", "set", "web", "--no-tls-verify"},
       1,
       "",
       "monitor/web tls_verify: applies to https monitors only (type is http)"},
      {{"monitor", "set", "tcp", "--path", "/x"},
       1,
       "",
       "monitor/tcp path: applies to http and https monitors only (type is tcp)"},
      {{"monitor", "set", "web", "--method", "POST"},
       1,
       "",
       "monitor/web method: must be GET or HEAD (not \"POST\")"},
      {{"monitor", "set", "web", "--load-field", "load", "--load-header", "X-Load"},
       1,
       "",
       "monitor/web load_header: give load_field or load_header, not both"},
      {{"monitor", "set", "web", "--jitter", "500ms"},
       1,
       "",
       "monitor/web jitter: must be shorter than half the interval of 1s"},
      {{"monitor", "add", "dns", "--type", "dns", "--port", "53"},
       1,
       "",
       "monitor/dns query_name: a dns monitor needs the name to query"},
      {{"monitor", "add", "dns", "--type", "dns", "--port", "53", "--query-name", "a.example",
        "--query-type", "BOGUS", "--expect-rcode", "FINE"},
       1,
       "",
       "error: monitor/dns query_type: \"BOGUS\" is not a record type such as A, AAAA, TXT or "
       "SOA\nerror: monitor/dns expect_rcode: not a DNS response code"},
  };
  for (const Step& s : refused) {
    const std::string command = testsupport::join_args(s.args);
    CAPTURE(command);
    auto result = cli.run(s.args);
    CAPTURE(result.err);
    CHECK(result.status == s.status);
    CHECK(result.err.find(s.err_part) != std::string::npos);
  }
  const Step usage[] = {
      {{"monitor", "set", "web", "--tls-verify", "maybe"}, 2, "", "--tls-verify"},
      {{"monitor", "set", "web", "--tls-verify", "off", "--no-tls-verify"},
       2,
       "",
       "--no-tls-verify"},
      {{"monitor", "set", "web", "--follow-redirects", "yes"}, 2, "", "--follow-redirects"},
      {{"monitor", "set", "web", "--expect-answer", "true"}, 2, "", "--expect-answer"},
      {{"monitor", "set", "web", "--jitter", "soon"}, 2, "", "--jitter"},
      {{"monitor", "set", "web", "--max-concurrent", "-1"}, 2, "", "--max-concurrent"},
      {{"service", "set", "www.gslb.example.com", "--when-unknown", "unknown"},
       2,
       "",
       "--when-unknown"},
      {{"monitor", "test", "web", "--target", "lb-1.example.com"},
       2,
       "",
       "--target: not an IPv4 or IPv6 address: \"lb-1.example.com\""},
      {{"monitor", "test", "web"}, 2, "", "--target"},
      {{"monitor", "test", "web", "--target", "192.0.2.10", "--port", "0"}, 2, "", "--port"},
  };
  for (const Step& s : usage) {
    const std::string command = testsupport::join_args(s.args);
    CAPTURE(command);
    auto result = cli.run(s.args);
    CAPTURE(result.err);
    CHECK(result.status == s.status);
    CHECK(result.err.find(s.err_part) != std::string::npos);
  }
  CHECK(cli.everything() == before);
}

TEST_CASE("gslbadm monitor test probes an address now: nothing listening is down, exit 1") {
  GslbCli cli;
  cli.add_example();
  cli.ok({"monitor", "add", "tcp", "--type", "tcp", "--port", "443", "--timeout", "500ms"});
  const std::string port = std::to_string(closed_port());

  auto result = cli.run({"monitor", "test", "tcp", "--target", "127.0.0.1", "--port", port});
  CAPTURE(result.out);
  CAPTURE(result.err);
  CHECK(result.status == 1);
  CHECK(result.err == "");
  const std::vector<std::string> lines = split_lines(result.out);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "monitor  tcp (tcp, port " + port + ")");
  CHECK(lines[1] == "target   127.0.0.1");
  CHECK(lines[2] == "state    down");
  CHECK(lines[3] == "rtt      -");
  CHECK(lines[4] == "load     -");
  CHECK(lines[5].starts_with("reason   "));
  CHECK(lines[5].size() > 9);

  result = cli.run({"--json", "monitor", "test", "tcp", "--target", "127.0.0.1", "--port", port});
  CHECK(result.status == 1);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["monitor"] == "tcp");
  CHECK(json["type"] == "tcp");
  CHECK(json["target"] == "127.0.0.1");
  CHECK(json["port"] == std::stoi(port));
  CHECK(json["up"] == false);
  CHECK(json["state"] == "down");
  CHECK(json["rtt_ms"] == nullptr);
  CHECK(json["load"] == nullptr);
  CHECK(json["reason"].get<std::string>() != "");

  result = cli.run({"monitor", "test", "nope", "--target", "127.0.0.1"});
  CHECK(result.status == 1);
  CHECK(result.err == "error: monitor/nope: not found\n");
}
