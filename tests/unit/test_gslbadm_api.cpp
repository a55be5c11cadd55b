// gslbadm --api run as a program against an in-process admin API (admin::api::ApiServer on
// 127.0.0.1:0) over a store of its own: the same command sequence through the API and with
// --db leaves both stores the same and prints the same; API errors, token files and an
// unreachable API give clear messages and exit codes; drills and the audit log in both modes;
// concurrent commands on one object all land.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "admin/api/api_server.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "zones/db.h"
#include "zones/drills.h"
#include "zones/migrate.h"

namespace {

using testsupport::RunResult;

std::string secret_file(const testsupport::TempDir& dir, const std::string& name,
                        const std::string& text, mode_t mode = 0600) {
  const auto path = dir.write(name, text);
  chmod(path.c_str(), mode);
  return path.string();
}

// Two stores: `api_db` behind an ApiServer, `local_db` edited with --db.
struct ApiCli {
  testsupport::TempDir dir{"gslbadm-api"};
  std::string api_db = (dir / "api.db").string();
  std::string local_db = (dir / "local.db").string();
  std::string write_token = secret_file(dir, "write.token", "  s3cret-write-0123456789\n");
  std::string read_token = secret_file(dir, "read.token", "s3cret-read-0123456789");
  std::unique_ptr<admin::api::ApiServer> server;
  std::string url;

  ApiCli() {
    unsetenv("GSLB_DB");
    unsetenv("GSLB_API");
    unsetenv("GSLB_TOKEN_FILE");
    for (const std::string& db : {api_db, local_db}) {
      REQUIRE(db_run(db, {"init"}).status == 0);
      REQUIRE(db_run(db, {"zone", "add", "gslb.example.com", "--ns", "ns1.example.net"}).status ==
              0);
    }
    admin::api::ApiSettings settings;
    settings.listen = "127.0.0.1:0";
    settings.tokens_file = secret_file(
        dir, "tokens", "ops write s3cret-write-0123456789\nviewer read s3cret-read-0123456789\n");
    admin::api::ApiContext context;
    context.db_path = api_db;
    auto started = admin::api::ApiServer::start(settings, context, {});
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().text()));
    server = std::move(*started);
    url = "http://" + server->address();
  }
  ~ApiCli() { server->stop(); }

  RunResult db_run(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), {GSLBADM_PATH, "--db", db});
    return testsupport::run_program(args);
  }

  RunResult api_run(std::vector<std::string> args, const std::string& token = "") {
    args.insert(args.begin(),
                {GSLBADM_PATH, "--api", url, "--token-file", token.empty() ? write_token : token});
    return testsupport::run_program(args);
  }

  // Runs `args` with --db on the local store and through the API; both must give the same
  // exit code and output. Returns the API's run.
  RunResult both(const std::vector<std::string>& args) {
    const std::string command = testsupport::join_args(args);
    CAPTURE(command);
    const RunResult local = db_run(local_db, args);
    const RunResult api = api_run(args);
    CAPTURE(local.err);
    CAPTURE(api.err);
    CHECK(api.status == local.status);
    CHECK(api.out == local.out);
    return api;
  }

  std::string exported(const std::string& db) {
    auto result = db_run(db, {"export"});
    REQUIRE(result.status == 0);
    return result.out;
  }

  // The API's store as JSON: the object named `name` in the list `list`.
  nlohmann::json stored(const std::string& list, const std::string& name) {
    auto result = db_run(api_db, {"export", "--format", "json"});
    REQUIRE(result.status == 0);
    for (const nlohmann::json& item :
         nlohmann::json::parse(result.out).value(list, nlohmann::json::array())) {
      if (item.value("name", "") == name) return item;
    }
    return nullptr;
  }

  // Runs each command through the API at the same time, one thread each; all must succeed.
  void concurrently(const std::vector<std::vector<std::string>>& commands) {
    std::vector<RunResult> results(commands.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < commands.size(); ++i)
      threads.emplace_back([&, i] { results[i] = api_run(commands[i]); });
    for (std::thread& t : threads) t.join();
    for (size_t i = 0; i < commands.size(); ++i) {
      CAPTURE(testsupport::join_args(commands[i]));
      CAPTURE(results[i].err);
      CHECK(results[i].status == 0);
    }
  }
};

const std::vector<std::vector<std::string>> kSequence = {
    {"region", "add", "us-east", "--lat", "40.7", "--lon", "-74", "--continent", "NA"},
    {"region", "add", "eu-central", "--lat", "50.1", "--lon", "8.7", "--continent", "EU"},
    {"region", "add", "ap-south", "--lat", "19.1", "--lon", "72.9"},
    {"region", "set", "us-east", "--country", "US"},
    {"monitor", "add", "web", "--type", "http", "--port", "80", "--path", "/healthz"},
    {"pool", "add", "us-east", "--region", "us-east", "--monitor", "web"},
    {"pool", "add", "eu-central", "--region", "eu-central", "--monitor", "web"},
    {"member", "add", "us-east", "192.0.2.10", "--name", "lb-1"},
    {"member", "add", "us-east", "192.0.2.11", "--weight", "2"},
    {"member", "add", "eu-central", "2001:DB8::10"},
    {"member", "set", "us-east", "192.0.2.11", "--weight", "3"},
    {"member", "drain", "us-east", "192.0.2.10"},
    {"pool", "set", "us-east", "--min-healthy", "2"},
    {"pool", "disable", "eu-central"},
    {"pool", "enable", "eu-central"},
    {"service", "add", "www.gslb.example.com", "--policy", "failover", "--pool", "us-east:1"},
    {"service", "pool", "add", "www.gslb.example.com", "eu-central", "--priority", "2"},
    {"service", "set", "www.gslb.example.com", "--ttl", "20"},
    {"service", "add", "geo.gslb.example.com", "--policy", "geo", "--pool", "us-east", "--pool",
     "eu-central"},
    {"geomap", "add", "geo.gslb.example.com", "continent:EU", "eu-central,us-east"},
    {"geomap", "add", "geo.gslb.example.com", "default", "us-east"},
    {"override", "add", "203.0.113.0/24", "eu-central"},
    {"override", "add", "2001:db8:1::/48", "us-east", "--service", "geo.gslb.example.com"},
    {"override", "delete", "203.0.113.0/24"},
    {"region", "delete", "ap-south"},
    {"member", "delete", "us-east", "192.0.2.10"},
    {"region", "list"},
    {"pool", "list"},
    {"pool", "show", "us-east"},
    {"member", "list", "us-east"},
    {"service", "list"},
    {"service", "show", "geo.gslb.example.com"},
    {"geomap", "list", "geo.gslb.example.com"},
    {"override", "list"},
    {"monitor", "list"},
    {"--json", "pool", "show", "us-east"},
    {"--json", "service", "list"},
    {"--json", "member", "set", "us-east", "192.0.2.11", "--weight", "4"},
    {"health"},
    {"--json", "health", "--pool", "us-east"},
    // Refusals the command itself makes: the same message in both modes.
    {"pool", "show", "nope"},
    {"region", "add", "us-east", "--lat", "1", "--lon", "2"},
    {"member", "delete", "us-east", "192.0.2.99"},
};

// Zones and records, then the example config applied (its zone given by `file:`, which
// gslbadm inlines for the API), changed, pruned and exported.
struct Sequence {
  std::vector<std::vector<std::string>> ok, refused;
};

Sequence zone_and_config_sequence(const testsupport::TempDir& dir) {
  const std::string examples = std::string(GSLB_SOURCE_DIR) + "/docs/examples";
  dir.write("gslb.example.zone", testsupport::read_text_file(examples + "/gslb.example.zone"));
  const std::string sample =
      dir.write("gslb.yaml", testsupport::read_text_file(examples + "/gslb.yaml")).string();
  const std::string small = dir.write("small.yaml",
                                      "regions:\n  - {name: us-east, lat: 40.7, lon: -74.0}\n"
                                      "pools:\n  - {name: us-east, region: us-east, members: "
                                      "[{address: 192.0.2.10}]}\n")
                                .string();
  const std::string zone_file = dir.write("other.zone",
                                          "$ORIGIN other.example.\n$TTL 300\n"
                                          "@ IN SOA ns1 hostmaster 7 3600 600 604800 60\n"
                                          "@ IN NS ns1\nns1 IN A 192.0.2.53\n")
                                    .string();
  return {{
              {"zone", "add", "extra.example.com", "--ns", "ns1.example.net", "--ttl", "600"},
              {"--json", "zone", "add", "more.example.com", "--ns", "ns1.example.net"},
              {"zone", "list"},
              {"--json", "zone", "list"},
              {"zone", "show", "extra.example.com"},
              {"--json", "zone", "show", "EXTRA.example.com."},
              {"record", "add", "extra.example.com", "www", "A", "192.0.2.1"},
              {"record", "add", "extra.example.com", "www", "A", "192.0.2.2"},
              {"record", "add", "extra.example.com", "ftp", "AAAA", "2001:db8::1", "--ttl", "60"},
              {"--json", "record", "add", "extra.example.com", "@", "MX", "10", "mail"},
              {"record", "list", "extra.example.com"},
              {"record", "list", "extra.example.com", "--owner", "www", "--type", "A"},
              {"--json", "record", "list", "extra.example.com"},
              {"record", "delete", "extra.example.com", "www", "A", "192.0.2.1"},
              {"--json", "record", "delete", "extra.example.com", "@", "MX"},
              {"zone", "import", zone_file},
              {"zone", "import", zone_file},  // replaces: serial bumped
              {"--json", "zone", "import", zone_file, "--origin", "other.example"},
              {"zone", "export", "extra.example.com"},
              {"--json", "zone", "export", "other.example"},
              {"zone", "delete", "More.Example.com"},
              {"--json", "zone", "delete", "other.example."},
              {"apply", "-f", sample, "--dry-run"},
              {"apply", "-f", sample},
              {"apply", "-f", sample},  // no changes
              {"--json", "apply", "-f", small, "--dry-run", "--prune"},
              {"apply", "-f", small},
              {"apply", "-f", small, "--prune"},
              {"export"},
              {"--json", "export"},
              {"export", "--format", "json"},
          },
          {
              // Refusals the commands make: the same exit code, nothing on stdout.
              {"zone", "show", "nope.example"},
              {"zone", "add", "extra.example.com", "--ns", "ns1.example.net"},
              {"record", "delete", "extra.example.com", "nothing", "A"},
              {"zone", "export", "nope.example"},
              {"apply", "-f", (dir / "missing.yaml").string()},
          }};
}

// The example configuration in a store, for drills: us-east first, eu-central second.
void add_drill_example(ApiCli& cli, bool api) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"region", "add", "us-east", "--lat", "40.7", "--lon", "-74"},
           {"region", "add", "eu-central", "--lat", "50.1", "--lon", "8.7"},
           {"pool", "add", "us-east", "--region", "us-east"},
           {"pool", "add", "eu-central", "--region", "eu-central"},
           {"member", "add", "us-east", "192.0.2.10"},
           {"member", "add", "eu-central", "192.0.2.20"},
           {"service", "add", "www.gslb.example.com", "--policy", "failover", "--pool", "us-east:1",
            "--pool", "eu-central:2"}}) {
    auto r = api ? cli.api_run(args) : cli.db_run(cli.local_db, args);
    REQUIRE(r.status == 0);
  }
}

// Runs a drill or audit command in the chosen mode; it must succeed.
std::string ok(ApiCli& cli, bool api, const std::vector<std::string>& args) {
  auto r = api ? cli.api_run(args) : cli.db_run(cli.local_db, args);
  const std::string command = testsupport::join_args(args);
  CAPTURE(command);
  CAPTURE(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

}  // namespace

TEST_CASE("gslbadm --api: the same commands leave the store as --db does, with the same output") {
  ApiCli cli;
  for (const auto& args : kSequence) cli.both(args);
  CHECK(cli.exported(cli.api_db) == cli.exported(cli.local_db));
}

TEST_CASE("gslbadm --api: concurrent commands on one object all land") {
  ApiCli cli;
  REQUIRE(cli.api_run({"region", "add", "us-east", "--lat", "40.7", "--lon", "-74"}).status == 0);
  REQUIRE(cli.api_run({"pool", "add", "us-east", "--region", "us-east"}).status == 0);
  REQUIRE(cli.api_run({"member", "add", "us-east", "192.0.2.1", "--weight", "2"}).status == 0);
  REQUIRE(cli.api_run({"member", "add", "us-east", "192.0.2.2"}).status == 0);

  std::vector<std::vector<std::string>> adds;
  for (int i = 10; i < 18; ++i)
    adds.push_back({"member", "add", "us-east", "192.0.2." + std::to_string(i)});
  adds.push_back({"member", "set", "us-east", "192.0.2.1", "--weight", "5"});
  adds.push_back({"pool", "set", "us-east", "--min-healthy", "2"});
  cli.concurrently(adds);
  const nlohmann::json pool = cli.stored("pools", "us-east");
  CAPTURE(pool.dump());
  std::set<std::string> addresses;
  for (const nlohmann::json& m : pool.value("members", nlohmann::json::array())) {
    addresses.insert(m.value("address", ""));
    if (m.value("address", "") == "192.0.2.1") CHECK(m.value("weight", 0) == 5);
  }
  CHECK(addresses.size() == 10);
  for (int i = 10; i < 18; ++i) CHECK(addresses.contains("192.0.2." + std::to_string(i)));
  CHECK(pool.value("min_healthy", 0) == 2);

  cli.concurrently({{"region", "set", "us-east", "--lat", "41.5"},
                    {"region", "set", "us-east", "--country", "US"},
                    {"region", "set", "us-east", "--continent", "NA"}});
  const nlohmann::json region = cli.stored("regions", "us-east");
  CAPTURE(region.dump());
  CHECK(region.value("lat", 0.0) == doctest::Approx(41.5));
  CHECK(region.value("lon", 0.0) == doctest::Approx(-74));
  CHECK(region.value("country", "") == "US");
  CHECK(region.value("continent", "") == "NA");
}

TEST_CASE("gslbadm --api: zones, records, apply and export print and store as --db does") {
  ApiCli cli;
  const Sequence sequence = zone_and_config_sequence(cli.dir);
  for (const auto& args : sequence.ok) {
    const RunResult r = cli.both(args);
    CAPTURE(testsupport::join_args(args));
    CAPTURE(r.err);
    CHECK(r.status == 0);
  }
  for (const auto& args : sequence.refused) CHECK(cli.both(args).status == 1);
  CHECK(cli.exported(cli.api_db) == cli.exported(cli.local_db));
  auto written = cli.api_run({"export", "-o", (cli.dir / "out.json").string()});
  CHECK(written.status == 0);
  CHECK(testsupport::read_text_file(cli.dir / "out.json") ==
        cli.db_run(cli.local_db, {"export", "--format", "json"}).out);
}

TEST_CASE("gslbadm --api apply reads the config from stdin") {
  ApiCli cli;
  const auto config = cli.dir.write("stdin.yaml", "regions:\n  - {name: r1, lat: 1, lon: 2}\n");
  const std::string command =
      testsupport::join_args(
          {GSLBADM_PATH, "--api", cli.url, "--token-file", cli.write_token, "apply", "-f", "-"}) +
      " < " + testsupport::join_args({config.string()});
  auto r = testsupport::run_program({"/bin/sh", "-c", command});
  CAPTURE(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "+ create region/r1\n1 to create, 0 to change, 0 to delete\napplied\n");
}

TEST_CASE("gslbadm --api: explain answers through gslbd as --db does") {
  ApiCli cli;
  add_drill_example(cli, false);
  add_drill_example(cli, true);
  auto result = cli.both({"explain", "www.gslb.example.com", "--client", "192.0.2.1"});
  CHECK(result.status == 0);
  CHECK(result.out.find("service www.gslb.example.com. policy failover") != std::string::npos);
  cli.both({"--json", "explain", "www.gslb.example.com", "--client", "192.0.2.1"});
}

TEST_CASE("gslbadm --api: refusals, tokens and an unreachable API give clear errors") {
  ApiCli cli;
  cli.api_run({"region", "add", "us-east", "--lat", "40.7", "--lon", "-74"});
  cli.api_run({"pool", "add", "us-east", "--region", "us-east"});
  const std::string before = cli.exported(cli.api_db);

  SUBCASE("the store's refusal, with the field to blame") {
    // A member goes through the member routes: the field is the member's own.
    auto r = cli.api_run({"member", "add", "us-east", "300.1.1.1"});
    CAPTURE(r.err);
    CHECK(r.status == 1);
    CHECK(r.err.starts_with("gslbadm: "));
    CHECK(r.err.find("(field: address)") != std::string::npos);
  }
  SUBCASE("a read token may not write") {
    auto r = cli.api_run({"region", "add", "x", "--lat", "1", "--lon", "2"}, cli.read_token);
    CHECK(r.status == 1);
    CHECK(r.err.find("HTTP 403") != std::string::npos);
    CHECK(cli.api_run({"region", "list"}, cli.read_token).status == 0);
  }
  SUBCASE("an unknown token") {
    auto r = cli.api_run({"region", "list"}, secret_file(cli.dir, "bad.token", "wrong"));
    CHECK(r.status == 1);
    CHECK(r.err.find("HTTP 401") != std::string::npos);
  }
  SUBCASE("a token file others can read is refused before any request") {
    auto r = cli.api_run({"region", "list"},
                         secret_file(cli.dir, "loose", "s3cret-write-0123456789", 0644));
    CHECK(r.status == 1);
    CHECK(r.err.find("accessible by group or others (mode 0644)") != std::string::npos);
  }
  SUBCASE("an unreachable API") {
    cli.url = "http://127.0.0.1:1";
    auto r = cli.api_run({"region", "list"});
    CHECK(r.status == 1);
    CHECK(r.err.find("gslbadm: cannot reach the admin API at http://127.0.0.1:1: ") !=
          std::string::npos);
  }
  SUBCASE("init says it needs --db: it creates the store file") {
    auto r = cli.api_run({"init"});
    CHECK(r.status == 1);
    CHECK(r.err.find("init needs --db") != std::string::npos);
  }
  SUBCASE("a refused apply names the file's line and changes nothing") {
    const auto config = cli.dir.write("bad.yaml", "pools:\n  - name: p\n    region: nowhere\n");
    auto r = cli.api_run({"apply", "-f", config.string()});
    CHECK(r.status == 1);
    CAPTURE(r.err);
    CHECK(r.err.find("bad.yaml:3: pools[0].region: no region named \"nowhere\" (field: "
                     "pools[0].region)") != std::string::npos);
  }
  SUBCASE("a read token may export but not apply") {
    CHECK(cli.api_run({"export"}, cli.read_token).out == before);
    const auto config = cli.dir.write("c.yaml", "regions: []\n");
    auto r = cli.api_run({"apply", "-f", config.string()}, cli.read_token);
    CHECK(r.status == 1);
    CHECK(r.err.find("HTTP 403") != std::string::npos);
  }
  SUBCASE("--api with --db, neither, and --api without a token file are usage errors") {
    auto both = testsupport::run_program(
        {GSLBADM_PATH, "--api", cli.url, "--db", cli.api_db, "region", "list"});
    CHECK(both.status == 2);
    CHECK(both.err.find("--api and --db cannot be used together") != std::string::npos);
    auto neither = testsupport::run_program({GSLBADM_PATH, "region", "list"});
    CHECK(neither.status == 2);
    CHECK(neither.err.find("no store given") != std::string::npos);
    auto no_token = testsupport::run_program({GSLBADM_PATH, "--api", cli.url, "region", "list"});
    CHECK(no_token.status == 2);
    CHECK(no_token.err.find("--token-file") != std::string::npos);
  }
  CHECK(cli.exported(cli.api_db) == before);
}

namespace {

// Start (dry run, refused, real), list, show, abort, in one mode.
void drill_cycle(bool api) {
  ApiCli cli;
  add_drill_example(cli, api);
  const std::string actor = api ? "ops" : "local:";

  const std::string dry = ok(cli, api,
                             {"drill", "start", "--target", "pool/us-east", "--action", "fail",
                              "--duration", "10m", "--dry-run"});
  CHECK(dry.find("dry run: fail pool/us-east for 10m") != std::string::npos);
  CHECK(dry.find("192.0.2.10") != std::string::npos);
  CHECK(dry.find("192.0.2.20") != std::string::npos);

  const std::string started = ok(cli, api,
                                 {"drill", "start", "--target", "pool/us-east", "--action", "fail",
                                  "--duration", "10m", "--note", "game day"});
  CHECK(started.starts_with("started drill 1: fail pool/us-east for 10m, until "));

  // The second pool too would leave the service with nothing: refused, named.
  auto refused = api ? cli.api_run({"drill", "start", "--target", "pool/eu-central", "--action",
                                    "fail", "--duration", "10m"})
                     : cli.db_run(cli.local_db, {"drill", "start", "--target", "pool/eu-central",
                                                 "--action", "fail", "--duration", "10m"});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("would have no usable pool") != std::string::npos);

  const std::string list = ok(cli, api, {"drill", "list"});
  CHECK(list.find("1   pool/us-east  fail    running") != std::string::npos);
  CHECK(list.find(actor) != std::string::npos);
  CHECK(list.find("game day") != std::string::npos);

  const std::string show = ok(cli, api, {"drill", "show", "1"});
  CHECK(show.find("state     running") != std::string::npos);
  CHECK(show.find("report: none yet") != std::string::npos);
  const auto shown = nlohmann::json::parse(ok(cli, api, {"--json", "drill", "show", "1"}));
  CHECK(shown["running"] == true);
  CHECK(shown["target"] == "pool/us-east");

  CHECK(ok(cli, api, {"drill", "abort", "1"}) == "aborted drill 1 (fail pool/us-east)\n");
  CHECK(ok(cli, api, {"drill", "list"}).find("aborted") != std::string::npos);
  auto again = api ? cli.api_run({"drill", "abort", "1"})
                   : cli.db_run(cli.local_db, {"drill", "abort", "1"});
  CHECK(again.status == 1);
  auto missing = api ? cli.api_run({"drill", "show", "99"})
                     : cli.db_run(cli.local_db, {"drill", "show", "99"});
  CHECK(missing.status == 1);

  const auto audit = nlohmann::json::parse(ok(cli, api, {"--json", "audit", "--limit", "2"}));
  REQUIRE(audit.size() == 2);
  CHECK(audit[0]["action"] == "drill.abort");
  CHECK(audit[1]["action"] == "drill.start");
  CHECK(audit[0]["actor"].get<std::string>().starts_with(actor));
}

}  // namespace

TEST_CASE("gslbadm drill start, list, show and abort with --db (actor local:USER)") {
  drill_cycle(false);
}

TEST_CASE("gslbadm --api drill start, list, show and abort (actor: the token's name)") {
  drill_cycle(true);
}

TEST_CASE("gslbadm drill show prints the report gslbd wrote") {
  ApiCli cli;
  add_drill_example(cli, true);
  ok(cli, true,
     {"drill", "start", "--target", "pool/us-east", "--action", "fail", "--duration", "10m"});
  const nlohmann::json report = {
      {"window",
       {{"from_ms", 1'700'000'000'000},
        {"to_ms", 1'700'000'600'000},
        {"live_at_ms", 1'700'000'000'000}}},
      {"before",
       {{"from_ms", 1'699'999'400'000}, {"to_ms", 1'700'000'000'000}, {"covered_ms", 600'000}}},
      {"services",
       {{{"service", "www.gslb.example.com."},
         {"pools",
          {{{"pool", "us-east"}, {"during", 0}, {"before", 120}, {"target", true}},
           {{"pool", "eu-central"}, {"during", 118}, {"before", 0}, {"target", false}}}}}}},
      {"first_moved_answer_ms", 850},
      {"answers_at_target", 0},
      {"verdict", "pass"},
      {"reason", "every answer moved off the target"}};
  {
    auto db = zones::Db::open(cli.api_db, {});
    REQUIRE(db.has_value());
    zones::DrillStore drills(*db);
    REQUIRE(drills.set_report(1, report.dump()).has_value());
  }
  const std::string show = ok(cli, true, {"drill", "show", "1"});
  CAPTURE(show);
  CHECK(show.find("verdict: pass: every answer moved off the target\n") != std::string::npos);
  CHECK(show.find("first moved answer: 850ms after the start\n") != std::string::npos);
  CHECK(show.find("answers still at target: 0\n") != std::string::npos);
  CHECK(show.find("service www.gslb.example.com.\n") != std::string::npos);
  CHECK(show.find("us-east     120     0       -120  <- drill target\n") != std::string::npos);
  CHECK(show.find("eu-central  0       118     +118\n") != std::string::npos);
}

namespace {

void audit_listing(bool api) {
  ApiCli cli;
  ok(cli, api, {"region", "add", "us-east", "--lat", "40.7", "--lon", "-74"});
  ok(cli, api, {"region", "set", "us-east", "--country", "US"});
  const std::string table = ok(cli, api, {"audit", "--limit", "2"});
  CAPTURE(table);
  CHECK(table.starts_with("ID  WHEN"));
  CHECK(table.find(api ? "  ops  " : "  local:") != std::string::npos);
  CHECK(table.find("region.change  region/us-east") != std::string::npos);
  CHECK(table.find("region.create  region/us-east") != std::string::npos);
  const std::string diff = ok(cli, api, {"audit", "--limit", "1", "--diff"});
  CAPTURE(diff);
  CHECK(diff.find("region.change region/us-east\n") != std::string::npos);
  CHECK(diff.find("  before: {") != std::string::npos);
  CHECK(diff.find("\"country\":\"US\"") != std::string::npos);
  const auto entries = nlohmann::json::parse(ok(cli, api, {"--json", "audit"}));
  CHECK(entries.size() == 3);  // the zone's creation, the region's, its change
}

}  // namespace

TEST_CASE("gslbadm audit lists who changed what, with --diff the object before and after") {
  audit_listing(false);
}

TEST_CASE("gslbadm --api audit lists who changed what, as the same table") {
  audit_listing(true);
}
