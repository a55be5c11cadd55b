// The admin status page end to end: a real gslbd with regions, pools, services, health rows,
// two --status-vantage clients and a running drill. Over HTTP (libcurl): the login flow, the
// cookie's attributes, and that the cookie opens the page but never the /v1 routes. In a
// browser (headless Chromium driven by tests/status_page/check_status_page.py): the form,
// a wrong token, the page's map, answers, drill and audit, a screenshot, logging out.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/zone_file.h"
#include "zones/db.h"
#include "zones/gslb_store.h"

using namespace testsupport;
using nlohmann::json;

namespace {

// Four regions whose health differs: us-east and eu-central up, sa-east half down
// (degraded), ap-northeast down. 203.0.113.0/24 (the frankfurt vantage) is sent to eu-central
// by geo's map; everyone else to us-east.
const char* kConfig = R"(regions:
  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: US}
  - {name: eu-central, lat: 50.1, lon: 8.7, continent: EU, country: DE}
  - {name: ap-northeast, lat: 35.7, lon: 139.7, continent: AS, country: JP}
  - {name: sa-east, lat: -23.5, lon: -46.6, continent: SA, country: BR}
monitors:
  - {name: web, type: http, port: 80}
pools:
  - {name: us-east, region: us-east, monitor: web, members: [{address: 10.1.0.1}]}
  - {name: eu-central, region: eu-central, monitor: web, members: [{address: 10.2.0.1}]}
  - {name: ap-northeast, region: ap-northeast, monitor: web, members: [{address: 10.3.0.1}]}
  - {name: sa-east, region: sa-east, monitor: web,
     members: [{address: 10.4.0.1}, {address: 10.4.0.2}]}
services:
  - name: fo.gslb.test
    policy: failover
    pools: [{pool: us-east, priority: 1}, {pool: eu-central, priority: 2}]
  - name: geo.gslb.test
    policy: geo
    pools: [{pool: us-east}, {pool: eu-central}, {pool: ap-northeast}, {pool: sa-east}]
    geo: [{match: "cidr:203.0.113.0/24", pools: [eu-central]}, {match: default, pools: [us-east]}]
)";

const char* kScript = GSLB_SOURCE_DIR "/tests/status_page/check_status_page.py";

void write_health(const std::filesystem::path& path) {
  auto db = zones::Db::open(path.string(), {zones::OpenMode::kExisting});
  REQUIRE_MESSAGE(db.has_value(), (db ? "" : db.error().text()));
  const int64_t fresh_until = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count() +
                              600'000;  // fresh for the whole test, whatever the interval
  std::vector<zones::HealthRow> rows;
  for (const auto& [pool, address, state] :
       {std::tuple{"us-east", "10.1.0.1", zones::HealthState::kUp},
        std::tuple{"eu-central", "10.2.0.1", zones::HealthState::kUp},
        std::tuple{"ap-northeast", "10.3.0.1", zones::HealthState::kDown},
        std::tuple{"sa-east", "10.4.0.1", zones::HealthState::kUp},
        std::tuple{"sa-east", "10.4.0.2", zones::HealthState::kDown}}) {
    zones::HealthRow row;
    row.pool = pool;
    row.address = address;
    row.vantage = "test";
    row.state = state;
    row.checked_at_ms = row.changed_at_ms = fresh_until;
    rows.push_back(row);
  }
  auto written = zones::GslbStore(*db).write_health(rows);
  REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().text()));
}

struct Fixture {
  std::unique_ptr<GslbdRunner> gslbd;
  std::string base;
  int64_t drill_id = 0;

  Fixture() {
    GslbdOptions o;
    o.admin_api = true;
    o.extra_args = {"--status-vantage", "frankfurt=203.0.113.10", "--status-vantage",
                    "new-york=198.51.100.10"};
    o.setup = [](const std::filesystem::path& db) {
      apply_gslb_test_config(db, kConfig);
      write_health(db);
    };
    gslbd = std::make_unique<GslbdRunner>(o);
    base = gslbd->admin_url();
    const HttpResponse r =
        http_bearer("POST", base + "/v1/drills", gslbd->write_token(),
                    R"({"target": "pool/ap-northeast", "action": "drain", "duration": "10m"})");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    drill_id = json::parse(r.body)["id"].get<int64_t>();
  }

  HttpResponse login(const std::string& token) const {
    return http_request("POST", base + "/login", "token=" + url_encode(token),
                        {"Content-Type: application/x-www-form-urlencoded"});
  }
  HttpResponse get_with_cookie(const std::string& path, const std::string& cookie) const {
    return http_request("GET", base + path, "", {"Cookie: " + cookie});
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// "gslb_session=ID; Path=/; ..." -> "gslb_session=ID".
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

}  // namespace

TEST_CASE("status page over HTTP: login form, session cookie, and the cookie opens / only") {
  Fixture f;
  HttpResponse r = http_request("GET", f.base + "/");
  CHECK(r.status == 200);
  CHECK(r.header("content-type").starts_with("text/html"));
  CHECK(has(r.body, "action=\"/login\""));
  CHECK(has(r.header("content-security-policy"), "default-src 'none'"));

  r = f.login("wrong-token-0123456789abcdef");
  CHECK(r.status == 401);
  CHECK(has(r.body, "That token is not valid."));
  CHECK(r.header("set-cookie").empty());

  r = f.login(f.gslbd->read_token());
  CHECK(r.status == 303);
  CHECK(r.header("location") == "/");
  const std::string set_cookie = r.header("set-cookie");
  CHECK(has(set_cookie, "HttpOnly"));
  CHECK(has(set_cookie, "SameSite=Strict"));
  CHECK_FALSE(has(set_cookie, "Secure"));
  CHECK_FALSE(has(set_cookie, f.gslbd->read_token()));
  const std::string cookie = cookie_pair(set_cookie);

  r = f.get_with_cookie("/", cookie);
  CHECK(r.status == 200);
  for (const char* part : {"data-region=\"us-east\" data-health=\"healthy\"",
                           "data-region=\"sa-east\" data-health=\"degraded\"",
                           "data-region=\"ap-northeast\" data-health=\"down\"", "from frankfurt",
                           "data-service=\"geo.gslb.test.\"", "drill.start", "<b>viewer</b>",
                           "<circle class=\"forced\"", ": drain pool/ap-northeast"}) {
    CAPTURE(part);
    CHECK(has(r.body, part));
  }

  // The cookie is no credential for the API: reads and writes both want the bearer token.
  r = f.get_with_cookie("/v1/regions", cookie);
  CHECK(r.status == 401);
  CHECK(r.header("www-authenticate").starts_with("Bearer"));
  r = http_request("POST", f.base + "/v1/drills",
                   R"({"target": "pool/us-east", "action": "fail", "duration": "10s"})",
                   {"Cookie: " + cookie, "Content-Type: application/json"});
  CHECK(r.status == 401);
  r = http_request("POST", f.base + "/v1/drills/" + std::to_string(f.drill_id) + "/abort", "",
                   {"Cookie: " + cookie});
  CHECK(r.status == 401);

  // A bearer token opens the page too; a bad one is a 401 as everywhere else.
  r = http_bearer("GET", f.base + "/", f.gslbd->write_token());
  CHECK(r.status == 200);
  CHECK(has(r.body, "<b>ops</b>"));
  r = http_bearer("GET", f.base + "/", "not-a-token-0123456789");
  CHECK(r.status == 401);
  CHECK(r.header("www-authenticate").starts_with("Bearer"));

  r = http_request("POST", f.base + "/logout", "", {"Cookie: " + cookie});
  CHECK(r.status == 303);
  CHECK(has(r.header("set-cookie"), "Max-Age=0"));
  r = f.get_with_cookie("/", cookie);
  CHECK(has(r.body, "action=\"/login\""));
  CHECK_FALSE(has(r.body, "<svg"));
}

TEST_CASE("status page in headless Chromium: login, map, answers, drill, audit, screenshot") {
  const bool browser = std::filesystem::exists("/usr/bin/chromium") &&
                       (std::filesystem::exists("/usr/bin/chromedriver") ||
                        std::filesystem::exists("/usr/lib/chromium/chromedriver"));
  REQUIRE_MESSAGE(browser,
                  "headless Chromium is needed for this test: apt-get install chromium "
                  "chromium-driver python3-selenium");
  Fixture f;
  TempDir shots("gslb-status-shot");
  // What the page must show: regions with their health, the drilled region's ring, each
  // service's answer per vantage (frankfurt is in geo's 203.0.113.0/24 entry), the drill.
  const std::vector<std::pair<std::string, std::string>> options = {
      {"--url", f.base},
      {"--token", f.gslbd->read_token()},
      {"--region", "us-east=healthy"},
      {"--region", "eu-central=healthy"},
      {"--region", "ap-northeast=down"},
      {"--region", "sa-east=degraded"},
      {"--forced", "ap-northeast"},
      {"--service", "fo.gslb.test."},
      {"--service", "geo.gslb.test."},
      {"--vantage", "frankfurt"},
      {"--vantage", "new-york"},
      {"--answer", "geo.gslb.test.|frankfurt|10.2.0.1"},
      {"--answer", "geo.gslb.test.|new-york|10.1.0.1"},
      {"--answer", "fo.gslb.test.|frankfurt|10.1.0.1"},
      {"--drill-id", std::to_string(f.drill_id)},
      {"--drill-target", "pool/ap-northeast"},
      {"--screenshot-dir", shots.path().string()},
  };
  std::vector<std::string> argv{"/usr/bin/python3", kScript};
  for (const auto& [flag, value] : options) argv.insert(argv.end(), {flag, value});
  const RunResult r = run_program(argv, std::chrono::seconds(180));
  INFO("check_status_page.py output:\n" << r.out << r.err);
  CHECK(r.status == 0);
  CHECK(has(r.out, "PASS"));
  const auto png = shots.path() / "status_page.png";
  REQUIRE(std::filesystem::exists(png));
  CHECK(std::filesystem::file_size(png) > 20'000);
}

TEST_CASE("--status-vantage is checked at startup, naming the flag") {
  TempDir dir("gslb-status-flags");
  const std::string db = (dir.path() / "store.db").string();
  REQUIRE(run_program({GSLBADM_PATH, "--db", db, "init"}).status == 0);
  RunResult r = run_program(
      {GSLBD_PATH, "--db", db, "--listen", "127.0.0.1:0", "--status-vantage", "new-york"});
  CHECK(r.status == 2);
  CHECK(has(r.err + r.out, "--status-vantage"));
  CHECK(has(r.err + r.out, "expected NAME=ADDRESS"));
  r = run_program(
      {GSLBD_PATH, "--db", db, "--listen", "127.0.0.1:0", "--status-vantage", "x=not-an-ip"});
  CHECK(r.status == 2);
  CHECK(has(r.err + r.out, "ADDRESS must be an IPv4 or IPv6 address"));

  const auto tokens = dir.write("tokens", "ops write 0123456789abcdef0123\n");
  std::filesystem::permissions(
      tokens, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  r = run_program({GSLBD_PATH, "--db", db, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                   "--admin-tokens", tokens.string(), "--status-vantage", "a=192.0.2.1",
                   "--status-vantage", "a=192.0.2.2"});
  CHECK(r.status == 1);
  CHECK(has(r.err, "--status-vantage"));
  CHECK(has(r.err, "given twice"));
  CHECK_FALSE(has(r.err + r.out, "event=ready"));
}
