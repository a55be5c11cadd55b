// gslbadm's GSLB object commands run as a program: regions, monitors, pools, members,
// services, geo maps, overrides and health; exit codes 0/1/2, --json shapes, refused writes
// that change nothing.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "zones/db.h"
#include "zones/gslb_store.h"
#include "zones/migrate.h"

namespace {

struct Cli {
  testsupport::TempDir dir{"gslbadm-gslb"};
  std::string db = (dir / "store.db").string();

  Cli() {
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

struct Step {
  std::vector<std::string> args;
  int status;
  const char* out_part;
  const char* err_part = "";
};

void run_steps(Cli& cli, const std::vector<Step>& steps) {
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
  Cli cli;
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
                {{"monitor", "show", "web"}, 0, "expect_status  200,204\n"},
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
  Cli cli;
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
  Cli cli;
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
  Cli cli;
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
  Cli cli;
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
  Cli cli;
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

TEST_CASE("gslbadm health lists member health per vantage with its age, marking stale rows") {
  Cli cli;
  cli.add_example();
  using namespace std::chrono;
  const int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
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
    std::vector<zones::HealthRow> rows = {
        row("us-east", "192.0.2.10", "fra", zones::HealthState::kUp, 500),
        row("us-east", "192.0.2.10", "nyc", zones::HealthState::kDown, 10000),
        row("eu-central", "2001:db8::10", "fra", zones::HealthState::kUp, 1200),
    };
    rows[0].rtt_us = 1250;
    rows[0].load = 0.25;
    rows[1].reason = "connect: refused";
    rows[2].rtt_us = 800;
    auto written = store.write_health(rows);
    REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().text()));
  }
  const std::string all = cli.ok({"health"});
  CAPTURE(all);
  CHECK(all.starts_with("POOL        MEMBER             VANTAGE  STATE  RTT     LOAD  CHECKED"));
  CHECK(all.find("\nus-east     lb-1 (192.0.2.10)  fra      up     1.25ms  0.25  ") !=
        std::string::npos);
  CHECK(all.find("\nus-east     lb-1 (192.0.2.10)  nyc      down   -       -     ") !=
        std::string::npos);
  CHECK(all.find("s ago (stale)  connect: refused\n") != std::string::npos);
  CHECK(all.find("\neu-central  2001:db8::10       fra      up     800us") != std::string::npos);

  auto rows = cli.json({"health", "--pool", "us-east"});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["vantage"] == "fra");
  CHECK(rows[0]["name"] == "lb-1");
  CHECK(rows[0]["stale"] == false);
  CHECK(rows[0]["rtt_us"] == 1250);
  CHECK(rows[0]["age_ms"].get<int64_t>() >= 500);
  CHECK(rows[1]["state"] == "down");
  CHECK(rows[1]["stale"] == true);
  CHECK(rows[1]["reason"] == "connect: refused");

  auto pool = cli.json({"pool", "show", "us-east"});
  CHECK(pool["members"][0]["health"].size() == 2);
  CHECK(pool["members"][1]["health"] == nlohmann::json::array());
  const std::string shown = cli.ok({"pool", "show", "us-east"});
  CHECK(shown.find("192.0.2.10  lb-1  1       enabled  nyc      down") != std::string::npos);
  CHECK(shown.find("192.0.2.11  -     2       enabled  -        unknown  -") != std::string::npos);
}

TEST_CASE("gslbadm object commands and apply agree: export of their work rebuilds the store") {
  Cli cli;
  cli.add_example();
  cli.ok({"service", "add", "geo.gslb.example.com", "--policy", "geo", "--pool", "us-east",
          "--pool", "eu-central", "--geo", "continent:EU=eu-central", "--geo",
          "default=us-east,eu-central"});
  cli.ok({"override", "add", "203.0.113.0/24", "eu-central"});
  cli.ok({"pool", "drain", "eu-central"});
  const std::string file = (cli.dir / "exported.yaml").string();
  cli.ok({"export", "-o", file});

  Cli fresh;
  fresh.ok({"zone", "delete", "gslb.example.com"});  // the file brings the zone
  fresh.ok({"apply", "-f", file});
  CHECK(fresh.everything() == cli.everything());
}
