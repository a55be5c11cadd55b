// The declarative config file (admin/config_file.h): YAML and JSON read alike, defaults,
// durations, zones from files or inline text, every error with its line and path, and
// emit_config's text reading back to the same objects.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admin/config_file.h"
#include "tests/support/temp_dir.h"
#include "zones/gslb_json.h"
#include "zones/zonefile.h"

namespace {

using admin::ConfigFile;
using admin::ConfigFormat;

ConfigFile parse_ok(const std::string& text, ConfigFormat format = ConfigFormat::kYaml,
                    const std::string& base_dir = "") {
  auto config = admin::parse_config(text, format, base_dir, "gslb.yaml");
  REQUIRE_MESSAGE(config.has_value(), (config ? "" : config.error().text()));
  return std::move(*config);
}

// The error lines of a config that must not parse.
std::vector<std::string> parse_errors(const std::string& text,
                                      ConfigFormat format = ConfigFormat::kYaml,
                                      const std::string& file = "gslb.yaml") {
  auto config = admin::parse_config(text, format, "", file);
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code == zones::ErrorCode::kInvalid);
  std::vector<std::string> lines;
  std::string all = config.error().text();
  for (size_t start = 0; start <= all.size();) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    lines.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  for (const std::string& l : lines) {
    if (l == line) return true;
  }
  return false;
}

constexpr const char* kZoneText =
    "$ORIGIN gslb.example.com.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 7 3600 600 604800 30\n"
    "@ IN NS ns1\nns1 IN A 192.0.2.53\n";

// The design notes' example, with a zone file next to it.
constexpr const char* kDesignYaml = R"(zones:                        # optional
  - name: gslb.example.com
    file: gslb.example.com.zone   # relative to this file
monitors:
  - name: web
    type: http                # http | https | tcp | dns
    port: 80
    path: /healthz
    host: www.example.com     # Host header / SNI
    expect_status: [200]
    expect_body: ok           # optional substring
    interval: 1s
    timeout: 800ms
    rise: 2
    fall: 2
    load_field: load          # optional: JSON field in the body, 0..1
regions:
  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: US}
  - {name: eu-central, lat: 50.1, lon: 8.7, continent: EU, country: DE}
pools:
  - name: us-east
    region: us-east
    monitor: web
    min_healthy: 1
    members:
      - {address: 192.0.2.10, weight: 1}
      - {address: "2001:db8::10"}        # weight defaults to 1
services:
  - name: www.gslb.example.com       # an owner inside a zone we serve
    policy: proximity                 # failover | weighted | geo | proximity | latency | all
    ttl: 30
    degraded_ttl: 10
    max_answers: 1
    when_all_down: fail-open          # fail-open | nodata | fallback
    fallback: [198.51.100.1]          # only with when_all_down: fallback
    affinity: none                    # weighted: none | subnet
    tolerance_ms: 20                  # latency policy
    pools:
      - {pool: us-east, priority: 1, weight: 1, bias: 0}
      - {pool: eu-central, priority: 2}
    geo:                              # geo policy: first most-specific match wins
      - {match: "cidr:203.0.113.0/24", pools: [eu-central]}
      - {match: "country:JP", pools: [us-east]}
      - {match: "continent:EU", pools: [eu-central, us-east]}
      - {match: default, pools: [us-east, eu-central]}
)";

// The same document in JSON, with the zone inline.
nlohmann::json design_json() {
  return nlohmann::json::parse(R"({
  "zones": [{"name": "gslb.example.com", "content": ""}],
  "monitors": [{"name": "web", "type": "http", "port": 80, "path": "/healthz",
                "host": "www.example.com", "expect_status": [200], "expect_body": "ok",
                "interval": "1s", "timeout": "800ms", "rise": 2, "fall": 2,
                "load_field": "load"}],
  "regions": [
    {"name": "us-east", "lat": 40.7, "lon": -74.0, "continent": "NA", "country": "US"},
    {"name": "eu-central", "lat": 50.1, "lon": 8.7, "continent": "EU", "country": "DE"}],
  "pools": [{"name": "us-east", "region": "us-east", "monitor": "web", "min_healthy": 1,
             "members": [{"address": "192.0.2.10", "weight": 1}, {"address": "2001:db8::10"}]}],
  "services": [{"name": "www.gslb.example.com", "policy": "proximity", "ttl": 30,
                "degraded_ttl": 10, "max_answers": 1, "when_all_down": "fail-open",
                "fallback": ["198.51.100.1"], "affinity": "none", "tolerance_ms": 20,
                "pools": [{"pool": "us-east", "priority": 1, "weight": 1, "bias": 0},
                          {"pool": "eu-central", "priority": 2}],
                "geo": [{"match": "cidr:203.0.113.0/24", "pools": ["eu-central"]},
                        {"match": "country:JP", "pools": ["us-east"]},
                        {"match": "continent:EU", "pools": ["eu-central", "us-east"]},
                        {"match": "default", "pools": ["us-east", "eu-central"]}]}]
})");
}

// An https and a dns monitor with every knob away from its default.
std::vector<zones::Monitor> knob_monitors() {
  zones::Monitor secure;
  secure.name = "secure";
  secure.type = "https";
  secure.port = 443;
  secure.method = "HEAD";
  secure.tls_verify = false;
  secure.ca_file = "/etc/gslb/ca.pem";
  secure.follow_redirects = true;
  secure.load_header = "X-Load";
  secure.interval_ms = 5000;
  secure.timeout_ms = 2000;
  secure.jitter_ms = 250;
  secure.max_concurrent = 64;
  zones::Monitor resolver;
  resolver.name = "resolver";
  resolver.type = "dns";
  resolver.port = 53;
  resolver.query_name = "www.example.com.";
  resolver.query_type = "AAAA";
  resolver.expect_rcode = "NXDOMAIN";
  resolver.expect_answer = false;
  return {secure, resolver};
}

constexpr const char* kKnobsYaml = R"(monitors:
  - name: secure
    type: https
    port: 443
    method: HEAD
    tls_verify: false
    ca_file: /etc/gslb/ca.pem
    follow_redirects: true
    load_header: X-Load
    interval: 5s
    timeout: 2s
    jitter: 250ms
    max_concurrent: 64
  - name: resolver
    type: dns
    port: 53
    query_name: www.example.com.
    query_type: AAAA
    expect_rcode: NXDOMAIN
    expect_answer: false
services:
  - {name: a.example.com., when_unknown: down, pools: [{pool: p}]}
  - {name: b.example.com., when_unknown: up, pools: [{pool: p}]}
)";

}  // namespace

TEST_CASE("config: the design notes' example reads field by field, in YAML and in JSON") {
  testsupport::TempDir dir("gslb-config");
  dir.write("gslb.example.com.zone", kZoneText);
  const ConfigFile yaml = parse_ok(kDesignYaml, ConfigFormat::kYaml, dir.path().string());

  REQUIRE(yaml.zones.size() == 1);
  CHECK(yaml.zones[0].info.name == "gslb.example.com.");
  CHECK(yaml.zones[0].info.soa.serial == 7);
  CHECK(yaml.zones[0].records.size() == 2);

  const zones::GslbConfig& g = yaml.gslb;
  REQUIRE(g.monitors.size() == 1);
  const zones::Monitor& m = g.monitors[0];
  CHECK(m.name == "web");
  CHECK(m.type == "http");
  CHECK(m.port == 80);
  CHECK(m.path == "/healthz");
  CHECK(m.host == "www.example.com");
  CHECK(m.expect_status == std::vector<uint16_t>{200});
  CHECK(m.expect_body == "ok");
  CHECK(m.interval_ms == 1000);
  CHECK(m.timeout_ms == 800);
  CHECK(m.rise == 2);
  CHECK(m.fall == 2);
  CHECK(m.load_field == "load");

  REQUIRE(g.regions.size() == 2);
  CHECK(g.regions[0].name == "us-east");
  CHECK(g.regions[0].latitude == doctest::Approx(40.7));
  CHECK(g.regions[0].longitude == doctest::Approx(-74.0));
  CHECK(g.regions[1].continent == "EU");
  CHECK(g.regions[1].country == "DE");

  REQUIRE(g.pools.size() == 1);
  CHECK(g.pools[0].region == "us-east");
  CHECK(g.pools[0].monitor == "web");
  REQUIRE(g.pools[0].members.size() == 2);
  CHECK(g.pools[0].members[1].address == "2001:db8::10");
  CHECK(g.pools[0].members[1].weight == 1);

  REQUIRE(g.services.size() == 1);
  const zones::Service& s = g.services[0];
  CHECK(s.name == "www.gslb.example.com.");  // made absolute
  CHECK(s.policy == zones::Policy::kProximity);
  CHECK(s.ttl == 30);
  CHECK(s.degraded_ttl == 10);
  CHECK(s.when_all_down == zones::WhenAllDown::kFailOpen);
  CHECK(s.fallback == std::vector<std::string>{"198.51.100.1"});
  CHECK(s.tolerance_ms == 20);
  REQUIRE(s.pools.size() == 2);
  CHECK(s.pools[1].pool == "eu-central");
  CHECK(s.pools[1].priority == 2);
  REQUIRE(s.geo.size() == 4);
  CHECK(s.geo[0].match == "cidr:203.0.113.0/24");
  CHECK(s.geo[2].pools == std::vector<std::string>{"eu-central", "us-east"});

  nlohmann::json doc = design_json();
  doc["zones"][0]["content"] = kZoneText;
  const ConfigFile json = parse_ok(doc.dump(2), ConfigFormat::kJson);
  CHECK(zones::gslb_json(json.gslb) == zones::gslb_json(yaml.gslb));
  REQUIRE(json.zones.size() == 1);
  CHECK(zones::format_zone(json.zones[0]) == zones::format_zone(yaml.zones[0]));
  // YAML is a superset of JSON: the JSON text read as YAML gives the same objects too.
  CHECK(zones::gslb_json(parse_ok(doc.dump(2)).gslb) == zones::gslb_json(yaml.gslb));
}

TEST_CASE("config: what a file leaves out takes the model's defaults") {
  const ConfigFile c = parse_ok(R"(
monitors: [{name: tcp, type: tcp, port: 443}]
regions: [{name: r, lat: 1, lon: 2}]
pools: [{name: p, region: r, members: [{address: 192.0.2.1}]}]
services: [{name: a.example.com., pools: [{pool: p}]}]
)");
  const zones::Monitor& m = c.gslb.monitors[0];
  const zones::Monitor defaults;
  CHECK(m.path == defaults.path);
  CHECK(m.expect_status == defaults.expect_status);
  CHECK_FALSE(m.expect_body.has_value());
  CHECK(m.interval_ms == defaults.interval_ms);
  CHECK(m.timeout_ms == defaults.timeout_ms);
  CHECK(c.gslb.regions[0].latitude == 1.0);  // a whole number is a number too
  CHECK(c.gslb.pools[0].monitor.empty());
  CHECK(c.gslb.pools[0].min_healthy == 1);
  CHECK(c.gslb.pools[0].admin == zones::AdminState::kEnabled);
  CHECK(c.gslb.pools[0].members[0].weight == 1);
  const zones::Service& s = c.gslb.services[0];
  CHECK(s.name == "a.example.com.");
  CHECK(s.policy == zones::Policy::kFailover);
  CHECK(s.ttl == 30);
  CHECK(s.degraded_ttl == 10);
  CHECK(s.max_answers == 1);
  CHECK(s.load_threshold == doctest::Approx(0.9));
  CHECK(s.pools[0].priority == 1);
  CHECK(s.pools[0].weight == 1);
  CHECK(s.pools[0].bias_km == 0.0);

  CHECK(parse_ok("").gslb.services.empty());  // an empty file desires nothing
  CHECK(parse_ok("# only a comment\n").zones.empty());
  CHECK(parse_ok("{}", ConfigFormat::kJson).gslb.pools.empty());
}

TEST_CASE("config: durations, TTLs and milliseconds") {
  auto monitor = [](const std::string& interval) {
    return parse_ok("monitors: [{name: m, type: tcp, port: 1, interval: " + interval + "}]")
        .gslb.monitors[0]
        .interval_ms;
  };
  CHECK(monitor("500ms") == 500);
  CHECK(monitor("1s") == 1000);
  CHECK(monitor("10m") == 600000);
  CHECK(monitor("1h") == 3600000);
  CHECK(monitor("2") == 2000);  // a bare number is seconds
  CHECK(monitor("\"3\"") == 3000);

  auto service = [](const std::string& fields) {
    return parse_ok("services: [{name: s.example., " + fields + "}]").gslb.services[0];
  };
  CHECK(service("ttl: 20").ttl == 20);
  CHECK(service("ttl: 1m").ttl == 60);
  CHECK(service("ttl: 45s, degraded_ttl: 5").degraded_ttl == 5);
  CHECK(service("tolerance_ms: 35").tolerance_ms == 35);
  CHECK(service("tolerance_ms: 1s").tolerance_ms == 1000);

  const auto errors = parse_errors(
      "monitors: [{name: m, type: tcp, port: 1, interval: 5x, timeout: -1s}]\n"
      "services: [{name: s.example., ttl: 500ms, degraded_ttl: 1.5, tolerance_ms: soon}]\n");
  CHECK(has_line(errors,
                 "gslb.yaml:1: monitors[0].interval: expected a duration such as 500ms, 1s or "
                 "10m (got \"5x\")"));
  CHECK(has_line(errors,
                 "gslb.yaml:1: monitors[0].timeout: expected a duration such as 500ms, 1s or "
                 "10m (got \"-1s\")"));
  CHECK(has_line(errors,
                 "gslb.yaml:2: services[0].ttl: expected a TTL: seconds, or a duration in "
                 "whole seconds such as 30s or 5m (got \"500ms\")"));
  CHECK(has_line(errors,
                 "gslb.yaml:2: services[0].degraded_ttl: expected a whole number "
                 "0..4294967295 (got 1.5)"));
  CHECK(has_line(errors,
                 "gslb.yaml:2: services[0].tolerance_ms: expected a duration such as 500ms, "
                 "1s or 10m (got \"soon\")"));
  CHECK(errors.size() == 5);
}

TEST_CASE("config: every problem is reported with its line and path, in file order") {
  const auto errors = parse_errors(R"(regions:
  - {name: us-east, lat: north, lon: -74.0}
  - {lat: 1, lon: 2, contnent: EU}
monitors:
  - name: web
    type: http
    port: 70000
    expect_status: 200
pools:
  - name: p
    region: us-east
    admin_state: off
    members: [{address: 192.0.2.1, weight: -1}, 192.0.2.2]
services:
  - name: a.example.com
    pools: [{pool: p}]
  - name: b.example.com
    pols: [{pool: p}]
    policy: nearest
    fallback: 192.0.2.9
    geo: [{match: default}]
  - name: "bad..name"
overrides: {network: 10.0.0.0/8, region: us-east}
extra: 1
)");
  const std::vector<std::string> expected = {
      "gslb.yaml:2: regions[0].lat: expected a number, not a string",
      "gslb.yaml:3: regions[1].contnent: unknown key (known here: name, lat, lon, continent, "
      "country)",
      "gslb.yaml:3: regions[1]: missing required key \"name\"",
      "gslb.yaml:7: monitors[0].port: expected a whole number 0..65535 (got 70000)",
      "gslb.yaml:8: monitors[0].expect_status: expected a list, not a whole number",
      "gslb.yaml:12: pools[0].admin_state: expected one of enabled | drain | fail (got \"off\")",
      "gslb.yaml:13: pools[0].members[0].weight: expected a whole number 0..4294967295 (got -1)",
      "gslb.yaml:13: pools[0].members[1]: expected a map, not a string",
      "gslb.yaml:18: services[1].pols: unknown key (known here: name, policy, ttl, "
      "degraded_ttl, max_answers, when_all_down, when_unknown, fallback, affinity, "
      "tolerance_ms, load_threshold, pools, geo, overrides)",
      "gslb.yaml:19: services[1].policy: expected one of failover | weighted | geo | proximity "
      "| latency | all (got \"nearest\")",
      "gslb.yaml:20: services[1].fallback: expected a list, not a string",
      "gslb.yaml:21: services[1].geo[0]: missing required key \"pools\"",
      "gslb.yaml:22: services[2].name: bad name \"bad..name\": empty label",
      "gslb.yaml:23: overrides: expected a list, not a map",
      "gslb.yaml:24: extra: unknown key (known here: zones, monitors, regions, pools, services, "
      "overrides)",
  };
  for (const std::string& line : errors) CAPTURE(line);
  for (const std::string& line : expected) {
    CAPTURE(line);
    CHECK(has_line(errors, line));
  }
  CHECK(errors.size() == expected.size());
  // In the order of the file.
  for (size_t i = 0; i + 1 < errors.size() && errors.size() == expected.size(); ++i) {
    CHECK(errors[i] == expected[i]);
  }
}

TEST_CASE("config: JSON errors carry lines and paths as YAML ones do") {
  const auto errors = parse_errors(R"({
  "regions": [
    {"name": "r", "lat": 1, "lon": "east"}
  ],
  "services": [
    {"name": "s.example.", "ttl": true},
    {"name": "t.example.", "pools": [{"pool": 7}], "pols": []}
  ]
})",
                                   ConfigFormat::kJson, "gslb.json");
  CHECK(has_line(errors, "gslb.json:3: regions[0].lon: expected a number, not a string"));
  CHECK(has_line(errors,
                 "gslb.json:6: services[0].ttl: expected a TTL in seconds, not "
                 "true/false"));
  CHECK(has_line(errors,
                 "gslb.json:7: services[1].pools[0].pool: expected a string, not a "
                 "whole number"));
  CHECK(errors.size() == 4);
}

TEST_CASE("config: syntax errors and duplicate keys") {
  auto yaml = parse_errors("regions:\n  - {name: a, lat: 1\nservices: []\n");
  REQUIRE(yaml.size() == 1);
  CHECK(yaml[0].starts_with("gslb.yaml:3: YAML syntax: "));

  auto json = parse_errors("{\n  \"regions\": [\n    {\"name\": \"a\",}\n  ]\n}",
                           ConfigFormat::kJson, "gslb.json");
  REQUIRE(json.size() == 1);
  CHECK(json[0].starts_with("gslb.json:3: syntax error while parsing object key"));

  CHECK(parse_errors("a: 1\n---\nb: 2\n")[0] ==
        "gslb.yaml: more than one YAML document: put everything in one");

  auto duplicates =
      parse_errors("regions:\n  - name: a\n    lat: 1\n    lon: 2\n    lat: 3\nregions: []\n");
  CHECK(has_line(duplicates, "gslb.yaml:5: regions[0].lat: duplicate key (first on line 3)"));
  CHECK(has_line(duplicates, "gslb.yaml:6: regions: duplicate key (first on line 1)"));
  CHECK(duplicates.size() == 2);

  auto json_duplicates =
      parse_errors("{\"regions\": [{\"name\": \"a\", \"lat\": 1,\n \"lon\": 2, \"name\": \"b\"}]}",
                   ConfigFormat::kJson, "gslb.json");
  REQUIRE(json_duplicates.size() == 1);
  CHECK(json_duplicates[0] == "gslb.json:2: regions[0].name: duplicate key (first on line 1)");

  CHECK(parse_errors("[1, 2]")[0] ==
        "gslb.yaml: expected a map of zones, monitors, regions, pools, services and "
        "overrides, not a list");
}

TEST_CASE("config: YAML scalars: unquoted numbers may be strings, quoted ones are not numbers") {
  const ConfigFile c = parse_ok(R"(
regions:
  - {name: 2024, lat: 1, lon: 2, country: NO, continent: "EU"}
pools:
  - {name: true, region: 2024, members: [{address: 192.0.2.1, name: 0x10}]}
)");
  CHECK(c.gslb.regions[0].name == "2024");
  CHECK(c.gslb.regions[0].country == "NO");  // YAML 1.2: NO is a string
  CHECK(c.gslb.pools[0].name == "true");
  CHECK(c.gslb.pools[0].members[0].name == "0x10");

  auto errors = parse_errors("monitors: [{name: m, type: tcp, port: \"80\"}]\n");
  CHECK(errors == std::vector<std::string>{
                      "gslb.yaml:1: monitors[0].port: expected a whole number 0..65535, not a "
                      "string"});
  // In JSON a number is never a string.
  errors = parse_errors(R"({"regions": [{"name": 5, "lat": 1, "lon": 2}]})", ConfigFormat::kJson,
                        "gslb.json");
  CHECK(errors ==
        std::vector<std::string>{"gslb.json:1: regions[0].name: expected a string, not a whole "
                                 "number"});
}

TEST_CASE("config: zones from a file next to the config or inline, named by their SOA") {
  testsupport::TempDir dir("gslb-config");
  dir.write("z.zone", kZoneText);
  const std::string base = dir.path().string();

  auto from_file = admin::parse_config("zones: [{name: gslb.example.com, file: z.zone}]",
                                       ConfigFormat::kYaml, base, "gslb.yaml");
  REQUIRE(from_file.has_value());
  CHECK(from_file->zones[0].info.name == "gslb.example.com.");

  // A zone file given by absolute path, and one through read_config_file (its own directory).
  const std::string config_path = dir.write("gslb.yaml",
                                            "zones:\n  - name: gslb.example.com.\n"
                                            "    file: z.zone\n")
                                      .string();
  auto read = admin::read_config_file(config_path);
  REQUIRE_MESSAGE(read.has_value(), (read ? "" : read.error().text()));
  CHECK(read->zones[0].records.size() == 2);

  nlohmann::json inline_zone = {
      {"zones", {{{"name", "gslb.example.com"}, {"content", kZoneText}}}}};
  CHECK(parse_ok(inline_zone.dump(), ConfigFormat::kJson).zones[0].info.soa.serial == 7);

  auto errors = parse_errors(
      "zones:\n"
      "  - {name: other.example.com, content: \"$ORIGIN gslb.example.com.\\n@ 300 IN SOA ns1 h 1 "
      "2 3 4 5\\n@ 300 IN NS ns1\\n\"}\n"
      "  - {name: a.example.com, file: x.zone, content: \"\"}\n"
      "  - {name: b.example.com}\n"
      "  - {name: c.example.com, file: /nonexistent/c.zone}\n"
      "  - {name: d.example.com, content: \"$ORIGIN d.example.com.\\n@ 300 IN SOA ns1 h 1 2 3 4 "
      "5\\n@ 300 IN NS ns1\\nwww 300 IN A 1.2.3\\n\"}\n");
  CHECK(has_line(errors,
                 "gslb.yaml:zones[0].content:2: the SOA must be at the zone apex "
                 "other.example.com., not at gslb.example.com."));
  CHECK(has_line(errors, "gslb.yaml:3: zones[1]: give either \"file\" or \"content\", not both"));
  CHECK(has_line(errors,
                 "gslb.yaml:4: zones[2]: missing \"file\" (a zone file) or \"content\" (the "
                 "zone file's text)"));
  CHECK(has_line(errors,
                 "gslb.yaml:5: zones[3].file: cannot read the zone file /nonexistent/c.zone"));
  CHECK(has_line(errors,
                 "gslb.yaml:zones[0].content:3: record.owner: gslb.example.com. is not "
                 "inside zone other.example.com."));
  REQUIRE(errors.size() == 6);
  CHECK(errors[5].starts_with("gslb.yaml:zones[4].content:4: "));
}

TEST_CASE("config: emit_config reads back to the same state, in YAML and JSON alike") {
  testsupport::TempDir dir("gslb-config");
  dir.write("gslb.example.com.zone", kZoneText);
  ConfigFile c = parse_ok(kDesignYaml, ConfigFormat::kYaml, dir.path().string());
  // Strings a YAML reader would take for something else, and fields the example leaves out.
  c.gslb.regions[0].country = "NO";
  c.gslb.regions[1].name = "123";
  c.gslb.monitors[0].expect_body = "status: \"ok\" # yes\n\ttab";
  c.gslb.monitors[0].host = "";
  c.gslb.pools[0].members[0].name = "yes";
  c.gslb.pools[0].members[0].admin = zones::AdminState::kDrain;
  c.gslb.pools[0].admin = zones::AdminState::kFail;
  c.gslb.services[0].load_threshold = 0.75;
  c.gslb.services[0].overrides = {{"10.0.0.0/8", "us-east"}};
  c.gslb.overrides = {{"2001:db8::/32", "eu-central"}};
  c.gslb.monitors.push_back(c.gslb.monitors[0]);
  c.gslb.monitors[1].name = "slow";
  c.gslb.monitors[1].interval_ms = 90000;
  c.gslb.monitors[1].timeout_ms = 1500;
  c.gslb.monitors.push_back(knob_monitors()[0]);
  c.gslb.monitors.push_back(knob_monitors()[1]);
  c.gslb.services[0].when_unknown = zones::HealthState::kDown;

  for (ConfigFormat format : {ConfigFormat::kYaml, ConfigFormat::kJson}) {
    CAPTURE(static_cast<int>(format));
    const std::string text = admin::emit_config(c.gslb, c.zones, format);
    CAPTURE(text);
    const ConfigFile back = parse_ok(text, format);
    CHECK(zones::gslb_json(back.gslb) == zones::gslb_json(c.gslb));
    REQUIRE(back.zones.size() == 1);
    CHECK(zones::format_zone(back.zones[0]) == zones::format_zone(c.zones[0]));
    CHECK(admin::emit_config(back.gslb, back.zones, format) == text);
  }

  const std::string yaml = admin::emit_config(c.gslb, c.zones, ConfigFormat::kYaml);
  CHECK(
      yaml.starts_with("zones:\n  - name: gslb.example.com.\n    content: |\n"
                       "      $ORIGIN gslb.example.com.\n"));
  CHECK(yaml.find("  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: \"NO\"}\n") !=
        std::string::npos);
  CHECK(yaml.find("      - {address: \"2001:db8::10\", name: \"\", weight: 1, admin_state: "
                  "enabled}\n") != std::string::npos);
  CHECK(yaml.find("    interval: 90s\n    timeout: 1500ms\n") != std::string::npos);
  CHECK(yaml.find("    type: https\n    port: 443\n    method: HEAD\n    path: /\n") !=
        std::string::npos);
  CHECK(yaml.find("    expect_status: [200]\n    tls_verify: false\n    ca_file: /etc/gslb/ca.pem\n"
                  "    follow_redirects: true\n    interval: 5s\n    timeout: 2s\n"
                  "    jitter: 250ms\n    rise: 2\n    fall: 2\n    max_concurrent: 64\n"
                  "    load_header: X-Load\n") != std::string::npos);
  CHECK(yaml.find("    query_name: www.example.com.\n    query_type: AAAA\n"
                  "    expect_rcode: NXDOMAIN\n    expect_answer: false\n") != std::string::npos);
  CHECK(yaml.find("    when_all_down: fail-open\n    when_unknown: down\n") != std::string::npos);

  // Nothing at all is a valid document too.
  CHECK(admin::emit_config({}, {}, ConfigFormat::kYaml) ==
        "monitors: []\nregions: []\npools: []\nservices: []\n");
  CHECK(parse_ok(admin::emit_config({}, {}, ConfigFormat::kJson), ConfigFormat::kJson)
            .gslb.monitors.empty());
}

TEST_CASE("config: multi-line strings survive the YAML literal block, whatever their edges") {
  for (const std::string body : {"a\nb", "a\nb\n", "a\n\n\n", "  indented\nb\n", "\n\nlate\n",
                                 "tab\tin\n\tand at the start\n", "\n", "trailing space \nx"}) {
    CAPTURE(body);
    zones::GslbConfig g;
    g.monitors.push_back({});
    g.monitors[0].name = "m";
    g.monitors[0].type = "http";
    g.monitors[0].expect_body = body;
    const std::string yaml = admin::emit_config(g, {}, ConfigFormat::kYaml);
    CAPTURE(yaml);
    const ConfigFile back = parse_ok(yaml);
    CHECK(back.gslb.monitors[0].expect_body == body);
  }
}

TEST_CASE("config: hostile input is refused with a message, never a crash") {
  const std::string deep_json(100000, '[');
  auto json = parse_errors(deep_json, ConfigFormat::kJson, "deep.json");
  CHECK(json == std::vector<std::string>{
                    "deep.json:1: nested too deeply (more than 32 levels of lists and maps)"});
  std::string deep_yaml = "services:\n  - pools:\n    - pool: ";
  for (int i = 0; i < 40; ++i) deep_yaml += "[";
  deep_yaml += "x";
  for (int i = 0; i < 40; ++i) deep_yaml += "]";
  auto yaml = parse_errors(deep_yaml + "\n", ConfigFormat::kYaml, "deep.yaml");
  CHECK(yaml == std::vector<std::string>{
                    "deep.yaml:3: nested too deeply (more than 32 levels of lists and maps)"});
  CHECK(parse_errors(std::string(100000, '['))[0].starts_with("gslb.yaml:"));

  // Bytes that are not UTF-8 are shown, not thrown on.
  auto bytes = parse_errors("regions: [{name: a, lat: \"\xff\", lon: 1, country: [\"\xfe\"]}]\n");
  CHECK(bytes.size() == 2);
  CHECK(parse_errors("{\"regions\": \"\xff\"}", ConfigFormat::kJson, "x.json")[0].starts_with(
      "x.json:1: syntax error while parsing value - invalid string: ill-formed UTF-8 byte"));
  CHECK(parse_errors(std::string("\x00\x01\x02", 3))[0].starts_with("gslb.yaml"));
}

TEST_CASE("config: monitor knobs and when_unknown read alike from YAML and JSON") {
  const ConfigFile yaml = parse_ok(kKnobsYaml);
  REQUIRE(yaml.gslb.monitors.size() == 2);
  CHECK(zones::gslb_json(yaml.gslb.monitors[0]) == zones::gslb_json(knob_monitors()[0]));
  CHECK(zones::gslb_json(yaml.gslb.monitors[1]) == zones::gslb_json(knob_monitors()[1]));
  CHECK(yaml.gslb.monitors[0].jitter_ms == 250u);
  CHECK_FALSE(yaml.gslb.monitors[1].jitter_ms.has_value());
  CHECK(yaml.gslb.services[0].when_unknown == zones::HealthState::kDown);
  CHECK(yaml.gslb.services[1].when_unknown == zones::HealthState::kUp);

  const nlohmann::json doc = {
      {"monitors", {zones::gslb_json(knob_monitors()[0]), zones::gslb_json(knob_monitors()[1])}},
      {"services",
       {{{"name", "a.example.com."}, {"when_unknown", "down"}, {"pools", {{{"pool", "p"}}}}},
        {{"name", "b.example.com."}, {"when_unknown", "up"}, {"pools", {{{"pool", "p"}}}}}}}};
  const ConfigFile json = parse_ok(doc.dump(2), ConfigFormat::kJson);
  CHECK(zones::gslb_json(json.gslb) == zones::gslb_json(yaml.gslb));

  // A document without the knobs is written without them (exports keep their text).
  nlohmann::json design = design_json();
  design.erase("zones");
  const std::string plain = admin::emit_config(parse_ok(design.dump(), ConfigFormat::kJson).gslb,
                                               {}, ConfigFormat::kYaml);
  for (const char* key : {"method:", "tls_verify:", "ca_file:", "follow_redirects:", "load_header:",
                          "query_name:", "query_type:", "expect_rcode:", "expect_answer:",
                          "jitter:", "max_concurrent:", "when_unknown:"}) {
    CAPTURE(key);
    CHECK(plain.find(key) == std::string::npos);
  }
}

TEST_CASE("config: monitor knobs and when_unknown of the wrong type are reported at their line") {
  const auto errors = parse_errors(R"(monitors:
  - name: m
    type: https
    port: 443
    tls_verify: "no"
    follow_redirects: yes
    expect_answer: 1
    jitter: soon
    max_concurrent: -1
    method: [GET]
    ca_file: {path: x}
services:
  - {name: a.example., when_unknown: unknown, pools: [{pool: p}]}
  - {name: b.example., when_unknown: maybe, pools: [{pool: p}]}
  - {name: c.example., pools: [{pool: p}], when_unkown: up}
)");
  const std::vector<std::string> expected = {
      "gslb.yaml:5: monitors[0].tls_verify: expected true or false, not a string",
      "gslb.yaml:6: monitors[0].follow_redirects: expected true or false, not a string",
      "gslb.yaml:7: monitors[0].expect_answer: expected true or false, not a whole number",
      "gslb.yaml:8: monitors[0].jitter: expected a duration such as 500ms, 1s or 10m (got "
      "\"soon\")",
      "gslb.yaml:9: monitors[0].max_concurrent: expected a whole number 0..4294967295 (got -1)",
      "gslb.yaml:10: monitors[0].method: expected a string, not a list",
      "gslb.yaml:11: monitors[0].ca_file: expected a string, not a map",
      "gslb.yaml:13: services[0].when_unknown: expected one of up | down (got \"unknown\")",
      "gslb.yaml:14: services[1].when_unknown: expected one of up | down (got \"maybe\")",
      "gslb.yaml:15: services[2].when_unkown: unknown key (known here: name, policy, ttl, "
      "degraded_ttl, max_answers, when_all_down, when_unknown, fallback, affinity, "
      "tolerance_ms, load_threshold, pools, geo, overrides)",
  };
  for (const std::string& line : errors) CAPTURE(line);
  CHECK(errors == expected);
}
