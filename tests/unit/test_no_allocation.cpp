// The query path never allocates: count every operator new while the
// responder answers a mix of questions, and while the selector chooses for
// every policy, and require zero.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "server/metrics.h"
#include "tests/unit/selector_fixture.h"
#include "tests/unit/snapshot_fixture.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Replacing the global operator new/delete is how the standard lets a
// program observe allocations; GCC cannot see that free() pairs with it.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
// The nothrow form too (std::stable_sort's temporary buffer uses it): left
// to the runtime, its memory would come back through the free() above.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

// C libraries on the query path (libmaxminddb) allocate with calloc, which operator new does
// not see: the program's own calloc takes precedence over libc's for every library, and
// forwards to glibc's. Not under the sanitizers, which intercept calloc themselves (this file
// is not instrumented there, so it asks the build: GSLB_SANITIZE).
#if !defined(__SANITIZE_ADDRESS__) && !defined(GSLB_SANITIZE)
extern "C" void* __libc_calloc(std::size_t count, std::size_t size);
extern "C" void* calloc(std::size_t count, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
#endif

TEST_CASE("answering queries allocates nothing") {
  auto zone = fixture::zone_from_text("example.test.", R"(
example.test. 3600 IN SOA ns1.example.test. h.example.test. 1 3600 600 604800 300
example.test. 3600 IN NS ns1.example.test.
example.test. 3600 IN MX 10 mail.example.test.
ns1.example.test. 3600 IN A 192.0.2.53
mail.example.test. 3600 IN A 192.0.2.25
www.example.test. 60 IN A 192.0.2.1
alias.example.test. 60 IN CNAME www.example.test.
*.wild.example.test. 60 IN TXT "wild"
sub.example.test. 3600 IN NS ns.sub.example.test.
ns.sub.example.test. 3600 IN A 192.0.2.77
)");
  auto snap = fixture::compile({zone});
  std::vector<std::vector<uint8_t>> queries;
  for (const char* name :
       {"www.example.test.", "alias.example.test.", "x.wild.example.test.", "nope.example.test.",
        "a.sub.example.test.", "example.test.", "other.org."})
    for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_ANY})
      for (bool edns : {false, true})
        queries.push_back(fixture::query_wire(name, type, {.edns = edns}));
  server::ResponderConfig cfg;
  server::QueryContext ctx;
  server::WorkerMetrics metrics;  // counting on, as in a worker
  metrics.bind(snap->services);
  ctx.metrics = &metrics;
  std::vector<uint8_t> out(server::kMaxMessage);

  const long probe = g_allocations.load();
  int* volatile sink = new int(1);  // the counter itself works (volatile: not elided)
  delete sink;
  REQUIRE(g_allocations.load() == probe + 1);

  const long before = g_allocations.load();
  size_t answered = 0;
  for (int round = 0; round < 100; ++round)
    for (const auto& q : queries)
      answered +=
          server::answer_query(*snap, cfg, ctx, q.data(), q.size(), out.data(),
                               round % 2 ? server::Transport::kTcp : server::Transport::kUdp) > 0;
  CHECK(g_allocations.load() - before == 0);
  CHECK(answered == 100 * queries.size());
  server::QueryTotals totals;
  metrics.collect(totals);
  CHECK(totals.queries[0][server::qtype_slot(1)][0] > 0);  // it did count
}

TEST_CASE("counting answers per service and pool allocates nothing") {
  auto zone = fixture::zone_from_text("gslb.test.", R"(
gslb.test. 3600 IN SOA ns1.gslb.test. h.gslb.test. 1 3600 600 604800 60
gslb.test. 3600 IN NS ns1.gslb.test.
)");
  zones::GslbConfig c;
  c.regions = {{"east", 40.7, -74.0, "NA", "US"}, {"west", 37.8, -122.4, "NA", "US"}};
  zones::Pool east;
  east.name = east.region = "east";
  east.members = {{1, "10.1.0.1", "", 1, zones::AdminState::kEnabled},
                  {2, "fd00::1", "", 1, zones::AdminState::kEnabled}};
  zones::Pool west = east;
  west.name = west.region = "west";
  west.members = {{3, "10.2.0.1", "", 1, zones::AdminState::kEnabled},
                  {4, "fd00::2", "", 1, zones::AdminState::kEnabled}};
  c.pools = {east, west};
  zones::Service all;
  all.name = "all.gslb.test.";
  all.policy = zones::Policy::kAll;
  all.max_answers = 4;
  all.pools = {{"east", 1, 1, 0}, {"west", 1, 1, 0}};
  zones::Service fb;
  fb.name = "fb.gslb.test.";
  fb.pools = {{"east", 1, 1, 0}};
  fb.when_all_down = zones::WhenAllDown::kFallback;
  fb.fallback = {"198.51.100.9", "2001:db8::9"};
  c.services = {all, fb};
  auto compiled = zones::compile_snapshot({zone}, c, 1);
  REQUIRE(compiled);
  const zones::SnapshotPtr snap = *compiled;
  std::vector<std::vector<uint8_t>> queries;
  for (const char* name : {"all.gslb.test.", "fb.gslb.test."})
    for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_ANY})
      queries.push_back(fixture::query_wire(name, type));
  server::WorkerMetrics metrics;
  metrics.bind(snap->services);
  server::QueryContext ctx;
  ctx.metrics = &metrics;
  std::vector<uint8_t> out(server::kMaxMessage);

  const long before = g_allocations.load();
  for (int round = 0; round < 100; ++round) {
    // Every other round east is down: fb answers from its fallback list.
    const auto east = round % 2 ? zones::HealthState::kDown : zones::HealthState::kUp;
    snap->services.health[0].state.store(static_cast<uint8_t>(east));
    snap->services.health[1].state.store(static_cast<uint8_t>(east));
    for (const auto& q : queries)
      server::answer_query(*snap, {}, ctx, q.data(), q.size(), out.data(), server::Transport::kUdp);
  }
  CHECK(g_allocations.load() - before == 0);
  server::QueryTotals totals;
  metrics.collect(totals);
  // all/east, all/west, fb/east and fb's fallback list.
  CHECK(totals.answers.size() == 4);
  CHECK(totals.answers.count({"fb.gslb.test.", server::kFallbackPool}) == 1);
}

TEST_CASE("the selector allocates nothing without a trace") {
  using namespace selfix;
  testsupport::TempDir dir("gslb-noalloc");
  auto opened = geo::GeoDb::open(make_test_mmdb(dir));
  REQUIRE(opened);
  const std::unique_ptr<geo::GeoDb> geodb = std::move(*opened);

  TableSpec spec;
  spec.regions = {{"us-east", 40.7, -74.0, "NA", "US"},
                  {"eu-central", 50.1, 8.7, "EU", "DE"},
                  {"ap-northeast", 35.7, 139.7, "AS", "JP"}};
  spec.pools = {{"us", "us-east", {"192.0.2.1", "192.0.2.11", "2001:db8::1"}},
                {"eu", "eu-central", {"192.0.2.2", "2001:db8::2"}},
                {"ap", "ap-northeast", {"192.0.2.3"}}};
  for (zones::Policy policy :
       {zones::Policy::kFailover, zones::Policy::kWeighted, zones::Policy::kGeo,
        zones::Policy::kProximity, zones::Policy::kLatency, zones::Policy::kAll}) {
    for (zones::WhenAllDown down : {zones::WhenAllDown::kFailOpen, zones::WhenAllDown::kFallback}) {
      ServiceSpec svc;
      svc.name = "s" + std::to_string(spec.services.size()) + ".gslb.test.";
      svc.policy = policy;
      svc.links = {{"us", 1, 1}, {"eu", 2, 2}, {"ap", 3, 1, 100}};
      svc.max_answers = 2;
      svc.when_all_down = down;
      svc.fallback = {"198.51.100.99", "2001:db8::99"};
      svc.affinity = zones::Affinity::kSubnet;
      svc.geo = {{"cidr:10.0.0.0/8", {"ap"}}, {"country:DE", {"eu"}}, {"default", {"us", "eu"}}};
      svc.overrides = {{"10.1.0.0/16", "eu-central"}};
      spec.services.push_back(svc);
    }
  }
  spec.overrides = {{"172.16.0.0/12", "ap-northeast"}};
  Fixture fx(spec);
  fx.health("us", "192.0.2.1", HealthState::kUp, 12000, 300);
  fx.health("eu", "192.0.2.2", HealthState::kUp, 8000, 950);
  const server::Client clients[] = {client("198.51.100.7"),     client("203.0.113.0", 24),
                                    client("2001:db8:1::", 56), client("10.1.2.0", 24),
                                    client("172.16.9.9"),       client("192.168.1.1")};
  server::Rng rng(1);
  server::SelectorEnv env{.table = &fx.table, .geodb = geodb.get(), .rng = &rng};
  auto run_all = [&] {
    size_t answered = 0;
    for (const auto& service : fx.table.services)
      for (const auto& c : clients)
        for (uint16_t qtype : {kA, kAAAA}) answered += server::select(service, qtype, c, env).count;
    return answered;
  };
  const long before = g_allocations.load();
  size_t answered = 0;
  for (int round = 0; round < 20; ++round) {
    // Healthy, then the nearest and first pools down (spread, failover),
    // then everything down (fail-open and fallback).
    const HealthState us = round % 3 == 0 ? HealthState::kUp : HealthState::kDown;
    const HealthState rest = round % 3 == 2 ? HealthState::kDown : HealthState::kUnknown;
    fx.table.health[fx.member("us", "2001:db8::1")].state.store(static_cast<uint8_t>(us));
    fx.table.health[fx.member("us", "192.0.2.11")].state.store(static_cast<uint8_t>(us));
    for (const char* p : {"eu", "ap"})
      for (uint32_t m = fx.table.pools[fx.pool_index(p)].members_begin;
           m < fx.table.pools[fx.pool_index(p)].members_begin +
                   fx.table.pools[fx.pool_index(p)].member_count;
           ++m)
        fx.table.health[m].state.store(static_cast<uint8_t>(rest));
    answered += run_all();
  }
  CHECK(g_allocations.load() - before == 0);
  CHECK(answered > 0);

  server::Trace trace;  // with a trace it may allocate, and says why
  server::select(fx.table.services[0], kA, clients[0], env, &trace);
  CHECK_FALSE(trace.rule.empty());
}
