// The GSLB model's text forms, durations, and the JSON shapes (the declarative config format).
#include <doctest/doctest.h>

#include "tests/unit/test_gslb_store_fixture.h"
#include "zones/gslb_json.h"

using gslbtest::sample;

TEST_CASE("gslb enum text forms round trip and refuse the unknown") {
  using namespace zones;
  for (auto v : {AdminState::kEnabled, AdminState::kDrain, AdminState::kFail}) {
    CHECK(parse_admin_state(to_string(v)) == v);
  }
  for (auto v : {Policy::kFailover, Policy::kWeighted, Policy::kGeo, Policy::kProximity,
                 Policy::kLatency, Policy::kAll}) {
    CHECK(parse_policy(to_string(v)) == v);
  }
  for (auto v : {WhenAllDown::kFailOpen, WhenAllDown::kNodata, WhenAllDown::kFallback}) {
    CHECK(parse_when_all_down(to_string(v)) == v);
  }
  for (auto v : {Affinity::kNone, Affinity::kSubnet}) CHECK(parse_affinity(to_string(v)) == v);
  for (auto v : {HealthState::kUnknown, HealthState::kUp, HealthState::kDown}) {
    CHECK(parse_health_state(to_string(v)) == v);
  }
  CHECK(std::string(to_string(WhenAllDown::kFailOpen)) == "fail-open");
  CHECK(std::string(to_string(Policy::kProximity)) == "proximity");
  CHECK_FALSE(parse_policy("Failover").has_value());
  CHECK_FALSE(parse_admin_state("").has_value());
  CHECK_FALSE(parse_when_all_down("fail_open").has_value());
  CHECK_FALSE(parse_affinity("ip").has_value());
  CHECK_FALSE(parse_health_state("UP").has_value());
}

TEST_CASE("gslb durations are written exactly and read in ms, s, m, h or bare seconds") {
  using zones::format_duration_ms;
  using zones::parse_duration_ms;
  CHECK(format_duration_ms(0) == "0s");
  CHECK(format_duration_ms(800) == "800ms");
  CHECK(format_duration_ms(1000) == "1s");
  CHECK(format_duration_ms(1500) == "1500ms");
  CHECK(format_duration_ms(90000) == "90s");
  CHECK(format_duration_ms(600000) == "10m");
  CHECK(format_duration_ms(7200000) == "2h");
  CHECK(parse_duration_ms("500ms") == 500u);
  CHECK(parse_duration_ms("1s") == 1000u);
  CHECK(parse_duration_ms("10m") == 600000u);
  CHECK(parse_duration_ms("1h") == 3600000u);
  CHECK(parse_duration_ms("30") == 30000u);
  CHECK(parse_duration_ms("0") == 0u);
  for (const char* bad : {"", "s", "-1s", "1.5s", "1 s", "1sec", "1d", "+1", "1S", " 1",
                          "99999999999999999999", "18446744073709552s"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration_ms(bad).has_value());
  }
  for (uint64_t ms : {1ull, 999ull, 1000ull, 61000ull, 3600000ull, 86400000ull}) {
    CHECK(parse_duration_ms(format_duration_ms(ms)) == ms);
  }
}

TEST_CASE("gslb JSON has exactly the declarative config's keys") {
  zones::GslbConfig c = sample();
  auto keys = [](const nlohmann::json& j) {
    std::vector<std::string> out;
    for (const auto& [key, value] : j.items()) out.push_back(key);
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  nlohmann::json all = zones::gslb_json(c);
  CHECK(keys(all) == V{"monitors", "overrides", "pools", "regions", "services"});
  CHECK(all["regions"][1] == nlohmann::json::parse(R"({"name":"us-east","lat":40.7,"lon":-74.0,
                                                       "continent":"NA","country":"US"})"));
  CHECK(all["monitors"][1] == nlohmann::json::parse(R"({"name":"web","type":"http","port":80,
      "path":"/healthz","host":"www.example.com","expect_status":[200,204],"expect_body":"ok",
      "interval":"2s","timeout":"500ms","rise":3,"fall":1,"load_field":"load"})"));
  // Unset optional fields are left out.
  CHECK(keys(all["monitors"][0]) == V{"expect_status", "fall", "host", "interval", "name", "path",
                                      "port", "rise", "timeout", "type"});
  CHECK(all["pools"][1] == nlohmann::json::parse(R"({"name":"us-east","region":"us-east",
      "monitor":"web","min_healthy":2,"admin_state":"drain","members":[
        {"address":"192.0.2.10","name":"a","weight":1,"admin_state":"enabled"},
        {"address":"2001:db8::10","name":"b","weight":2,"admin_state":"fail"},
        {"address":"192.0.2.11","name":"","weight":0,"admin_state":"enabled"}]})"));
  CHECK_FALSE(all["pools"][0].contains("monitor"));
  CHECK(all["services"][0] == nlohmann::json::parse(R"({"name":"api.gslb.example.com.",
      "policy":"weighted","ttl":30,"degraded_ttl":10,"max_answers":1,"when_all_down":"fallback",
      "fallback":["198.51.100.99","2001:db8::99"],"affinity":"subnet","tolerance_ms":20,
      "load_threshold":0.9,"pools":[{"pool":"us-east","priority":1,"weight":3,"bias":0.0},
      {"pool":"eu-central","priority":1,"weight":1,"bias":0.0}]})"));
  CHECK(all["services"][1]["geo"][2] ==
        nlohmann::json::parse(R"({"match":"continent:EU","pools":["eu-central","us-east"]})"));
  CHECK(all["services"][2]["overrides"][1] ==
        nlohmann::json::parse(R"({"network":"2001:db8:1::/48","region":"us-east"})"));
  CHECK(all["services"][2]["pools"][0]["bias"] == 150.5);
  CHECK(all["overrides"][0] == nlohmann::json::parse(R"({"network":"10.0.0.0/8",
                                                         "region":"us-east"})"));
  c.overrides.clear();
  CHECK_FALSE(zones::gslb_json(c).contains("overrides"));
}

namespace {

// The sample plus a monitor of each kind using every knob away from its default, and a
// service that leaves unknown members out; in name order, as load() returns them.
zones::GslbConfig with_knobs() {
  zones::GslbConfig c = sample();
  zones::Monitor resolver;
  resolver.name = "resolver";
  resolver.type = "dns";
  resolver.port = 53;
  resolver.query_name = "www.example.com.";
  resolver.query_type = "AAAA";
  resolver.expect_rcode = "NXDOMAIN";
  resolver.expect_answer = false;
  resolver.jitter_ms = 0;
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
  c.monitors.insert(c.monitors.begin(), {resolver, secure});
  c.services[0].when_unknown = zones::HealthState::kDown;
  return c;
}

}  // namespace

TEST_CASE("gslb JSON writes the monitor knobs and when_unknown only when not at the default") {
  const zones::GslbConfig c = with_knobs();
  const nlohmann::json all = zones::gslb_json(c);
  CHECK(all["monitors"][0] == nlohmann::json::parse(R"({"name":"resolver","type":"dns",
      "port":53,"path":"/","host":"","expect_status":[200],"interval":"1s","timeout":"800ms",
      "rise":2,"fall":2,"query_name":"www.example.com.","query_type":"AAAA",
      "expect_rcode":"NXDOMAIN","expect_answer":false,"jitter":"0s"})"));
  CHECK(all["monitors"][1] == nlohmann::json::parse(R"({"name":"secure","type":"https",
      "port":443,"method":"HEAD","path":"/","host":"","expect_status":[200],"tls_verify":false,
      "ca_file":"/etc/gslb/ca.pem","follow_redirects":true,"load_header":"X-Load",
      "interval":"5s","timeout":"2s","jitter":"250ms","rise":2,"fall":2,"max_concurrent":64})"));
  CHECK(all["services"][0]["when_unknown"] == "down");
  // Defaults are left out, so stores that do not use the knobs export as before.
  for (const char* key :
       {"method", "tls_verify", "ca_file", "follow_redirects", "load_header", "query_name",
        "query_type", "expect_rcode", "expect_answer", "jitter", "max_concurrent"}) {
    CAPTURE(key);
    CHECK_FALSE(all["monitors"][2].contains(key));
    CHECK_FALSE(all["monitors"][3].contains(key));
  }
  CHECK_FALSE(all["services"][1].contains("when_unknown"));
}

TEST_CASE("gslb monitor knobs and when_unknown round trip through the store") {
  gslbtest::GslbFixture f;
  const zones::GslbConfig c = with_knobs();
  f.apply(c);
  CHECK(gslbtest::shape(f.load()) == gslbtest::shape(c));
  const zones::GslbConfig loaded = f.load();
  const zones::Monitor& secure = loaded.monitors[1];
  CHECK(secure.method == "HEAD");
  CHECK_FALSE(secure.tls_verify);
  CHECK(secure.ca_file == "/etc/gslb/ca.pem");
  CHECK(secure.follow_redirects);
  CHECK(secure.load_header == "X-Load");
  CHECK(secure.jitter_ms == 250u);
  CHECK(secure.max_concurrent == 64u);
  const zones::Monitor& resolver = loaded.monitors[0];
  CHECK(resolver.query_name == "www.example.com.");
  CHECK(resolver.query_type == "AAAA");
  CHECK(resolver.expect_rcode == "NXDOMAIN");
  CHECK_FALSE(resolver.expect_answer);
  CHECK(resolver.jitter_ms == 0u);  // set to 0, not unset
  CHECK_FALSE(loaded.monitors[2].jitter_ms.has_value());
  CHECK(loaded.services[0].when_unknown == zones::HealthState::kDown);
  CHECK(loaded.services[1].when_unknown == zones::HealthState::kUp);

  // Back to the defaults: the columns go back too.
  zones::GslbConfig back = sample();
  back.monitors.insert(back.monitors.begin(), c.monitors[0]);
  back.monitors.insert(back.monitors.begin() + 1, zones::Monitor{});
  back.monitors[1].name = "secure";
  back.monitors[1].type = "https";
  back.monitors[1].port = 443;
  f.apply(back);
  CHECK(gslbtest::shape(f.load()) == gslbtest::shape(back));
  CHECK(f.load().services[0].when_unknown == zones::HealthState::kUp);
}

TEST_CASE("gslb plan names a knob's default when it is left out of the JSON") {
  const zones::GslbConfig before = with_knobs();
  zones::GslbConfig after = before;
  after.monitors[1].method = "GET";
  after.monitors[1].ca_file.reset();
  after.monitors[3].jitter_ms = 100;
  after.services[0].when_unknown = zones::HealthState::kUp;
  const zones::Plan plan = zones::plan_gslb(before, after);
  REQUIRE(plan.changes.size() == 3);
  CHECK(plan.changes[0].object == "monitor/secure");
  CHECK(plan.changes[0].fields ==
        std::vector<std::string>{"method: \"HEAD\" -> \"GET\"",
                                 "ca_file: \"/etc/gslb/ca.pem\" -> (none)"});
  CHECK(plan.changes[1].object == "monitor/web");
  CHECK(plan.changes[1].fields == std::vector<std::string>{"jitter: (none) -> \"100ms\""});
  CHECK(plan.changes[2].object == "service/api.gslb.example.com.");
  CHECK(plan.changes[2].fields == std::vector<std::string>{"when_unknown: \"down\" -> \"up\""});
}
