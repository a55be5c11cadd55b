// validate_gslb: every rule, each reported at its path, and what normalisation accepts.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "tests/unit/test_gslb_store_fixture.h"

using gslbtest::sample;
using zones::GslbConfig;

namespace {

struct Case {
  std::string expected;  // "path: message" (a prefix of the message is enough)
  std::function<void(GslbConfig&)> mutate;
};

std::vector<std::string> problems(const GslbConfig& c) {
  std::vector<std::string> out;
  for (const zones::Error& e : zones::validate_gslb(c, {gslbtest::zone_content()})) {
    CHECK(e.code == zones::ErrorCode::kInvalid);
    out.push_back(e.text());
  }
  return out;
}

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.expected);
    GslbConfig config = sample();
    c.mutate(config);
    auto found = problems(config);
    CAPTURE(found.size());
    std::string all;
    for (const std::string& p : found) all += p + "\n";
    CAPTURE(all);
    CHECK(all.find(c.expected) != std::string::npos);
  }
}

zones::Pool& us(GslbConfig& c) {
  return c.pools[1];
}
zones::Service& api(GslbConfig& c) {
  return c.services[0];
}
zones::Service& geo(GslbConfig& c) {
  return c.services[1];
}
zones::Service& www(GslbConfig& c) {
  return c.services[2];
}

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("gslb validation accepts the sample and what normalises to valid") {
  CHECK(problems(sample()).empty());
  GslbConfig c = sample();
  c.regions[0].continent = "eu";
  c.regions[0].country = "de";
  c.services[0].name = "API.gslb.example.com";  // relative to the root, any case
  c.overrides[0].network = "192.0.2.1";         // a host route
  c.pools.push_back({"empty", "us-east", "", 1, zones::AdminState::kEnabled, {}});
  zones::Service apex = www(c);
  c.services.push_back(apex);
  c.services.back().name = "gslb.example.com.";  // at the apex
  c.services.back().overrides.clear();
  c.services.back().pools[0].priority = -5;
  c.pools[0].min_healthy = 0;
  CHECK(problems(c).empty());
}

TEST_CASE("gslb validation of regions") {
  check_cases({
      {"regions[0].name: must not be empty", [](GslbConfig& c) { c.regions[0].name = ""; }},
      {"regions[0].name: \"EU\" is not a valid name",
       [](GslbConfig& c) { c.regions[0].name = "EU"; }},
      {"regions[0].name: \"-eu\" is not a valid name",
       [](GslbConfig& c) { c.regions[0].name = "-eu"; }},
      {"regions[0].name: \"" + std::string(64, 'a') + "\" is not a valid name",
       [](GslbConfig& c) { c.regions[0].name = std::string(64, 'a'); }},
      {"regions[1].name: duplicate name \"eu-central\" (also regions[0].name)",
       [](GslbConfig& c) { c.regions[1].name = "eu-central"; }},
      {"regions[0].lat: must be between -90 and 90",
       [](GslbConfig& c) { c.regions[0].latitude = 90.5; }},
      {"regions[0].lat: must be between -90 and 90",
       [](GslbConfig& c) { c.regions[0].latitude = kNan; }},
      {"regions[1].lon: must be between -180 and 180",
       [](GslbConfig& c) { c.regions[1].longitude = -180.01; }},
      {"regions[0].continent: must be one of AF, AN, AS, EU, NA, OC, SA, or empty (not \"XX\")",
       [](GslbConfig& c) { c.regions[0].continent = "XX"; }},
      {"regions[0].country: must be a two-letter ISO 3166-1 code",
       [](GslbConfig& c) { c.regions[0].country = "DEU"; }},
  });
}

TEST_CASE("gslb validation of monitors") {
  check_cases({
      {"monitors[1].name: duplicate name \"tcp443\"",
       [](GslbConfig& c) { c.monitors[1].name = "tcp443"; }},
      {"monitors[0].type: must be http, https, tcp or dns (not \"icmp\")",
       [](GslbConfig& c) { c.monitors[0].type = "icmp"; }},
      {"monitors[0].port: must be between 1 and 65535",
       [](GslbConfig& c) { c.monitors[0].port = 0; }},
      {"monitors[1].path: must start with \"/\"",
       [](GslbConfig& c) { c.monitors[1].path = "healthz"; }},
      {"monitors[1].path: must not contain spaces",
       [](GslbConfig& c) { c.monitors[1].path = "/a b"; }},
      {"monitors[1].host: must not contain spaces",
       [](GslbConfig& c) { c.monitors[1].host = "a\r\nX-Evil: 1"; }},
      {"monitors[1].expect_status: needs at least one status code",
       [](GslbConfig& c) { c.monitors[1].expect_status.clear(); }},
      {"monitors[1].expect_status[1]: must be between 100 and 599",
       [](GslbConfig& c) { c.monitors[1].expect_status[1] = 600; }},
      {"monitors[1].expect_body: must not be empty",
       [](GslbConfig& c) { c.monitors[1].expect_body = ""; }},
      {"monitors[1].interval: must be between 1ms and 24h",
       [](GslbConfig& c) { c.monitors[1].interval_ms = 0; }},
      {"monitors[1].interval: must be between 1ms and 24h",
       [](GslbConfig& c) { c.monitors[1].interval_ms = 86400001; }},
      {"monitors[1].timeout: must be shorter than the interval (2s)",
       [](GslbConfig& c) { c.monitors[1].timeout_ms = 2000; }},
      {"monitors[1].timeout: must be at least 1ms",
       [](GslbConfig& c) { c.monitors[1].timeout_ms = 0; }},
      {"monitors[0].rise: must be at least 1", [](GslbConfig& c) { c.monitors[0].rise = 0; }},
      {"monitors[0].fall: must be at least 1", [](GslbConfig& c) { c.monitors[0].fall = 0; }},
      {"monitors[1].load_field: must not be empty",
       [](GslbConfig& c) { c.monitors[1].load_field = ""; }},
  });
}

TEST_CASE("gslb validation of pools and members") {
  check_cases({
      {"pools[0].name: \"EU central\" is not a valid name",
       [](GslbConfig& c) { c.pools[0].name = "EU central"; }},
      {"pools[0].region: no region named \"eu\"", [](GslbConfig& c) { c.pools[0].region = "eu"; }},
      {"pools[0].region: must name a region", [](GslbConfig& c) { c.pools[0].region = ""; }},
      {"pools[1].monitor: no monitor named \"nope\"",
       [](GslbConfig& c) { us(c).monitor = "nope"; }},
      {"pools[1].members[0].address: not an IPv4 or IPv6 address: \"300.1.1.1\"",
       [](GslbConfig& c) { us(c).members[0].address = "300.1.1.1"; }},
      {"pools[1].members[0].address: not an IPv4 or IPv6 address: \"192.0.2.1/32\"",
       [](GslbConfig& c) { us(c).members[0].address = "192.0.2.1/32"; }},
      {"pools[1].members[0].address: 0.0.0.0 is the unspecified address",
       [](GslbConfig& c) { us(c).members[0].address = "0.0.0.0"; }},
      {"pools[1].members[0].address: 224.0.0.1 is a multicast address",
       [](GslbConfig& c) { us(c).members[0].address = "224.0.0.1"; }},
      {"pools[1].members[0].address: ::ffff:192.0.2.1 is an IPv4-mapped address",
       [](GslbConfig& c) { us(c).members[0].address = "::ffff:192.0.2.1"; }},
      {"pools[1].members[2].address: duplicate address 2001:db8::10 (also "
       "pools[1].members[1].address)",
       [](GslbConfig& c) { us(c).members[2].address = "2001:DB8::0:10"; }},
      {"pools[1].members[0].weight: must be at most 1000000",
       [](GslbConfig& c) { us(c).members[0].weight = 1000001; }},
      {"pools[1].members[1].name: duplicate member name \"a\"",
       [](GslbConfig& c) { us(c).members[1].name = "a"; }},
      {"pools[1].members[1].name: must be at most 63 characters",
       [](GslbConfig& c) { us(c).members[1].name = "two words"; }},
      {"pools[1].min_healthy: is 4 but the pool has 3 members",
       [](GslbConfig& c) { us(c).min_healthy = 4; }},
  });
}

TEST_CASE("gslb validation of service names and their place in the zones") {
  check_cases({
      {"services[0].name: www.other.example. is not inside any zone we serve",
       [](GslbConfig& c) { api(c).name = "www.other.example."; }},
      {"services[0].name: ", [](GslbConfig& c) { api(c).name = "a..b"; }},
      {"services[0].name: a service cannot be a wildcard name: *.gslb.example.com.",
       [](GslbConfig& c) { api(c).name = "*.gslb.example.com."; }},
      {"services[0].name: a static A record exists at static.gslb.example.com.",
       [](GslbConfig& c) { api(c).name = "static.gslb.example.com."; }},
      {"services[0].name: a static CNAME record exists at alias.gslb.example.com.",
       [](GslbConfig& c) { api(c).name = "alias.gslb.example.com."; }},
      {"services[0].name: x.sub.gslb.example.com. is at or below the delegation to other "
       "servers at sub.gslb.example.com.",
       [](GslbConfig& c) { api(c).name = "x.sub.gslb.example.com."; }},
      {"services[0].name: sub.gslb.example.com. is at or below the delegation",
       [](GslbConfig& c) { api(c).name = "sub.gslb.example.com."; }},
      {"services[1].name: duplicate service api.gslb.example.com. (also services[0].name)",
       [](GslbConfig& c) { geo(c).name = "API.gslb.example.com."; }},
  });
}

TEST_CASE("gslb validation of service settings") {
  check_cases({
      {"services[0].ttl: must be at most 2147483647",
       [](GslbConfig& c) { api(c).ttl = 2147483648u; }},
      {"services[0].degraded_ttl: must be at most 2147483647",
       [](GslbConfig& c) { api(c).degraded_ttl = 4294967295u; }},
      {"services[0].max_answers: must be between 1 and 16",
       [](GslbConfig& c) { api(c).max_answers = 0; }},
      {"services[0].max_answers: must be between 1 and 16",
       [](GslbConfig& c) { api(c).max_answers = 17; }},
      {"services[2].tolerance_ms: must be at most 60000",
       [](GslbConfig& c) { www(c).tolerance_ms = 60001; }},
      {"services[2].load_threshold: must be between 0 and 1",
       [](GslbConfig& c) { www(c).load_threshold = 1.5; }},
      {"services[2].load_threshold: must be between 0 and 1",
       [](GslbConfig& c) { www(c).load_threshold = kNan; }},
      {"services[2].affinity: subnet affinity applies to the weighted policy only (policy is "
       "latency)",
       [](GslbConfig& c) { www(c).affinity = zones::Affinity::kSubnet; }},
      {"services[2].fallback: fallback addresses are used only with when_all_down: fallback",
       [](GslbConfig& c) { www(c).fallback = {"192.0.2.1"}; }},
      {"services[0].fallback: when_all_down: fallback needs at least one fallback address",
       [](GslbConfig& c) { api(c).fallback.clear(); }},
      {"services[0].fallback[1]: not an IPv4 or IPv6 address: \"nope\"",
       [](GslbConfig& c) { api(c).fallback[1] = "nope"; }},
      {"services[0].fallback[1]: duplicate address 198.51.100.99",
       [](GslbConfig& c) { api(c).fallback[1] = "198.51.100.99"; }},
  });
}

TEST_CASE("gslb validation of pool links") {
  check_cases({
      {"services[0].pools: at least one pool is needed",
       [](GslbConfig& c) { api(c).pools.clear(); }},
      {"services[0].pools[1].pool: no pool named \"x\"",
       [](GslbConfig& c) { api(c).pools[1].pool = "x"; }},
      {"services[0].pools[1].pool: pool \"us-east\" is linked twice (also services[0].pools[0])",
       [](GslbConfig& c) { api(c).pools[1].pool = "us-east"; }},
      {"services[0].pools[0].weight: must be at most 1000000",
       [](GslbConfig& c) { api(c).pools[0].weight = 2000000; }},
      {"services[2].pools[0].bias: must be a finite number",
       [](GslbConfig& c) { www(c).pools[0].bias_km = kInf; }},
  });
}

TEST_CASE("gslb validation of geo maps") {
  check_cases({
      {"services[2].geo: only the geo policy uses a geo map (policy is latency)",
       [](GslbConfig& c) { www(c).geo = geo(c).geo; }},
      {"services[1].geo: the geo policy needs a geo map with a default entry",
       [](GslbConfig& c) { geo(c).geo.clear(); }},
      {"services[1].geo: needs a \"default\" entry", [](GslbConfig& c) { geo(c).geo.pop_back(); }},
      {"services[1].geo[1].match: not a two-letter ISO 3166-1 country code: \"JPN\"",
       [](GslbConfig& c) { geo(c).geo[1].match = "country:JPN"; }},
      {"services[1].geo[2].match: continent must be one of AF, AN, AS, EU, NA, OC, SA (not "
       "\"XX\")",
       [](GslbConfig& c) { geo(c).geo[2].match = "continent:XX"; }},
      {"services[1].geo[0].match: host bits are set in cidr:203.0.113.1/24 (did you mean "
       "cidr:203.0.113.0/24?)",
       [](GslbConfig& c) { geo(c).geo[0].match = "cidr:203.0.113.1/24"; }},
      {"services[1].geo[0].match: not a network such as cidr:192.0.2.0/24: \"cidr:nope\"",
       [](GslbConfig& c) { geo(c).geo[0].match = "cidr:nope"; }},
      {"services[1].geo[0].match: must be cidr:NETWORK, country:CC, continent:CC or default (not "
       "\"region:x\")",
       [](GslbConfig& c) { geo(c).geo[0].match = "region:x"; }},
      {"services[1].geo[2].match: duplicate match \"country:JP\" (also services[1].geo[1])",
       [](GslbConfig& c) { geo(c).geo[2].match = "country:jp"; }},
      {"services[1].geo[1].pools: needs at least one pool",
       [](GslbConfig& c) { geo(c).geo[1].pools.clear(); }},
      {"services[1].geo[0].pools[0]: pool \"eu-central\" is not linked to the service",
       [](GslbConfig& c) { geo(c).pools.pop_back(); }},
      {"services[1].geo[1].pools[0]: no pool named \"ap\"",
       [](GslbConfig& c) { geo(c).geo[1].pools[0] = "ap"; }},
      {"services[1].geo[2].pools[1]: pool \"eu-central\" is listed twice",
       [](GslbConfig& c) { geo(c).geo[2].pools[1] = "eu-central"; }},
  });
}

TEST_CASE("gslb validation of cidr overrides") {
  check_cases({
      {"services[2].overrides[0].network: not a network such as 192.0.2.0/24: \"10.0.0.0/33\"",
       [](GslbConfig& c) { www(c).overrides[0].network = "10.0.0.0/33"; }},
      {"services[2].overrides[0].network: host bits are set in 10.0.0.1/8 (did you mean "
       "10.0.0.0/8?)",
       [](GslbConfig& c) { www(c).overrides[0].network = "10.0.0.1/8"; }},
      {"services[2].overrides[1].network: duplicate network 203.0.113.0/24 (also "
       "services[2].overrides[0])",
       [](GslbConfig& c) { www(c).overrides[1].network = "203.0.113.0/24"; }},
      {"services[2].overrides[0].region: no region named \"mars\"",
       [](GslbConfig& c) { www(c).overrides[0].region = "mars"; }},
      {"overrides[1].network: duplicate network 10.0.0.0/8 (also overrides[0])",
       [](GslbConfig& c) { c.overrides[1].network = "10.0.0.0/8"; }},
      {"overrides[0].region: must name a region",
       [](GslbConfig& c) { c.overrides[0].region = ""; }},
      {"overrides[1].network: not a network such as 192.0.2.0/24: \"2001:db8::/129\"",
       [](GslbConfig& c) { c.overrides[1].network = "2001:db8::/129"; }},
  });
}

namespace {

zones::Monitor& tcp(GslbConfig& c) {
  return c.monitors[0];
}
zones::Monitor& web(GslbConfig& c) {
  return c.monitors[1];
}

// The sample's tcp monitor turned into a dns one that validates.
zones::Monitor& dns(GslbConfig& c) {
  tcp(c).type = "dns";
  tcp(c).port = 53;
  tcp(c).query_name = "www.example.com.";
  return tcp(c);
}

}  // namespace

TEST_CASE("gslb validation accepts every monitor knob where it applies, normalised") {
  GslbConfig c = sample();
  web(c).type = "https";
  web(c).method = "head";  // upper-cased
  web(c).expect_body.reset();
  web(c).load_field.reset();
  web(c).load_header = "X-Load";
  web(c).tls_verify = false;
  web(c).ca_file = "/etc/gslb/ca.pem";
  web(c).follow_redirects = true;
  web(c).jitter_ms = 999;  // under half of 2s
  web(c).max_concurrent = UINT32_MAX;
  dns(c).query_name = "WWW.Example.COM";  // made absolute and lower case
  dns(c).query_type = "aaaa";
  dns(c).expect_rcode = "nxdomain";
  dns(c).expect_answer = false;
  tcp(c).jitter_ms = 0;
  api(c).when_unknown = zones::HealthState::kDown;
  CHECK(problems(c).empty());

  zones::normalise_gslb(c);
  CHECK(web(c).method == "HEAD");
  CHECK(tcp(c).query_name == "www.example.com.");
  CHECK(tcp(c).query_type == "AAAA");
  CHECK(tcp(c).expect_rcode == "NXDOMAIN");

  for (const char* type : {"TXT", "SOA", "TYPE65535", "ANY"}) {
    CAPTURE(type);
    dns(c).query_type = type;
    CHECK(problems(c).empty());
  }
  for (const char* rcode : {"NOERROR", "SERVFAIL", "REFUSED", "NOTAUTH"}) {
    CAPTURE(rcode);
    dns(c).expect_rcode = rcode;
    CHECK(problems(c).empty());
  }
}

TEST_CASE("gslb validation of http(s) monitor knobs") {
  check_cases({
      {"monitors[1].method: must be GET or HEAD (not \"POST\")",
       [](GslbConfig& c) { web(c).method = "POST"; }},
      {"monitors[1].expect_body: a HEAD request gets no body (use method GET)",
       [](GslbConfig& c) { web(c).method = "HEAD"; }},
      {"monitors[1].load_field: a HEAD request gets no body (use method GET, or load_header)",
       [](GslbConfig& c) {
         web(c).method = "HEAD";
         web(c).expect_body.reset();
       }},
      {"monitors[1].load_header: give load_field or load_header, not both",
       [](GslbConfig& c) { web(c).load_header = "X-Load"; }},
      {"monitors[1].load_header: must be an HTTP header name such as X-Load (not \"X Load\")",
       [](GslbConfig& c) {
         web(c).load_field.reset();
         web(c).load_header = "X Load";
       }},
      {"monitors[1].load_header: must be an HTTP header name such as X-Load (not \"\")",
       [](GslbConfig& c) {
         web(c).load_field.reset();
         web(c).load_header = "";
       }},
      {"monitors[1].load_header: must be an HTTP header name such as X-Load (not \"X-Load:\")",
       [](GslbConfig& c) {
         web(c).load_field.reset();
         web(c).load_header = "X-Load:";
       }},
      {"monitors[1].ca_file: must not be empty (leave it out to trust the system's CAs)",
       [](GslbConfig& c) {
         web(c).type = "https";
         web(c).ca_file = "";
       }},
      {"monitors[1].ca_file: applies to https monitors only (type is http)",
       [](GslbConfig& c) { web(c).ca_file = "/etc/ca.pem"; }},
      {"monitors[1].tls_verify: applies to https monitors only (type is http)",
       [](GslbConfig& c) { web(c).tls_verify = false; }},
      {"monitors[0].ca_file: applies to https monitors only (type is tcp)",
       [](GslbConfig& c) { tcp(c).ca_file = "/etc/ca.pem"; }},
  });
}

TEST_CASE("gslb validation refuses http(s) knobs on tcp and dns monitors") {
  const std::string why = ": applies to http and https monitors only (type is tcp)";
  check_cases({
      {"monitors[0].method" + why, [](GslbConfig& c) { tcp(c).method = "HEAD"; }},
      {"monitors[0].path" + why, [](GslbConfig& c) { tcp(c).path = "/healthz"; }},
      {"monitors[0].expect_status" + why, [](GslbConfig& c) { tcp(c).expect_status = {204}; }},
      {"monitors[0].expect_body" + why, [](GslbConfig& c) { tcp(c).expect_body = "ok"; }},
      {"monitors[0].follow_redirects" + why, [](GslbConfig& c) { tcp(c).follow_redirects = true; }},
      {"monitors[0].load_field" + why, [](GslbConfig& c) { tcp(c).load_field = "load"; }},
      {"monitors[0].load_header" + why, [](GslbConfig& c) { tcp(c).load_header = "X-Load"; }},
      {"monitors[0].path: applies to http and https monitors only (type is dns)",
       [](GslbConfig& c) { dns(c).path = "/x"; }},
  });
}

TEST_CASE("gslb validation of dns monitor knobs") {
  check_cases({
      {"monitors[0].query_name: a dns monitor needs the name to query",
       [](GslbConfig& c) { dns(c).query_name.reset(); }},
      {"monitors[0].query_name: bad name \"a..b\": empty label",
       [](GslbConfig& c) { dns(c).query_name = "a..b"; }},
      {"monitors[0].query_type: \"FOO\" is not a record type such as A, AAAA, TXT or SOA",
       [](GslbConfig& c) { dns(c).query_type = "foo"; }},
      {"monitors[0].query_type: \"TYPE70000\" is not a record type (TYPE<n> needs n from 1 to "
       "65535)",
       [](GslbConfig& c) { dns(c).query_type = "TYPE70000"; }},
      {"monitors[0].query_type: \"TYPE1X\" is not a record type",
       [](GslbConfig& c) { dns(c).query_type = "type1x"; }},
      {"monitors[0].query_type: \"AXFR\" cannot be asked for in a query over UDP",
       [](GslbConfig& c) { dns(c).query_type = "AXFR"; }},
      {"monitors[0].expect_rcode: not a DNS response code such as NOERROR, NXDOMAIN or REFUSED: "
       "\"OK\"",
       [](GslbConfig& c) { dns(c).expect_rcode = "ok"; }},
  });
  const std::string why = ": applies to dns monitors only (type is http)";
  check_cases({
      {"monitors[1].query_name" + why, [](GslbConfig& c) { web(c).query_name = "a.example."; }},
      {"monitors[1].query_type" + why, [](GslbConfig& c) { web(c).query_type = "AAAA"; }},
      {"monitors[1].expect_rcode" + why, [](GslbConfig& c) { web(c).expect_rcode = "NXDOMAIN"; }},
      {"monitors[1].expect_answer" + why, [](GslbConfig& c) { web(c).expect_answer = false; }},
      {"monitors[0].query_name: applies to dns monitors only (type is tcp)",
       [](GslbConfig& c) { tcp(c).query_name = "a.example."; }},
  });
}

TEST_CASE("gslb validation of monitor scheduling knobs and a service's when_unknown") {
  check_cases({
      {"monitors[1].jitter: must be shorter than half the interval of 2s",
       [](GslbConfig& c) { web(c).jitter_ms = 1000; }},
      {"monitors[0].jitter: must be shorter than half the interval of 1s",
       [](GslbConfig& c) { tcp(c).jitter_ms = UINT32_MAX; }},
      {"services[0].when_unknown: must be up or down",
       [](GslbConfig& c) { api(c).when_unknown = zones::HealthState::kUnknown; }},
  });
}
