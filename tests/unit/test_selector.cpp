// The selector's shared rules: pool state (health, min_healthy, drain vs
// fail), the family rule and NODATA, TTLs, when_all_down, max_answers, the
// failover and all policies, and the trace.
#include <doctest/doctest.h>

#include <set>

#include "tests/unit/selector_fixture.h"

using namespace selfix;
using zones::Policy;
using zones::WhenAllDown;

namespace {

// Three regions, three dual-stack pools, one failover service.
TableSpec three_pools(Policy policy = Policy::kFailover) {
  TableSpec spec;
  spec.regions = {{"us-east", 40.7, -74.0, "NA", "US"},
                  {"eu-central", 50.1, 8.7, "EU", "DE"},
                  {"ap-northeast", 35.7, 139.7, "AS", "JP"}};
  spec.pools = {
      {"us", "us-east", {{"192.0.2.1", 1, AdminState::kEnabled, "us-1"}, {"2001:db8::1"}}},
      {"eu", "eu-central", {{"192.0.2.2"}, {"2001:db8::2"}}},
      {"ap", "ap-northeast", {{"192.0.2.3"}, {"2001:db8::3"}}},
  };
  ServiceSpec svc;
  svc.policy = policy;
  // Operator order differs from priority order.
  svc.links = {{"eu", 2}, {"ap", 3}, {"us", 1}};
  spec.services = {svc};
  return spec;
}

}  // namespace

TEST_CASE("selector: when_unknown = down skips members no fresh report speaks for") {
  TableSpec spec = three_pools();
  spec.services[0].unknown_is_up = false;
  Fixture fx(spec);
  Runner run{fx};
  const auto c = client("198.51.100.7");
  fx.pool_health("eu", HealthState::kUp);
  CHECK(pool_of(fx, run(kA, c)) == "eu");  // us (priority 1) is unknown: not answered
  fx.pool_health("us", HealthState::kUp);
  CHECK(pool_of(fx, run(kA, c)) == "us");
}

TEST_CASE("selector failover: the first up pool by priority; unknown health counts as up") {
  Fixture fx(three_pools());
  Runner run{fx};
  const auto c = client("198.51.100.7");
  auto sel = run(kA, c);
  REQUIRE(sel.count == 1);
  CHECK(pool_of(fx, sel) == "us");  // priority 1, health unknown
  CHECK(sel.ttl == 30);
  CHECK(sel.scope_prefix == 0);
  CHECK_FALSE(sel.nodata);

  fx.pool_health("us", HealthState::kDown);
  sel = run(kA, c);
  CHECK(pool_of(fx, sel) == "eu");
  CHECK(sel.ttl == 10);  // degraded while a pool is down

  fx.pool_health("eu", HealthState::kDown);
  fx.pool_health("ap", HealthState::kUp);
  sel = run(kAAAA, c);
  CHECK(pool_of(fx, sel) == "ap");
  CHECK(addresses(sel) == std::vector<std::string>{"2001:db8::3"});

  fx.pool_health("us", HealthState::kUp);
  sel = run(kA, c);
  CHECK(pool_of(fx, sel) == "us");
  CHECK(sel.ttl == 10);  // eu is still down
}

TEST_CASE("selector min_healthy: a pool below it is skipped, never answered half-dead") {
  TableSpec spec = three_pools();
  spec.pools[0].members = {{"192.0.2.1"}, {"192.0.2.11"}, {"192.0.2.21"}};
  spec.pools[0].min_healthy = 2;
  Fixture fx(spec);
  Runner run{fx};
  const auto c = client("198.51.100.7");

  fx.health("us", "192.0.2.1", HealthState::kDown);
  auto sel = run(kA, c);
  CHECK(pool_of(fx, sel) == "us");  // 2 of 3 usable
  CHECK(addresses(sel) != std::vector<std::string>{"192.0.2.1"});
  CHECK(sel.ttl == 30);

  fx.health("us", "192.0.2.11", HealthState::kDown);
  sel = run(kA, c);
  CHECK(pool_of(fx, sel) == "eu");  // 1 of 3 < 2: down
  CHECK(sel.ttl == 10);

  SUBCASE("min_healthy 0 behaves like 1: no usable member is down") {
    TableSpec zero = three_pools();
    zero.pools[0].min_healthy = 0;
    Fixture fz(zero);
    Runner rz{fz};
    CHECK(pool_of(fz, rz(kA, c)) == "us");
    fz.health("us", "192.0.2.1", HealthState::kDown);
    auto s = rz(kA, c);
    CHECK(pool_of(fz, s) == "eu");  // up (its IPv6 member), but no usable IPv4 member
    CHECK(s.ttl == 30);
    fz.health("us", "2001:db8::1", HealthState::kDown);
    s = rz(kAAAA, c);
    CHECK(pool_of(fz, s) == "eu");
    CHECK(s.ttl == 10);  // no usable member at all: down
  }
}

TEST_CASE("selector family rule: pool state over all members, answers of the query's family") {
  TableSpec spec = three_pools();
  // us: IPv4 only; eu: dual; ap: IPv6 only.
  spec.pools[0].members = {{"192.0.2.1"}};
  spec.pools[2].members = {{"2001:db8::3"}};
  Fixture fx(spec);
  Runner run{fx};
  const auto c = client("198.51.100.7");

  CHECK(pool_of(fx, run(kA, c)) == "us");
  auto sel = run(kAAAA, c);
  CHECK(pool_of(fx, sel) == "eu");  // us is up but has no IPv6 member: next by priority
  CHECK(sel.ttl == 30);             // skipping for the family is not degradation

  SUBCASE("min_healthy counts members of every family, so A and AAAA see the same pools") {
    TableSpec dual = three_pools();
    dual.pools[0].min_healthy = 2;
    Fixture fd(dual);
    Runner rd{fd};
    fd.health("us", "192.0.2.1", HealthState::kDown);
    CHECK(pool_of(fd, rd(kAAAA, c)) == "eu");  // the IPv6 member is fine, the pool is not
    CHECK(pool_of(fd, rd(kA, c)) == "eu");
  }
  SUBCASE("an up pool whose members of the family are all down is skipped") {
    fx.health("eu", "2001:db8::2", HealthState::kDown);
    CHECK(pool_of(fx, run(kAAAA, c)) == "ap");
    CHECK(pool_of(fx, run(kA, c)) == "us");
  }
  SUBCASE("no linked pool has a member of the family: NODATA, whatever the health") {
    TableSpec v4 = three_pools();
    for (auto& p : v4.pools) p.members = {{"192.0.2.9"}};
    v4.services[0].when_all_down = WhenAllDown::kFallback;
    v4.services[0].fallback = {"2001:db8::99"};
    Fixture f4(v4);
    Runner r4{f4};
    auto s = r4(kAAAA, c);
    CHECK(s.nodata);
    CHECK(s.count == 0);
    for (const char* p : {"us", "eu", "ap"}) f4.pool_health(p, HealthState::kDown);
    s = r4(kAAAA, c);
    CHECK(s.nodata);  // not the fallback: the name has no AAAA at all
    CHECK(s.count == 0);
  }
  SUBCASE("other query types are NODATA") {
    auto s = run(16, c);
    CHECK(s.nodata);
    CHECK(s.count == 0);
  }
}

TEST_CASE("selector drain vs fail: both leave answers, only fail is down") {
  TableSpec spec = three_pools();
  SUBCASE("pool drain: skipped, normal TTL") {
    spec.pools[0].admin = AdminState::kDrain;
    Fixture fx(spec);
    Runner run{fx};
    auto sel = run(kA, client("198.51.100.7"));
    CHECK(pool_of(fx, sel) == "eu");
    CHECK(sel.ttl == 30);
  }
  SUBCASE("pool fail: skipped, degraded TTL, even when healthy") {
    spec.pools[0].admin = AdminState::kFail;
    Fixture fx(spec);
    Runner run{fx};
    fx.pool_health("us", HealthState::kUp);
    auto sel = run(kA, client("198.51.100.7"));
    CHECK(pool_of(fx, sel) == "eu");
    CHECK(sel.ttl == 10);
  }
  SUBCASE("member drain and fail: never answered, and not usable for min_healthy") {
    spec.pools[0].members = {
        {"192.0.2.1", 1, AdminState::kDrain}, {"192.0.2.11", 1, AdminState::kFail}, {"192.0.2.21"}};
    Fixture fx(spec);
    Runner run{fx};
    for (int i = 0; i < 50; ++i)
      CHECK(addresses(run(kA, client("198.51.100.7"))) == std::vector<std::string>{"192.0.2.21"});
    fx.health("us", "192.0.2.21", HealthState::kDown);
    CHECK(pool_of(fx, run(kA, client("198.51.100.7"))) == "eu");
  }
}

TEST_CASE("selector degraded TTL is the lower of ttl and degraded_ttl") {
  TableSpec spec = three_pools();
  spec.services[0].ttl = 5;
  spec.services[0].degraded_ttl = 10;
  Fixture fx(spec);
  Runner run{fx};
  CHECK(run(kA, client("198.51.100.7")).ttl == 5);
  fx.pool_health("ap", HealthState::kDown);
  CHECK(run(kA, client("198.51.100.7")).ttl == 5);
}

TEST_CASE("selector when_all_down: fail-open, fallback, nodata") {
  const auto c = client("198.51.100.7");
  SUBCASE("fail-open answers as if healthy, but honours admin states") {
    TableSpec spec = three_pools();
    spec.pools[0].admin = AdminState::kDrain;  // us: drained
    spec.pools[1].members = {{"192.0.2.2", 1, AdminState::kFail}, {"192.0.2.12"}};
    Fixture fx(spec);
    Runner run{fx};
    for (const char* p : {"us", "eu", "ap"}) fx.pool_health(p, HealthState::kDown);
    for (int i = 0; i < 20; ++i) {
      auto sel = run(kA, c);
      CHECK(pool_of(fx, sel) == "eu");  // us is drained; eu first by priority
      CHECK(addresses(sel) == std::vector<std::string>{"192.0.2.12"});
      CHECK(sel.ttl == 10);
    }
    server::Trace trace;
    run(kA, c, &trace);
    CHECK(trace.pools[1].state.find("fail-open") != std::string::npos);
  }
  SUBCASE("fail-open with nothing left by admin states: NODATA") {
    TableSpec spec = three_pools();
    for (auto& p : spec.pools) p.admin = AdminState::kFail;
    Fixture fx(spec);
    Runner run{fx};
    auto sel = run(kA, c);
    CHECK(sel.nodata);
    CHECK(sel.ttl == 10);
  }
  SUBCASE("fallback answers the fallback addresses of the family") {
    TableSpec spec = three_pools();
    spec.services[0].when_all_down = WhenAllDown::kFallback;
    spec.services[0].fallback = {"198.51.100.1", "198.51.100.2"};
    spec.services[0].max_answers = 4;
    Fixture fx(spec);
    Runner run{fx};
    CHECK(pool_of(fx, run(kA, c)) == "us");
    for (const char* p : {"us", "eu", "ap"}) fx.pool_health(p, HealthState::kDown);
    auto sel = run(kA, c);
    auto got = addresses(sel);
    CHECK(std::set<std::string>(got.begin(), got.end()) ==
          std::set<std::string>{"198.51.100.1", "198.51.100.2"});
    CHECK(sel.ttl == 10);
    CHECK_FALSE(sel.nodata);
    server::Trace trace;
    run(kA, c, &trace);
    CHECK(trace.members.size() == 2);
    CHECK(trace.members[0].rfind("fallback/", 0) == 0);
    sel = run(kAAAA, c);  // no IPv6 fallback
    CHECK(sel.nodata);
    CHECK(sel.count == 0);
  }
  SUBCASE("nodata") {
    TableSpec spec = three_pools();
    spec.services[0].when_all_down = WhenAllDown::kNodata;
    spec.services[0].ttl = 60;
    spec.services[0].degraded_ttl = 5;
    Fixture fx(spec);
    Runner run{fx};
    for (const char* p : {"us", "eu", "ap"}) fx.pool_health(p, HealthState::kDown);
    auto sel = run(kA, c);
    CHECK(sel.nodata);
    CHECK(sel.count == 0);
    CHECK(sel.ttl == 5);
  }
  SUBCASE("all drained is all down too, with the degraded TTL") {
    TableSpec spec = three_pools();
    for (auto& p : spec.pools) p.admin = AdminState::kDrain;
    spec.services[0].when_all_down = WhenAllDown::kNodata;
    Fixture fx(spec);
    Runner run{fx};
    auto sel = run(kA, c);
    CHECK(sel.nodata);
    CHECK(sel.ttl == 10);
  }
  SUBCASE("up pools without a usable member of the family: when_all_down for that family") {
    TableSpec spec = three_pools();
    spec.services[0].when_all_down = WhenAllDown::kFallback;
    spec.services[0].fallback = {"2001:db8::99"};
    Fixture fx(spec);
    Runner run{fx};
    for (const char* p : {"us", "eu", "ap"}) {
      fx.pool_health(p, HealthState::kUp);
      fx.health(p,
                std::string("2001:db8::") + (p[0] == 'u'   ? "1"
                                             : p[0] == 'e' ? "2"
                                                           : "3"),
                HealthState::kDown);
    }
    CHECK(pool_of(fx, run(kA, c)) == "us");
    CHECK(addresses(run(kAAAA, c)) == std::vector<std::string>{"2001:db8::99"});
  }
}

TEST_CASE("selector max_answers: distinct usable members, capped at kMaxSelected") {
  TableSpec spec = three_pools();
  spec.pools[0].members.clear();
  for (int i = 1; i <= 40; ++i) spec.pools[0].members.push_back({"10.0.0." + std::to_string(i)});
  spec.pools[1].members = {{"10.1.0.1"}, {"10.1.0.2", 0}, {"10.1.0.3", 0}};
  spec.services[0].max_answers = 3;
  ServiceSpec big = spec.services[0];
  big.name = "big.gslb.test.";
  big.max_answers = 100;
  spec.services.push_back(big);
  Fixture fx(spec);
  Runner run{fx};
  const auto c = client("198.51.100.7");
  auto sel = run(kA, c);
  REQUIRE(sel.count == 3);
  auto got = addresses(sel);
  CHECK(std::set<std::string>(got.begin(), got.end()).size() == 3);
  sel = run(kA, c, nullptr, 1);
  CHECK(sel.count == server::kMaxSelected);
  got = addresses(sel);
  CHECK(std::set<std::string>(got.begin(), got.end()).size() == server::kMaxSelected);

  SUBCASE("weight 0 members only when no positive-weight member is usable") {
    fx.pool_health("us", HealthState::kDown);
    for (int i = 0; i < 50; ++i)
      CHECK(addresses(run(kA, c)) == std::vector<std::string>{"10.1.0.1"});
    fx.health("eu", "10.1.0.1", HealthState::kDown);
    sel = run(kA, c);
    got = addresses(sel);
    CHECK(std::set<std::string>(got.begin(), got.end()) ==
          std::set<std::string>{"10.1.0.2", "10.1.0.3"});
  }
}

TEST_CASE("selector all: members across up pools, by member weight x link weight") {
  TableSpec spec = three_pools(Policy::kAll);
  spec.services[0].max_answers = 8;
  Fixture fx(spec);
  Runner run{fx};
  const auto c = client("198.51.100.7");
  auto sel = run(kA, c);
  auto got = addresses(sel);
  CHECK(std::set<std::string>(got.begin(), got.end()) ==
        std::set<std::string>{"192.0.2.1", "192.0.2.2", "192.0.2.3"});
  CHECK(sel.scope_prefix == 0);
  fx.pool_health("eu", HealthState::kDown);
  got = addresses(run(kAAAA, c));
  CHECK(std::set<std::string>(got.begin(), got.end()) ==
        std::set<std::string>{"2001:db8::1", "2001:db8::3"});

  SUBCASE("the first answer follows member x link weight") {
    TableSpec w = three_pools(Policy::kAll);
    w.services[0].max_answers = 1;
    w.services[0].links = {{"us", 1, 1}, {"eu", 1, 3}};
    w.pools[0].members = {{"192.0.2.1", 1}, {"192.0.2.11", 2}};  // 1, 2 (x1)
    w.pools[1].members = {{"192.0.2.2", 2}};                     // 6 (x3)
    Fixture fw(w);
    Runner rw{fw};
    int eu = 0;
    const int n = 90000;
    for (int i = 0; i < n; ++i) eu += pool_of(fw, rw(kA, c)) == "eu";
    CHECK(eu / double(n) == doctest::Approx(6.0 / 9).epsilon(0.02));
  }
}

TEST_CASE("selector trace: pools by name with state, members with labels, the rule") {
  TableSpec spec = three_pools();
  spec.pools[1].min_healthy = 2;
  Fixture fx(spec);
  Runner run{fx};
  fx.pool_health("us", HealthState::kDown);
  fx.health("eu", "192.0.2.2", HealthState::kDown);
  fx.pool_health("ap", HealthState::kUp);
  server::Trace trace;
  auto sel = run(kA, client("198.51.100.7"), &trace);
  CHECK(pool_of(fx, sel) == "ap");
  REQUIRE(trace.pools.size() == 3);
  CHECK(trace.pools[0].pool == "us");
  CHECK(trace.pools[0].region == "us-east");
  CHECK(trace.pools[0].state == "down (0/2 healthy, min 1)");
  CHECK(trace.pools[1].state == "down (1/2 healthy, min 2)");
  CHECK(trace.pools[2].state == "up (2/2 healthy)");
  CHECK(trace.pools[2].chosen);
  CHECK_FALSE(trace.pools[0].chosen);
  CHECK(trace.pools[0].priority == 1);
  CHECK(trace.members == std::vector<std::string>{"ap/192.0.2.3"});
  CHECK(trace.rule.find("failover") != std::string::npos);
  CHECK(trace.rule.find("ap") != std::string::npos);
  CHECK(trace.location.find("198.51.100.7") != std::string::npos);
  bool degraded_note = false;
  for (const auto& n : trace.notes) degraded_note |= n.find("degraded TTL") != std::string::npos;
  CHECK(degraded_note);

  fx.pool_health("us", HealthState::kUp);
  server::Trace t2;
  run(kA, client("198.51.100.7"), &t2);
  CHECK(t2.members == std::vector<std::string>{"us/192.0.2.1 (us-1)"});
  server::Trace t3;
  run(kAAAA, client("198.51.100.7"), &t3);
  CHECK(t3.members == std::vector<std::string>{"us/2001:db8::1"});
}

TEST_CASE("selector caps: only the first 64 linked pools by priority count") {
  TableSpec spec;
  spec.regions = {{"r", 0, 0, "EU", "DE"}};
  ServiceSpec svc;
  for (int i = 0; i < 70; ++i) {
    const std::string name = "p" + std::to_string(i);
    spec.pools.push_back({name, "r", {{"10.0." + std::to_string(i) + ".1"}}});
    svc.links.push_back({name, i});
  }
  spec.services = {svc};
  Fixture fx(spec);
  Runner run{fx};
  for (int i = 0; i < 64; ++i) fx.pool_health("p" + std::to_string(i), HealthState::kDown);
  server::Trace trace;
  auto sel = run(kA, client("198.51.100.7"), &trace);
  // p64..p69 are beyond the cap: all considered pools are down → fail-open.
  CHECK(pool_of(fx, sel) == "p0");
  CHECK(trace.pools.size() == 64);
  bool capped = false;
  for (const auto& n : trace.notes) capped |= n.find("only the first 64") != std::string::npos;
  CHECK(capped);
}
