// Location-based selection: the geo policy's specificity order and
// fallbacks, CIDR overrides, the GeoIP database (the generated GeoIP2-City
// test database), the "default order" notes, and the ECS scope rules.
#include <doctest/doctest.h>

#include <algorithm>

#include "geo/geo_db.h"
#include "tests/unit/selector_fixture.h"

using namespace selfix;
using zones::Policy;

namespace {

bool has_note(const server::Trace& t, const std::string& text) {
  return std::any_of(t.notes.begin(), t.notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

std::vector<RegionSpec> world() {
  return {{"us-east", 40.7, -74.0, "NA", "US"},
          {"eu-central", 50.1, 8.7, "EU", "DE"},
          {"ap-northeast", 35.7, 139.7, "AS", "JP"},
          {"sa-east", -23.5, -46.6, "SA", "BR"},
          {"eu-west", 48.9, 2.4, "EU", "FR"}};
}

std::vector<PoolSpec> world_pools() {
  return {{"us", "us-east", {"192.0.2.1", "2001:db8:f::1"}},
          {"eu", "eu-central", {"192.0.2.2", "2001:db8:f::2"}},
          {"ap", "ap-northeast", {"192.0.2.3", "2001:db8:f::3"}},
          {"sa", "sa-east", {"192.0.2.4", "2001:db8:f::4"}},
          {"fr", "eu-west", {"192.0.2.5", "2001:db8:f::5"}}};
}

// A geo service whose entries name every specificity.
TableSpec geo_spec() {
  TableSpec spec;
  spec.regions = world();
  spec.pools = world_pools();
  ServiceSpec svc;
  svc.policy = Policy::kGeo;
  svc.links = {{"us", 1}, {"eu", 2}, {"ap", 3}, {"sa", 4}, {"fr", 5}};
  svc.geo = {{"continent:EU", {"fr", "eu"}},
             {"country:DE", {"eu", "fr"}},
             {"cidr:10.0.0.0/8", {"sa"}},
             {"cidr:10.1.0.0/16", {"ap"}},
             {"default", {"us", "eu"}}};
  spec.services = {svc};
  return spec;
}

struct Mmdb {
  testsupport::TempDir dir{"gslb-selector"};
  std::unique_ptr<geo::GeoDb> db;
  Mmdb() {
    auto opened = geo::GeoDb::open(make_test_mmdb(dir));
    REQUIRE(opened);
    db = std::move(*opened);
  }
};

}  // namespace

TEST_CASE("selector geo: CIDR (longest) > country > continent > default") {
  TableSpec spec = geo_spec();
  spec.overrides = {{"198.51.100.0/24", "eu-central"},  // DE, EU
                    {"198.51.101.0/24", "eu-west"},     // FR, EU
                    {"198.51.102.0/24", "sa-east"},     // BR, SA
                    {"10.1.2.0/24", "eu-central"}};     // but the CIDR entry wins
  Fixture fx(spec);
  Runner run{fx};
  CHECK(pool_of(fx, run(kA, client("10.1.2.3"))) == "ap");      // cidr /16 beats /8
  CHECK(pool_of(fx, run(kA, client("10.2.0.1"))) == "sa");      // cidr /8
  CHECK(pool_of(fx, run(kA, client("198.51.100.1"))) == "eu");  // country DE beats EU
  CHECK(pool_of(fx, run(kA, client("198.51.101.1"))) == "fr");  // continent EU
  CHECK(pool_of(fx, run(kA, client("198.51.102.1"))) == "us");  // SA: default
  CHECK(pool_of(fx, run(kA, client("203.0.113.1"))) == "us");   // unknown: default

  server::Trace trace;
  run(kA, client("198.51.100.1"), &trace);
  CHECK(trace.rule.find("country:DE") != std::string::npos);
  CHECK(trace.location_source == "cidr override 198.51.100.0/24 -> eu-central");
  CHECK(trace.location.find("EU/DE") != std::string::npos);

  SUBCASE("the entry's pools in order, then the default entry's, then any by priority") {
    fx.pool_health("eu", HealthState::kDown);
    CHECK(pool_of(fx, run(kA, client("198.51.100.1"))) == "fr");  // DE: eu, fr
    fx.pool_health("fr", HealthState::kDown);
    CHECK(pool_of(fx, run(kA, client("198.51.100.1"))) == "us");  // default: us, eu
    fx.pool_health("us", HealthState::kDown);
    server::Trace t;
    CHECK(pool_of(fx, run(kA, client("198.51.100.1"), &t)) == "ap");  // by priority
    CHECK(t.rule.find("by priority") != std::string::npos);
  }
  SUBCASE("no default entry and no match: any up pool by priority") {
    TableSpec nd = geo_spec();
    nd.services[0].geo.pop_back();
    Fixture fn(nd);
    Runner rn{fn};
    CHECK(pool_of(fn, rn(kA, client("203.0.113.1"))) == "us");
    fn.pool_health("us", HealthState::kDown);
    CHECK(pool_of(fn, rn(kA, client("203.0.113.1"))) == "eu");
  }
  SUBCASE("without a GeoIP database, country and continent entries never match: a note says so") {
    server::Trace t;
    CHECK(pool_of(fx, run(kA, client("203.0.113.1"), &t)) == "us");
    CHECK(has_note(t, "no GeoIP database: default order"));
  }
}

TEST_CASE("selector geo with the GeoIP2 test database") {
  Mmdb mmdb;
  Fixture fx(geo_spec());
  Runner run{fx};
  run.geodb = mmdb.db.get();
  auto sel = run(kA, client("203.0.113.5", 24));  // DE (the /25)
  CHECK(pool_of(fx, sel) == "eu");
  CHECK(sel.scope_prefix == 24);              // the /25 capped at the source prefix
  sel = run(kA, client("2001:db8:1::", 56));  // FR, /48
  CHECK(pool_of(fx, sel) == "fr");
  CHECK(sel.scope_prefix == 48);
  sel = run(kA, client("198.51.100.0", 24));  // US: default
  CHECK(pool_of(fx, sel) == "us");
  CHECK(sel.scope_prefix == 24);
  server::Trace t;
  sel = run(kA, client("172.16.5.0", 24), &t);  // not in the database
  CHECK(pool_of(fx, sel) == "us");
  CHECK(has_note(t, "client not in the GeoIP database: default order"));
  CHECK(sel.scope_prefix == 24);  // unknown clients: good only for their own subnet
}

TEST_CASE("selector proximity and latency with the GeoIP2 test database") {
  Mmdb mmdb;
  TableSpec spec;
  spec.regions = world();
  spec.pools = world_pools();
  ServiceSpec svc;
  svc.policy = Policy::kProximity;
  svc.links = {{"us", 1}, {"eu", 2}, {"ap", 3}, {"sa", 4}};
  spec.services = {svc};
  svc.name = "lat.gslb.test.";
  svc.policy = Policy::kLatency;
  spec.services.push_back(svc);
  Fixture fx(spec);
  Runner run{fx};
  run.geodb = mmdb.db.get();
  for (size_t s : {0, 1}) {
    CAPTURE(s);
    CHECK(pool_of(fx, run(kA, client("198.51.100.7"), nullptr, s)) == "us");
    CHECK(pool_of(fx, run(kA, client("203.0.113.5"), nullptr, s)) == "eu");
    CHECK(pool_of(fx, run(kA, client("203.0.113.200"), nullptr, s)) == "ap");
    CHECK(pool_of(fx, run(kAAAA, client("2001:db8:2::1"), nullptr, s)) == "sa");
    CHECK(pool_of(fx, run(kAAAA, client("2001:db8:1::1"), nullptr, s)) == "eu");  // Paris
    auto sel = run(kA, client("203.0.113.128", 25), nullptr, s);
    CHECK(pool_of(fx, sel) == "ap");
    CHECK(sel.scope_prefix == 25);
  }
  server::Trace t;
  auto sel = run(kA, client("203.0.113.0", 24), &t);
  CHECK(pool_of(fx, sel) == "eu");
  CHECK(sel.scope_prefix == 24);
  CHECK(t.location_source == "ecs");
  CHECK(t.location.find("EU/DE 50.10,8.70 (network /25)") != std::string::npos);
  CHECK(t.pools[1].distance_km == doctest::Approx(0).epsilon(0.01));
  CHECK(t.pools[0].distance_km > 6000);

  SUBCASE("the nearest region down: the next nearest") {
    fx.pool_health("eu", HealthState::kDown);
    CHECK(pool_of(fx, run(kA, client("203.0.113.200"))) == "ap");  // unaffected
    server::Trace t2;
    // From Frankfurt: us ~6200 km, ap ~9300 km, sa ~9800 km. Spread radius:
    // 6200 + 3100: ap is just beyond it.
    for (int i = 0; i < 200; ++i) CHECK(pool_of(fx, run(kA, client("203.0.113.5"))) == "us");
    run(kA, client("203.0.113.5"), &t2);
    CHECK(t2.pools[1].state.find("down") == 0);
  }
  SUBCASE("a client unknown to the database gets the default order, with a note") {
    server::Trace t2;
    sel = run(kA, client("10.9.8.7"), &t2);
    CHECK(pool_of(fx, sel) == "us");
    CHECK(has_note(t2, "client not in the GeoIP database: default order"));
  }
}

TEST_CASE("selector proximity/latency without a GeoIP database: default order with a note") {
  TableSpec spec;
  spec.regions = world();
  spec.pools = world_pools();
  ServiceSpec svc;
  svc.policy = Policy::kProximity;
  svc.links = {{"eu", 2}, {"us", 1}};
  spec.services = {svc};
  svc.name = "lat.gslb.test.";
  svc.policy = Policy::kLatency;
  spec.services.push_back(svc);
  spec.overrides = {{"203.0.113.0/24", "eu-central"}};
  Fixture fx(spec);
  Runner run{fx};
  for (size_t s : {0, 1}) {
    server::Trace t;
    auto sel = run(kA, client("198.51.100.7", 24), &t, s);
    CHECK(pool_of(fx, sel) == "us");  // priority order
    CHECK(has_note(t, "no GeoIP database: default order"));
    // Not located, so the same answer for everyone but the override's
    // clients: 198 and 203 share 4 leading bits, /5 keeps 203.0.113/24 out.
    CHECK(sel.scope_prefix == 5);
    // An override locates a client even without a database.
    sel = run(kA, client("203.0.113.9", 24), nullptr, s);
    CHECK(pool_of(fx, sel) == "eu");
    CHECK(sel.scope_prefix == 24);
    fx.pool_health("us", HealthState::kDown);
    CHECK(pool_of(fx, run(kA, client("198.51.100.7", 24), nullptr, s)) == "eu");
    fx.pool_health("us", HealthState::kUnknown);
  }
}

TEST_CASE("selector ECS scope rules") {
  const std::vector<std::string> v4_members = {"192.0.2.1"};
  SUBCASE("0 when the answer does not depend on the client") {
    for (Policy p : {Policy::kFailover, Policy::kWeighted, Policy::kAll}) {
      TableSpec spec;
      spec.regions = world();
      spec.pools = world_pools();
      ServiceSpec svc;
      svc.policy = p;
      svc.links = {{"us"}, {"eu"}};
      spec.services = {svc};
      spec.overrides = {{"198.51.100.0/24", "eu-central"}};
      Fixture fx(spec);
      Runner run{fx};
      CHECK(run(kA, client("198.51.100.7", 24)).scope_prefix == 0);
    }
    TableSpec spec = geo_spec();
    spec.services[0].geo = {{"default", {"eu"}}};
    spec.overrides = {{"198.51.100.0/24", "us-east"}};
    Fixture fx(spec);
    Runner run{fx};
    CHECK(run(kA, client("198.51.100.7", 24)).scope_prefix == 0);
  }
  SUBCASE("the override's prefix, capped at the source prefix") {
    TableSpec spec;
    spec.regions = world();
    spec.pools = world_pools();
    ServiceSpec svc;
    svc.policy = Policy::kProximity;
    svc.links = {{"us"}, {"eu"}};
    svc.overrides = {{"198.51.0.0/16", "eu-central"}};  // the service's own, first
    spec.services = {svc};
    spec.overrides = {{"198.51.100.0/24", "us-east"},  // global: longer but second
                      {"203.0.0.0/8", "us-east"}};
    Fixture fx(spec);
    Runner run{fx};
    server::Trace t;
    auto sel = run(kA, client("198.51.100.7", 24), &t);
    CHECK(pool_of(fx, sel) == "eu");  // per-service overrides come first
    CHECK(sel.scope_prefix == 16);
    CHECK(t.location_source == "service cidr override 198.51.0.0/16 -> eu-central");
    sel = run(kA, client("203.0.113.7", 24));
    CHECK(pool_of(fx, sel) == "us");
    CHECK(sel.scope_prefix == 8);
    // A source prefix shorter than an override cannot match it; the scope,
    // lengthened for 203/8 (7 bits shared), is capped at the source prefix.
    sel = run(kA, client("203.0.0.0", 6));
    CHECK(sel.scope_prefix == 6);
  }
  SUBCASE("an override inside the client's network lengthens the scope") {
    TableSpec spec;
    spec.regions = world();
    spec.pools = world_pools();
    ServiceSpec svc;
    svc.policy = Policy::kProximity;
    svc.links = {{"us"}, {"eu"}};
    spec.services = {svc};
    spec.overrides = {{"198.51.0.0/16", "eu-central"},
                      {"198.51.100.128/25", "us-east"},  // inside the /16, not the client
                      {"198.51.200.0/24", "us-east"}};   // inside the /16, far from the client
    Fixture fx(spec);
    Runner run{fx};
    // 198.51.100.7 and 198.51.100.128/25 share 24 bits: /25 keeps the
    // override out (198.51.200/24 shares 16 bits: /17 alone would do).
    auto sel = run(kA, client("198.51.100.7"));
    CHECK(pool_of(fx, sel) == "eu");
    CHECK(sel.scope_prefix == 25);
    sel = run(kA, client("198.51.100.0", 24));  // capped at the source prefix
    CHECK(sel.scope_prefix == 24);
    // 198.51.7.0 shares 17 bits with .100.128/25 (needs /18) and 16 with
    // .200.0/24 (needs /17): /18.
    sel = run(kA, client("198.51.7.0", 24));
    CHECK(sel.scope_prefix == 18);
  }
  SUBCASE("a GeoIP network containing an unmatched override") {
    Mmdb mmdb;
    TableSpec spec;
    spec.regions = world();
    spec.pools = world_pools();
    ServiceSpec svc;
    svc.policy = Policy::kProximity;
    svc.links = {{"us"}, {"eu"}};
    svc.overrides = {{"198.51.100.64/26", "eu-central"}};
    spec.services = {svc};
    Fixture fx(spec);
    Runner run{fx};
    run.geodb = mmdb.db.get();
    auto sel = run(kA, client("198.51.100.7", 32));  // US /24; the /26 shares 25 bits
    CHECK(pool_of(fx, sel) == "us");
    CHECK(sel.scope_prefix == 26);
    sel = run(kA, client("198.51.100.200", 32));  // shares 24 bits with .64/26
    CHECK(sel.scope_prefix == 25);
    sel = run(kA, client("198.51.100.70", 32));  // the override itself
    CHECK(pool_of(fx, sel) == "eu");
    CHECK(sel.scope_prefix == 26);
  }
  SUBCASE("geo CIDR entries: the matched entry's prefix, lengthened for entries inside") {
    Fixture fx(geo_spec());  // cidr 10/8 -> sa, 10.1/16 -> ap
    Runner run{fx};
    auto sel = run(kA, client("10.2.0.0", 24));
    CHECK(pool_of(fx, sel) == "sa");
    CHECK(sel.scope_prefix == 15);  // 10.2 and 10.1 share 14 bits; /15 excludes 10.1/16
    sel = run(kA, client("10.1.0.0", 24));
    CHECK(sel.scope_prefix == 16);
    sel = run(kA, client("10.0.0.0", 12));  // the /16 is beyond the source prefix
    CHECK(pool_of(fx, sel) == "sa");
    CHECK(sel.scope_prefix == 12);
    // A client outside every CIDR entry, no database: country/continent never
    // match, so only the CIDR entries matter: 11.x shares 7 bits with 10/8.
    sel = run(kA, client("11.0.0.0", 24));
    CHECK(pool_of(fx, sel) == "us");
    CHECK(sel.scope_prefix == 8);
  }
}
