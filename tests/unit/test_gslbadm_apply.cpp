// gslbadm apply and export run as a program: the plan output, dry runs and refused files
// writing nothing, merge vs --prune, and export -> apply -> export giving the same text.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace {

const std::string kExamples = std::string(GSLB_SOURCE_DIR) + "/docs/examples";
const std::string kSample = kExamples + "/gslb.yaml";

struct Cli {
  testsupport::TempDir dir{"gslbadm-apply"};
  std::string db = (dir / "store.db").string();

  explicit Cli(bool init = true) {
    unsetenv("GSLB_DB");
    if (init) REQUIRE(run({"init"}).status == 0);
  }

  testsupport::RunResult run(std::vector<std::string> args, const std::string& store = "") {
    std::vector<std::string> argv = {GSLBADM_PATH, "--db", store.empty() ? db : store};
    argv.insert(argv.end(), args.begin(), args.end());
    return testsupport::run_program(argv);
  }

  // Runs and requires exit 0; returns stdout.
  std::string ok(std::vector<std::string> args, const std::string& store = "") {
    auto result = run(args, store);
    CAPTURE(testsupport::join_args(args));
    CAPTURE(result.err);
    REQUIRE(result.status == 0);
    return result.out;
  }

  std::string exported(const std::string& store = "") { return ok({"export"}, store); }

  // A copy of the sample config (and the zone file it names) with `edit` applied.
  std::string sample_copy(const std::string& name,
                          const std::vector<std::pair<std::string, std::string>>& edits) {
    std::string text = testsupport::read_text_file(kSample);
    for (const auto& [from, to] : edits) {
      const size_t at = text.find(from);
      REQUIRE_MESSAGE(at != std::string::npos, from);
      text.replace(at, from.size(), to);
    }
    dir.write("gslb.example.zone", testsupport::read_text_file(kExamples + "/gslb.example.zone"));
    return dir.write(name, text).string();
  }
};

size_t count_lines(const std::string& text, const std::string& prefix) {
  size_t n = 0;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, prefix.size(), prefix) == 0) ++n;
    at = end + 1;
  }
  return n;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The sample: 1 zone, 1 monitor, 3 regions, 3 pools of 2 members, 4 services.
constexpr size_t kSampleObjects = 1 + 1 + 3 + 3 + 6 + 4;

}  // namespace

TEST_CASE("gslbadm apply: the sample config plans, dry-runs without writing, then applies") {
  Cli cli;
  const std::string empty = cli.exported();
  CHECK(empty == "monitors: []\nregions: []\npools: []\nservices: []\n");

  const std::string dry = cli.ok({"apply", "-f", kSample, "--dry-run"});
  CAPTURE(dry);
  CHECK(contains(dry, "+ create zone/gslb.example.\n"));
  CHECK(contains(dry, "+ create monitor/web\n"));
  CHECK(contains(dry, "+ create region/ap-northeast\n"));
  CHECK(contains(dry, "+ create pool/eu-central\n"));
  CHECK(contains(dry, "+ create member/us-east/2001:db8:0:1::10\n"));
  CHECK(contains(dry, "+ create service/shop.gslb.example.\n"));
  CHECK(count_lines(dry, "+ create ") == kSampleObjects);
  CHECK(dry.ends_with(std::to_string(kSampleObjects) +
                      " to create, 0 to change, 0 to delete\ndry run: nothing written\n"));
  CHECK(cli.exported() == empty);
  CHECK_FALSE(contains(cli.ok({"zone", "list"}), "gslb.example."));

  const std::string applied = cli.ok({"apply", "-f", kSample});
  CHECK(applied ==
        dry.substr(0, dry.size() - std::string("dry run: nothing written\n").size()) + "applied\n");
  CHECK(cli.ok({"apply", "-f", kSample}) == "no changes\n");
  CHECK(cli.ok({"apply", "-f", kSample, "--prune"}) == "no changes\n");

  const std::string exported = cli.exported();
  CHECK(
      contains(exported, "  - name: gslb.example.\n    content: |\n      $ORIGIN gslb.example.\n"));
  CHECK(contains(exported, "  - name: shop.gslb.example.\n    policy: geo\n"));
  CHECK(contains(exported, "      - {match: \"cidr:203.0.113.0/24\", pools: [ap-northeast]}\n"));
}

TEST_CASE("gslbadm apply: changes, merge without --prune, deletes with it") {
  Cli cli;
  cli.ok({"apply", "-f", kSample});

  SUBCASE("a changed field is one ~ line with the difference") {
    const std::string file = cli.sample_copy(
        "ttl.yaml", {{"policy: failover\n    ttl: 20", "policy: failover\n    ttl: 25"}});
    const std::string plan = cli.ok({"apply", "-f", file});
    CHECK(plan ==
          "~ change service/login.gslb.example. (ttl: 20 -> 25)\n"
          "0 to create, 1 to change, 0 to delete\napplied\n");
    CHECK(contains(cli.exported(),
                   "  - name: login.gslb.example.\n    policy: failover\n    ttl: 25\n"));
  }

  SUBCASE("without --prune, what the file does not name is kept; with it, deleted") {
    const std::string small = cli.dir
                                  .write("small.yaml",
                                         "regions:\n"
                                         "  - {name: sa-east, lat: -23.5, lon: -46.6, "
                                         "continent: SA, country: BR}\n")
                                  .string();
    CHECK(cli.ok({"apply", "-f", small}) ==
          "+ create region/sa-east\n1 to create, 0 to change, 0 to delete\napplied\n");
    CHECK(contains(cli.exported(), "name: shop.gslb.example."));

    // The sample without the shop service and the new region: --prune deletes both.
    const std::string text = testsupport::read_text_file(kSample);
    const std::string without_shop = cli.sample_copy(
        "no-shop.yaml", {{text.substr(text.find("  # By where the client is")), ""}});
    const std::string dry = cli.ok({"apply", "-f", without_shop, "--prune", "--dry-run"});
    CHECK(count_lines(dry, "- delete ") == 2);
    CHECK(contains(dry, "- delete service/shop.gslb.example.\n"));
    CHECK(contains(dry, "- delete region/sa-east\n"));
    CHECK(dry.ends_with("0 to create, 0 to change, 2 to delete\ndry run: nothing written\n"));
    CHECK(cli.ok({"apply", "-f", without_shop}) == "no changes\n");  // merge: nothing to do
    cli.ok({"apply", "-f", without_shop, "--prune"});
    const std::string after = cli.exported();
    CHECK_FALSE(contains(after, "shop.gslb.example."));
    CHECK_FALSE(contains(after, "sa-east"));
    CHECK(contains(after, "name: gslb.example."));  // zones are never pruned
  }
}

TEST_CASE("gslbadm apply: a refused file or plan writes nothing and shows every error") {
  Cli cli;
  cli.ok({"apply", "-f", kSample});
  const std::string before = cli.exported();

  // Syntax and type errors: every one, with its line and path.
  const std::string bad = cli.dir
                              .write("bad.yaml",
                                     "regions:\n"
                                     "  - {name: x, lat: north, lon: 1}\n"
                                     "services:\n"
                                     "  - name: app.gslb.example\n"
                                     "    pols: []\n"
                                     "    ttl: soon\n")
                              .string();
  auto refused = cli.run({"apply", "-f", bad});
  CHECK(refused.status == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err == "error: " + bad + ":2: regions[0].lat: expected a number, not a string\n" +
                           "error: " + bad +
                           ":5: services[0].pols: unknown key (known here: name, policy, ttl, "
                           "degraded_ttl, max_answers, when_all_down, when_unknown, fallback, "
                           "affinity, tolerance_ms, load_threshold, pools, geo, overrides)\n" +
                           "error: " + bad +
                           ":6: services[0].ttl: expected a TTL: seconds, or a duration in "
                           "whole seconds such as 30s or 5m (got \"soon\")\n");

  // Well-formed, but the store refuses it: a pool that does not exist, a region out of range.
  const std::string wrong = cli.dir
                                .write("wrong.yaml",
                                       "regions:\n"
                                       "  - {name: moon, lat: 91, lon: 0}\n"
                                       "services:\n"
                                       "  - name: app.gslb.example\n"
                                       "    pools: [{pool: nowhere}]\n")
                                .string();
  for (const char* flag : {"--dry-run", "--prune"}) {
    auto result = cli.run({"apply", "-f", wrong, flag});
    CAPTURE(result.err);
    CHECK(result.status == 1);
    CHECK(result.out.empty());
    // The store's problems, placed at their line in the file.
    CHECK(contains(result.err, "error: " + wrong + ":2: regions[0].lat: "));
    CHECK(contains(result.err, "error: " + wrong + ":5: services[0].pools[0].pool: "));
    CHECK(contains(result.err, "nowhere"));
    CHECK(count_lines(result.err, "error: ") == 2);
  }
  CHECK(cli.exported() == before);

  auto missing = cli.run({"apply", "-f", (cli.dir / "nope.yaml").string()});
  CHECK(missing.status == 1);
  CHECK(contains(missing.err, "nope.yaml: cannot read the config file"));
  CHECK(cli.run({"apply"}).status == 2);                                     // -f is required
  CHECK(cli.run({"apply", "-f", kSample, "--format", "toml"}).status == 2);  // usage
  CHECK(cli.run({"export", "--format", "xml"}).status == 2);

  Cli uninitialised(false);
  auto no_store = uninitialised.run({"apply", "-f", kSample});
  CHECK(no_store.status == 1);
  CHECK(contains(no_store.err, "gslbadm --db FILE init"));
}

TEST_CASE("gslbadm export -> apply on an empty store -> export gives the same text") {
  Cli cli;
  cli.ok({"apply", "-f", kSample});
  // State the sample does not show: admin states, names, overrides, every monitor knob,
  // a service's when_unknown.
  const std::string extra = cli.dir
                                .write("extra.yaml", R"(
monitors:
  - name: tcp-443
    type: tcp
    port: 443
    interval: 90s
    timeout: 1500ms
    jitter: 5s
    max_concurrent: 100
  - name: secure
    type: https
    port: 8443
    method: head
    tls_verify: false
    ca_file: /etc/gslb/ca.pem
    follow_redirects: true
    load_header: X-Load
  - name: resolver
    type: dns
    port: 53
    query_name: WWW.gslb.example
    query_type: aaaa
    expect_rcode: nxdomain
    expect_answer: false
pools:
  - name: eu-central
    region: eu-central
    monitor: tcp-443
    admin_state: drain
    min_healthy: 2
    members:
      - {address: 198.51.100.10, name: fra-1, weight: 3}
      - {address: "2001:DB8:0:2:0::10", name: fra-2, admin_state: fail}
services:
  - name: status.gslb.example
    when_unknown: down
    pools: [{pool: eu-central}]
overrides:
  - {network: 10.1.0.0/16, region: eu-central}
)")
                                .string();
  cli.ok({"apply", "-f", extra});
  const std::string first = cli.exported();
  CHECK(contains(first,
                 "{address: \"2001:db8:0:2::10\", name: fra-2, weight: 1, admin_state: fail}"));
  CHECK(contains(first, "overrides:\n  - {network: 10.1.0.0/16, region: eu-central}\n"));
  // The monitor knobs and when_unknown, normalised, where the docs put them.
  CHECK(contains(first, "    type: https\n    port: 8443\n    method: HEAD\n"));
  CHECK(contains(first,
                 "    tls_verify: false\n    ca_file: /etc/gslb/ca.pem\n"
                 "    follow_redirects: true\n"));
  CHECK(contains(first, "    fall: 2\n    load_header: X-Load\n"));
  CHECK(contains(first,
                 "    query_name: www.gslb.example.\n    query_type: AAAA\n"
                 "    expect_rcode: NXDOMAIN\n    expect_answer: false\n"));
  CHECK(contains(first,
                 "    timeout: 1500ms\n    jitter: 5s\n    rise: 2\n    fall: 2\n"
                 "    max_concurrent: 100\n"));
  CHECK(contains(first, "    when_all_down: fail-open\n    when_unknown: down\n"));

  for (const char* format : {"yaml", "json"}) {
    CAPTURE(format);
    const std::string file = (cli.dir / (std::string("export.") + format)).string();
    cli.ok({"export", "-o", file, "--format", format});
    const std::string text = testsupport::read_text_file(file);
    if (std::string(format) == "yaml") CHECK(text == first);
    if (std::string(format) == "json") CHECK(nlohmann::json::parse(text).contains("services"));

    const std::string fresh = (cli.dir / (std::string("fresh-") + format + ".db")).string();
    cli.ok({"init"}, fresh);
    const std::string plan = cli.ok({"apply", "-f", file}, fresh);
    CHECK(plan.ends_with("applied\n"));
    CHECK(count_lines(plan, "- ") == 0);
    CHECK(cli.exported(fresh) == first);
    CHECK(cli.ok({"apply", "-f", file, "--prune"}, fresh) == "no changes\n");
  }

  // JSON on stdout with --json; JSON by the -o file's name.
  auto as_json = nlohmann::json::parse(cli.ok({"--json", "export"}));
  CHECK(as_json["pools"].size() == 3);
  CHECK(as_json["zones"][0]["name"] == "gslb.example.");
  const std::string by_name = (cli.dir / "by-name.json").string();
  cli.ok({"export", "-o", by_name});
  CHECK(nlohmann::json::parse(testsupport::read_text_file(by_name)) == as_json);
}

TEST_CASE("gslbadm apply: --json prints the plan, -f - reads stdin") {
  Cli cli;
  auto plan = nlohmann::json::parse(cli.ok({"--json", "apply", "-f", kSample, "--dry-run"}));
  CHECK(plan["create"] == kSampleObjects);
  CHECK(plan["change"] == 0);
  CHECK(plan["delete"] == 0);
  CHECK(plan["dry_run"] == true);
  CHECK(plan["applied"] == false);
  REQUIRE(plan["changes"].size() == kSampleObjects);
  bool saw_region = false;
  for (const auto& c : plan["changes"]) {
    CHECK(c["action"] == "create");
    CHECK(c["before"].is_null());
    if (c["object"] == "region/us-east") {
      saw_region = true;
      CHECK(c["after"]["lat"] == doctest::Approx(40.7));
    }
  }
  CHECK(saw_region);

  const std::string yaml =
      cli.dir.write("in.yaml", "regions: [{name: r1, lat: 1, lon: 2}]\n").string();
  const std::string json =
      cli.dir.write("in.json", R"({"regions": [{"name": "r2", "lat": 3, "lon": 4}]})").string();
  auto via_stdin = [&](const std::string& file, const std::string& flags) {
    return testsupport::run_program({"/bin/sh", "-c",
                                     std::string("exec '") + GSLBADM_PATH + "' --db '" + cli.db +
                                         "' apply -f - " + flags + " < '" + file + "'"});
  };
  auto from_yaml = via_stdin(yaml, "");
  CHECK(from_yaml.status == 0);
  CHECK(from_yaml.out == "+ create region/r1\n1 to create, 0 to change, 0 to delete\napplied\n");
  auto from_json = via_stdin(json, "--format json");
  CHECK(from_json.status == 0);
  CHECK(contains(from_json.out, "+ create region/r2\n"));
  auto bad = via_stdin(yaml, "--format json");
  CHECK(bad.status == 1);
  CHECK(bad.err.starts_with("error: <stdin>:1: syntax error"));

  auto applied = nlohmann::json::parse(cli.ok({"--json", "apply", "-f", yaml}));
  CHECK(applied["changes"].empty());
  CHECK(applied["applied"] == false);
}
