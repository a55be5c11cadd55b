// Counting through the real query path: answer_query with a worker's
// counters counts transport/qtype/rcode, truncation, drops and the pool of
// every answered address; the counts survive a switch to a new snapshot and
// can be read from another thread while a worker counts.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "server/metrics_render.h"
#include "tests/unit/snapshot_fixture.h"

namespace {

using server::Transport;

zones::ZoneContent gslb_zone() {
  std::string text = R"(
gslb.test. 3600 IN SOA ns1.gslb.test. h.gslb.test. 1 3600 600 604800 60
gslb.test. 3600 IN NS ns1.gslb.test.
ns1.gslb.test. 3600 IN A 192.0.2.53
)";
  for (int i = 0; i < 20; ++i)  // too big for 512 bytes: truncated over UDP
    text += "big.gslb.test. 60 IN TXT \"" + std::string(40, static_cast<char>('a' + i)) + "\"\n";
  return fixture::zone_from_text("gslb.test.", text);
}

zones::Pool pool(const std::string& name, const std::string& address, int64_t id) {
  zones::Pool p;
  p.name = p.region = name;
  p.members = {{id, address, "", 1, zones::AdminState::kEnabled}};
  return p;
}

// www: failover east (first) then `second`; fb: east only, fallback
// addresses when it is down.
zones::SnapshotPtr compile(const std::string& second, uint64_t generation) {
  zones::GslbConfig c;
  c.regions = {{"east", 40.7, -74.0, "NA", "US"}, {second, 37.8, -122.4, "NA", "US"}};
  c.pools = {pool("east", "10.1.0.1", 1), pool(second, "10.2.0.1", 2)};
  zones::Service www;
  www.name = "www.gslb.test.";
  www.pools = {{"east", 1, 1, 0}, {second, 2, 1, 0}};
  zones::Service fb;
  fb.name = "fb.gslb.test.";
  fb.pools = {{"east", 1, 1, 0}};
  fb.when_all_down = zones::WhenAllDown::kFallback;
  fb.fallback = {"198.51.100.9"};
  c.services = {www, fb};
  auto snap = zones::compile_snapshot({gslb_zone()}, c, generation);
  REQUIRE_MESSAGE(snap.has_value(), (snap ? "" : snap.error().text()));
  return *snap;
}

void set_health(const zones::Snapshot& snap, const std::string& pool, zones::HealthState state) {
  const zones::ServiceTable& t = snap.services;
  for (size_t m = 0; m < t.members.size(); ++m)
    if (t.pools[t.members[m].pool].name == pool)
      t.health[m].state.store(static_cast<uint8_t>(state));
}

struct Asker {
  server::WorkerMetrics metrics;
  server::QueryContext ctx;
  std::vector<uint8_t> out = std::vector<uint8_t>(server::kMaxMessage);
  Asker() { ctx.metrics = &metrics; }

  size_t ask(const zones::Snapshot& snap, const std::vector<uint8_t>& wire, Transport t) {
    return server::answer_query(snap, {}, ctx, wire.data(), wire.size(), out.data(), t);
  }
  size_t ask(const zones::Snapshot& snap, const char* name, ldns_rr_type type,
             Transport t = Transport::kUdp) {
    return ask(snap, fixture::query_wire(name, type), t);
  }
  server::QueryTotals totals() const {
    server::QueryTotals totals;
    metrics.collect(totals);
    return totals;
  }
};

uint64_t queries(const server::QueryTotals& t, Transport transport, uint16_t qtype,
                 uint16_t rcode) {
  return t.queries[static_cast<size_t>(transport)][server::qtype_slot(qtype)]
                  [server::rcode_slot(rcode)];
}

}  // namespace

TEST_CASE("answer_query counts queries by transport, qtype and rcode, truncation and drops") {
  auto snap = compile("west", 1);
  Asker a;
  a.metrics.bind(snap->services);
  a.ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_A);
  a.ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_A, Transport::kTcp);
  a.ask(*snap, "nope.gslb.test.", LDNS_RR_TYPE_AAAA, Transport::kTcp);
  a.ask(*snap, "example.org.", LDNS_RR_TYPE_SRV);
  a.ask(*snap, "big.gslb.test.", LDNS_RR_TYPE_TXT);  // truncated over UDP
  a.ask(*snap, "big.gslb.test.", LDNS_RR_TYPE_TXT, Transport::kTcp);
  a.ask(*snap, "gslb.test.", LDNS_RR_TYPE_NAPTR);
  std::vector<uint8_t> response = fixture::query_wire("www.gslb.test.", LDNS_RR_TYPE_A);
  response[2] |= 0x80;  // QR set: dropped
  CHECK(a.ask(*snap, response, Transport::kUdp) == 0);
  CHECK(a.ask(*snap, std::vector<uint8_t>{1, 2, 3}, Transport::kUdp) == 0);  // too short
  std::vector<uint8_t> garbage = fixture::query_wire("www.gslb.test.", LDNS_RR_TYPE_A);
  garbage.push_back(0);  // a byte the counts do not account for: FORMERR
  a.ask(*snap, garbage, Transport::kUdp);

  const server::QueryTotals t = a.totals();
  CHECK(queries(t, Transport::kUdp, 1, 0) == 1);
  CHECK(queries(t, Transport::kTcp, 1, 0) == 1);
  CHECK(queries(t, Transport::kTcp, 28, 3) == 1);
  CHECK(queries(t, Transport::kUdp, 33, 5) == 1);
  CHECK(queries(t, Transport::kUdp, 16, 0) == 1);
  CHECK(queries(t, Transport::kTcp, 16, 0) == 1);
  CHECK(queries(t, Transport::kUdp, 35, 0) == 1);  // NAPTR counts as "other"
  CHECK(queries(t, Transport::kUdp, 1, 1) == 1);
  CHECK(t.truncated == 1);
  CHECK(t.dropped == 2);
}

TEST_CASE("answers are counted per service and per pool the address came from") {
  auto snap = compile("west", 1);
  Asker a;
  a.metrics.bind(snap->services);
  a.ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_A);
  a.ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_ANY);
  a.ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_AAAA);  // no IPv6 member: NODATA, no address
  set_health(*snap, "east", zones::HealthState::kDown);
  a.ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_A);  // east down: west answers
  a.ask(*snap, "fb.gslb.test.", LDNS_RR_TYPE_A);   // east down: the fallback list answers
  const server::QueryTotals t = a.totals();
  CHECK(t.answers.at({"www.gslb.test.", "east"}) == 2);
  CHECK(t.answers.at({"www.gslb.test.", "west"}) == 1);
  CHECK(t.answers.at({"fb.gslb.test.", server::kFallbackPool}) == 1);
  CHECK(t.answers.size() == 3);
}

TEST_CASE("answers per member (for drill reports) are collected only when asked for") {
  auto first = compile("west", 1);
  auto second = compile("north", 2);
  Asker a;
  a.metrics.bind(first->services);
  a.ask(*first, "www.gslb.test.", LDNS_RR_TYPE_A);  // east's 10.1.0.1
  set_health(*first, "east", zones::HealthState::kDown);
  a.ask(*first, "www.gslb.test.", LDNS_RR_TYPE_A);   // west's 10.2.0.1
  a.ask(*first, "fb.gslb.test.", LDNS_RR_TYPE_A);    // a fallback address: no member
  a.metrics.bind(second->services);                  // counts survive the switch
  a.ask(*second, "www.gslb.test.", LDNS_RR_TYPE_A);  // east again
  CHECK(a.totals().member_answers.empty());          // a scrape does not pay for them
  server::QueryTotals t;
  a.metrics.collect(t, /*with_members=*/true);
  CHECK(t.member_answers.at({"east", "10.1.0.1"}) == 2);
  CHECK(t.member_answers.at({"west", "10.2.0.1"}) == 1);
  CHECK(t.member_answers.size() == 2);
}

TEST_CASE("answers from a snapshot the counters are not bound to are not counted") {
  auto bound = compile("west", 1);
  auto other = compile("west", 2);  // explain and tests answer from their own snapshots
  Asker a;
  a.metrics.bind(bound->services);
  a.ask(*other, "www.gslb.test.", LDNS_RR_TYPE_A);
  CHECK(a.totals().answers.empty());
  CHECK(queries(a.totals(), Transport::kUdp, 1, 0) == 1);  // the query itself still counts
}

TEST_CASE("answer counts survive a switch to a snapshot without their pool") {
  auto first = compile("west", 1);
  auto second = compile("north", 2);  // west is gone, north is new
  Asker a;
  a.metrics.bind(first->services);
  set_health(*first, "east", zones::HealthState::kDown);
  a.ask(*first, "www.gslb.test.", LDNS_RR_TYPE_A);  // west
  a.ask(*first, "www.gslb.test.", LDNS_RR_TYPE_A);  // west
  a.ask(*first, "fb.gslb.test.", LDNS_RR_TYPE_A);   // fallback
  a.metrics.bind(second->services);
  a.ask(*second, "www.gslb.test.", LDNS_RR_TYPE_A);  // east (healthy in the new snapshot)
  a.ask(*second, "fb.gslb.test.", LDNS_RR_TYPE_A);   // east
  a.metrics.bind(first->services);                   // and back: counts only add up
  a.ask(*first, "www.gslb.test.", LDNS_RR_TYPE_A);   // west again

  const server::QueryTotals t = a.totals();
  CHECK(t.answers.at({"www.gslb.test.", "west"}) == 3);
  CHECK(t.answers.at({"www.gslb.test.", "east"}) == 1);
  CHECK(t.answers.at({"fb.gslb.test.", "east"}) == 1);
  CHECK(t.answers.at({"fb.gslb.test.", server::kFallbackPool}) == 1);

  // The page also lists the serving snapshot's links that answered nothing.
  server::GslbdMetricsInput in;
  in.workers = {&a.metrics};
  in.snapshot = second;
  const std::string page = server::render_gslbd_metrics(in);
  CHECK(page.find("gslb_answers_total{service=\"www.gslb.test.\",pool=\"west\"} 3\n") !=
        std::string::npos);
  CHECK(page.find("gslb_answers_total{service=\"www.gslb.test.\",pool=\"north\"} 0\n") !=
        std::string::npos);
  CHECK(page.find("gslb_member_up{pool=\"north\",address=\"10.2.0.1\"} -1\n") !=
        std::string::npos);  // no report yet: unknown
  CHECK(page.find("gslb_members{state=\"unknown\"} 2\n") != std::string::npos);
}

// Under TSan this proves the scrape side race-free; without it, that the
// totals a reader sees never go down while a worker counts and switches.
TEST_CASE("a scrape thread reads the counters while the worker counts and switches") {
  auto first = compile("west", 1);
  auto second = compile("north", 2);
  Asker a;
  a.metrics.bind(first->services);
  const auto wire = fixture::query_wire("www.gslb.test.", LDNS_RR_TYPE_A);
  std::atomic<bool> done{false};
  std::thread worker([&] {
    for (int i = 0; i < 20000; ++i) {
      const zones::Snapshot& snap = (i / 1000) % 2 ? *second : *first;
      if (i % 1000 == 0) a.metrics.bind(snap.services);  // a new snapshot every 1000 queries
      a.ask(snap, wire, Transport::kUdp);
    }
    done = true;
  });
  uint64_t last_queries = 0, last_answers = 0;
  bool monotonic = true;
  while (!done) {
    const server::QueryTotals t = a.totals();
    uint64_t answers = 0;
    for (const auto& [key, count] : t.answers) answers += count;
    const uint64_t q = queries(t, Transport::kUdp, 1, 0);
    monotonic = monotonic && q >= last_queries && answers >= last_answers;
    last_queries = q;
    last_answers = answers;
  }
  worker.join();
  CHECK(monotonic);
  const server::QueryTotals t = a.totals();
  CHECK(queries(t, Transport::kUdp, 1, 0) == 20000);
  uint64_t answers = 0;
  for (const auto& [key, count] : t.answers) answers += count;
  CHECK(answers == 20000);
}
