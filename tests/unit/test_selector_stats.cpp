// Statistical properties of the selector, with fixed seeds: weighted shares,
// subnet affinity (stability, few moves when a pool is added), latency
// sharing by weight / latency², and proximity spreading a dead region's
// clients over the next-nearest regions by weight.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "tests/unit/selector_fixture.h"

using namespace selfix;
using zones::Affinity;
using zones::Policy;

namespace {

std::map<std::string, double> shares(Runner& run, const Fixture& fx, const server::Client& c,
                                     int draws, uint16_t qtype = kA) {
  std::map<std::string, double> out;
  for (int i = 0; i < draws; ++i) out[pool_of(fx, run(qtype, c))] += 1.0 / draws;
  return out;
}

// A random IPv4 client subnet (/24), from a fixed-seed generator.
server::Client random_subnet(server::Rng& rng) {
  const uint64_t r = rng.next();
  server::Client c;
  c.family = 1;
  c.address[0] = static_cast<uint8_t>(r);
  c.address[1] = static_cast<uint8_t>(r >> 8);
  c.address[2] = static_cast<uint8_t>(r >> 16);
  c.source_prefix = 24;
  c.from_ecs = true;
  return c;
}

TableSpec weighted_pools(int n, Affinity affinity) {
  TableSpec spec;
  spec.regions = {{"r", 0, 0}};
  ServiceSpec svc;
  svc.policy = Policy::kWeighted;
  svc.affinity = affinity;
  for (int i = 0; i < n; ++i) {
    const std::string name = "pool-" + std::to_string(i);
    spec.pools.push_back({name, "r", {"10.0." + std::to_string(i) + ".1"}});
    svc.links.push_back({name, 1, 1});
  }
  spec.services = {svc};
  return spec;
}

}  // namespace

TEST_CASE("selector weighted: pools drawn in proportion to link weight (1:3 within 1.5 points)") {
  TableSpec spec = weighted_pools(2, Affinity::kNone);
  spec.services[0].links[1].weight = 3;
  Fixture fx(spec);
  Runner run{fx};
  run.rng = server::Rng(7);
  const auto c = client("198.51.100.7", 24);
  auto s = shares(run, fx, c, 200000);
  CHECK(std::abs(s["pool-0"] - 0.25) < 0.015);
  CHECK(std::abs(s["pool-1"] - 0.75) < 0.015);
  CHECK(run(kA, c).scope_prefix == 0);  // no affinity: not client-dependent

  SUBCASE("a down pool's share goes to the others; weight 0 only when nothing else is up") {
    TableSpec three = weighted_pools(3, Affinity::kNone);
    three.services[0].links[2].weight = 0;
    Fixture f3(three);
    Runner r3{f3};
    auto s3 = shares(r3, f3, c, 20000);
    CHECK(s3.count("pool-2") == 0);
    f3.pool_health("pool-0", HealthState::kDown);
    s3 = shares(r3, f3, c, 20000);
    CHECK(s3["pool-1"] == doctest::Approx(1.0));
    f3.pool_health("pool-1", HealthState::kDown);
    s3 = shares(r3, f3, c, 1000);
    CHECK(s3["pool-2"] == doctest::Approx(1.0));
  }
}

TEST_CASE("selector members: weighted shuffle inside a pool (1:3 within 1.5 points)") {
  TableSpec spec;
  spec.regions = {{"r", 0, 0}};
  spec.pools = {{"p", "r", {{"10.0.0.1", 1}, {"10.0.0.2", 3}, {"10.0.0.3", 0}}}};
  ServiceSpec svc;
  svc.links = {{"p"}};
  spec.services = {svc};
  svc.name = "two.gslb.test.";
  svc.max_answers = 2;
  spec.services.push_back(svc);
  Fixture fx(spec);
  Runner run{fx};
  run.rng = server::Rng(11);
  const auto c = client("198.51.100.7");
  const int n = 100000;
  int first_two = 0, second_two_first = 0, pairs = 0;
  for (int i = 0; i < n; ++i) {
    first_two += addresses(run(kA, c)) == std::vector<std::string>{"10.0.0.2"};
    auto both = addresses(run(kA, c, nullptr, 1));
    // Both positive-weight members, never the weight-0 one.
    pairs +=
        both.size() == 2 && both[0] != both[1] && both[0] != "10.0.0.3" && both[1] != "10.0.0.3";
    second_two_first += both[0] == "10.0.0.2";
  }
  CHECK(pairs == n);
  CHECK(std::abs(first_two / double(n) - 0.75) < 0.015);
  CHECK(std::abs(second_two_first / double(n) - 0.75) < 0.015);
}

TEST_CASE("selector weighted affinity=subnet: stable per subnet, few moves when a pool is added") {
  const int pools = 4, subnets = 10000;
  Fixture before(weighted_pools(pools, Affinity::kSubnet));
  Fixture after(weighted_pools(pools + 1, Affinity::kSubnet));
  Runner rb{before}, ra{after};
  server::Rng gen(2024);
  int moved = 0, moved_elsewhere = 0, unstable = 0, wrong_scope = 0;
  std::map<std::string, int> counts;
  for (int i = 0; i < subnets; ++i) {
    server::Client c = random_subnet(gen);
    const auto first = rb(kA, c);
    const std::string pool = pool_of(before, first);
    counts[pool]++;
    for (int k = 0; k < 3; ++k) {  // the RNG moves on; the answer does not
      const auto again = rb(kA, c);
      unstable += pool_of(before, again) != pool || addresses(again) != addresses(first);
    }
    wrong_scope += first.scope_prefix != 24;
    const std::string now = pool_of(after, ra(kA, c));
    if (now != pool) {
      ++moved;
      moved_elsewhere += now != "pool-" + std::to_string(pools);  // only to the new pool
    }
  }
  CHECK(unstable == 0);
  CHECK(wrong_scope == 0);
  CHECK(moved_elsewhere == 0);
  CHECK(moved / double(subnets) <= 1.0 / (pools + 1) + 0.02);
  CHECK(moved / double(subnets) >= 1.0 / (pools + 1) - 0.02);
  for (const auto& [pool, count] : counts) CHECK(std::abs(count / double(subnets) - 0.25) < 0.03);

  SUBCASE("clients of a pool that goes down move; the others stay") {
    Fixture fx(weighted_pools(pools, Affinity::kSubnet));
    Runner run{fx};
    server::Rng g(99);
    std::vector<std::pair<server::Client, std::string>> seen;
    for (int i = 0; i < 2000; ++i) {
      auto c = random_subnet(g);
      seen.push_back({c, pool_of(fx, run(kA, c))});
    }
    fx.pool_health("pool-1", HealthState::kDown);
    for (const auto& [c, pool] : seen) {
      const std::string now = pool_of(fx, run(kA, c));
      if (pool == "pool-1")
        CHECK(now != "pool-1");
      else
        CHECK(now == pool);
    }
  }
  SUBCASE("weights shift the shares: 1:3") {
    TableSpec spec = weighted_pools(2, Affinity::kSubnet);
    spec.services[0].links[1].weight = 3;
    Fixture fx(spec);
    Runner run{fx};
    server::Rng g(5);
    int heavy = 0;
    for (int i = 0; i < subnets; ++i) heavy += pool_of(fx, run(kA, random_subnet(g))) == "pool-1";
    CHECK(std::abs(heavy / double(subnets) - 0.75) < 0.02);
  }
  SUBCASE("the key is the /24 (IPv4) or /56 (IPv6), capped at the source prefix") {
    Fixture fx(weighted_pools(8, Affinity::kSubnet));
    Runner run{fx};
    CHECK(run(kA, client("198.51.100.7")).scope_prefix == 24);
    CHECK(run(kA, client("198.51.100.7", 20)).scope_prefix == 20);
    CHECK(run(kA, client("2001:db8:1:2::1")).scope_prefix == 56);
    CHECK(run(kA, client("2001:db8:1:2::", 48)).scope_prefix == 48);
    // Same /24 → same pool, whatever the last octet.
    for (int last = 0; last < 256; last += 17)
      CHECK(pool_of(fx, run(kA, client("198.51.100." + std::to_string(last)))) ==
            pool_of(fx, run(kA, client("198.51.100.0", 24))));
  }
}

TEST_CASE("selector latency: pools within tolerance share by weight / latency^2") {
  // All regions where the client is (distance 0): latency = measured RTT.
  TableSpec spec;
  spec.regions = {{"here", 10, 10}};
  spec.pools = {{"fast", "here", {"10.0.0.1"}},
                {"slow", "here", {"10.0.0.2"}},
                {"far", "here", {"10.0.0.3"}}};
  ServiceSpec svc;
  svc.policy = Policy::kLatency;
  svc.links = {{"fast", 1, 1}, {"slow", 1, 1}, {"far", 1, 1}};
  svc.tolerance_ms = 20;
  svc.overrides = {{"198.51.100.0/24", "here"}};
  spec.services = {svc};
  Fixture fx(spec);
  fx.pool_health("fast", HealthState::kUp, 10000);  // 10 ms
  fx.pool_health("slow", HealthState::kUp, 20000);  // 20 ms: within 20 of the best
  fx.pool_health("far", HealthState::kUp, 31000);   // 31 ms: outside
  Runner run{fx};
  run.rng = server::Rng(3);
  const auto c = client("198.51.100.7", 24);
  auto s = shares(run, fx, c, 100000);
  // 1/100 : 1/400 = 4 : 1.
  CHECK(std::abs(s["fast"] - 0.8) < 0.01);
  CHECK(std::abs(s["slow"] - 0.2) < 0.01);
  CHECK(s.count("far") == 0);
  CHECK(run(kA, c).scope_prefix == 24);

  SUBCASE("weight multiplies: 1 : 2 at 1/100 : 1/400 gives 2 : 1") {
    TableSpec w = spec;
    w.services[0].links[1].weight = 2;
    Fixture fw(w);
    fw.pool_health("fast", HealthState::kUp, 10000);
    fw.pool_health("slow", HealthState::kUp, 20000);
    fw.pool_health("far", HealthState::kUp, 31000);
    Runner rw{fw};
    auto sw = shares(rw, fw, c, 100000);
    CHECK(std::abs(sw["fast"] - 2.0 / 3) < 0.01);
    CHECK(std::abs(sw["slow"] - 1.0 / 3) < 0.01);
  }
  SUBCASE("the best pool dies: its clients spread over what is within tolerance") {
    fx.pool_health("fast", HealthState::kDown);
    auto sd = shares(run, fx, c, 100000);
    // slow 20 ms is best; far 31 ms within 20: 1/400 : 1/961.
    const double a = 1 / 400.0, b = 1 / 961.0;
    CHECK(std::abs(sd["slow"] - a / (a + b)) < 0.01);
    CHECK(std::abs(sd["far"] - b / (a + b)) < 0.01);
  }
  SUBCASE("load above the threshold sheds traffic, unless every pool is above it") {
    fx.pool_health("fast", HealthState::kUp, 10000, 950);  // 0.95 > 0.9
    auto sl = shares(run, fx, c, 20000);
    CHECK(sl.count("fast") == 0);
    fx.pool_health("slow", HealthState::kUp, 20000, 990);
    fx.pool_health("far", HealthState::kUp, 31000, 960);
    sl = shares(run, fx, c, 1000);
    CHECK(sl["fast"] == doctest::Approx(1.0));  // the least loaded
    server::Trace trace;
    run(kA, c, &trace);
    CHECK(trace.rule.find("least loaded") != std::string::npos);
    CHECK(trace.pools[0].load == doctest::Approx(0.95));
    CHECK(trace.pools[0].latency_ms == doctest::Approx(10));
  }
  SUBCASE("distance adds 1 ms per 100 km") {
    TableSpec d = spec;
    d.regions.push_back({"away", 10, 10 + 1000 / 109.5});  // ~1000 km east at 10°N
    d.pools[2].region = "away";
    Fixture fd(d);
    fd.pool_health("fast", HealthState::kUp, 40000);
    fd.pool_health("slow", HealthState::kUp, 40000);
    fd.pool_health("far", HealthState::kUp, 22000);
    Runner rd{fd};
    server::Trace trace;
    rd(kA, c, &trace);
    CHECK(trace.pools[2].distance_km == doctest::Approx(1000).epsilon(0.01));
    CHECK(trace.pools[2].latency_ms == doctest::Approx(32).epsilon(0.01));
  }
}

TEST_CASE("selector proximity: a dead nearest region's clients spread by weight (gdnsd #126)") {
  // Along the equator, 1° ≈ 111.2 km. The client is at 0,0 (an override).
  TableSpec spec;
  spec.regions = {{"at", 0, 0},
                  {"near", 0, 4.5},   // ~500 km
                  {"mid", 0, 10.8},   // ~1200 km: within 500 + max(1000, 250)
                  {"edge", 0, 14.0},  // ~1557 km: just outside
                  {"far", 0, 45}};    // ~5000 km
  spec.pools = {{"at", "at", {"10.0.0.1"}},
                {"near", "near", {"10.0.0.2"}},
                {"mid", "mid", {"10.0.0.3"}},
                {"edge", "edge", {"10.0.0.4"}},
                {"far", "far", {"10.0.0.5"}}};
  ServiceSpec svc;
  svc.policy = Policy::kProximity;
  svc.links = {{"far", 1, 1}, {"edge", 2, 1}, {"mid", 3, 3}, {"near", 4, 1}, {"at", 5, 1}};
  spec.services = {svc};
  spec.overrides = {{"198.51.100.0/24", "at"}};
  Fixture fx(spec);
  Runner run{fx};
  run.rng = server::Rng(17);
  const auto c = client("198.51.100.7", 24);
  CHECK(pool_of(fx, run(kA, c)) == "at");

  fx.pool_health("at", HealthState::kDown);
  auto s = shares(run, fx, c, 100000);
  CHECK(std::abs(s["near"] - 0.25) < 0.015);  // weight 1 : 3
  CHECK(std::abs(s["mid"] - 0.75) < 0.015);
  CHECK(s.count("edge") == 0);
  CHECK(s.count("far") == 0);
  server::Trace trace;
  run(kA, c, &trace);
  CHECK(trace.rule.find("spread") != std::string::npos);
  CHECK(trace.pools[4].distance_km == doctest::Approx(0).epsilon(0.001));
  CHECK(trace.pools[3].distance_km == doctest::Approx(500).epsilon(0.01));

  SUBCASE("a drained nearest region spreads too; the next-nearest up one alone when nearest") {
    fx.pool_health("at", HealthState::kUp);
    TableSpec d = spec;
    d.pools[0].admin = AdminState::kDrain;
    Fixture fd(d);
    Runner rd{fd};
    auto sd = shares(rd, fd, c, 20000);
    CHECK(sd["near"] > 0.2);
    CHECK(sd["mid"] > 0.7);
  }
  SUBCASE("when the nearest pool is up, nobody spreads") {
    fx.pool_health("at", HealthState::kUp);
    fx.pool_health("near", HealthState::kDown);
    auto su = shares(run, fx, c, 1000);
    CHECK(su["at"] == doctest::Approx(1.0));
  }
  SUBCASE("a bias grows a pool's catchment") {
    TableSpec b = spec;
    b.services[0].links[3].bias_km = 600;  // near: 500 - 600 = -100 km < 0
    Fixture fb(b);
    Runner rb{fb};
    CHECK(pool_of(fb, rb(kA, c)) == "near");
  }
}
