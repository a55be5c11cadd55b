// Services in the snapshot: the compiler links service owners to nodes (not
// below a delegation), sorts links by priority, and the responder answers A
// and AAAA from the selector while static records answer other types.
#include <doctest/doctest.h>

#include "tests/unit/snapshot_fixture.h"

namespace {

zones::ZoneContent test_zone() {
  return fixture::zone_from_text("gslb.test.", R"(
gslb.test. 3600 IN SOA ns1.gslb.test. h.gslb.test. 1 3600 600 604800 60
gslb.test. 3600 IN NS ns1.gslb.test.
ns1.gslb.test. 3600 IN A 192.0.2.53
www.gslb.test. 300 IN TXT "static data at a service name"
sub.gslb.test. 3600 IN NS ns.elsewhere.example.
)");
}

zones::GslbConfig test_config() {
  zones::GslbConfig c;
  c.regions = {{"east", 40.7, -74.0, "NA", "US"}, {"west", 37.8, -122.4, "NA", "US"}};
  zones::Pool east;
  east.name = east.region = "east";
  east.members = {{1, "10.1.0.1", "e1", 1, zones::AdminState::kEnabled},
                  {2, "fd00::1", "", 1, zones::AdminState::kEnabled}};
  zones::Pool west;
  west.name = west.region = "west";
  west.members = {{3, "10.2.0.1", "", 1, zones::AdminState::kEnabled}};
  c.pools = {east, west};
  zones::Service www;
  www.name = "www.gslb.test.";
  www.pools = {{"west", 2, 1, 0}, {"east", 1, 1, 0}};
  zones::Service deep = www;
  deep.name = "a.b.gslb.test.";  // creates the empty non-terminal b.gslb.test.
  zones::Service below = www;
  below.name = "x.sub.gslb.test.";  // below a delegation: not served
  c.services = {www, deep, below};
  return c;
}

zones::SnapshotPtr compile_with_services() {
  auto snap = zones::compile_snapshot({test_zone()}, test_config(), 1);
  REQUIRE_MESSAGE(snap.has_value(), (snap ? "" : snap.error().text()));
  return *snap;
}

std::vector<std::string> answers(const fixture::Packet& p) {
  return fixture::section(ldns_pkt_answer(p.get()));
}

}  // namespace

TEST_CASE("compiled services: nodes, priority order, delegations") {
  auto snap = compile_with_services();
  const zones::ServiceTable& t = snap->services;
  REQUIRE(t.services.size() == 3);
  const zones::CompiledService& www = t.services[0];
  REQUIRE(www.link_count == 2);
  CHECK(t.pools[t.links[www.links_begin].pool].name == "east");  // priority 1 first
  CHECK(t.members[0].label == "e1");
  CHECK(t.members[1].label == "fd00::1");
  CHECK(t.members[1].family == 2);
  REQUIRE(www.node != zones::kNone);
  CHECK(snap->nodes[www.node].service == 0);
  CHECK(t.services[1].node != zones::kNone);
  CHECK(t.services[2].node == zones::kNone);  // x.sub.gslb.test. lies below a delegation
}

TEST_CASE("the responder answers A/AAAA at a service from the selector") {
  auto snap = compile_with_services();
  auto a = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_A);
  REQUIRE(a);
  CHECK(ldns_pkt_get_rcode(a.get()) == LDNS_RCODE_NOERROR);
  CHECK(ldns_pkt_aa(a.get()));
  CHECK(answers(a) == std::vector<std::string>{"www.gslb.test.\t30\tIN\tA\t10.1.0.1"});
  auto aaaa = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_AAAA);
  CHECK(answers(aaaa) == std::vector<std::string>{"www.gslb.test.\t30\tIN\tAAAA\tfd00::1"});
  // Other types come from the static records at the name.
  auto txt = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_TXT);
  CHECK(answers(txt).size() == 1);
  auto mx = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_MX);
  CHECK(answers(mx).empty());
  CHECK(ldns_rr_list_rr_count(ldns_pkt_authority(mx.get())) == 1);  // NODATA + SOA
  // The empty non-terminal above a service is NODATA, the service answers.
  auto ent = fixture::ask(*snap, "b.gslb.test.", LDNS_RR_TYPE_A);
  CHECK(ldns_pkt_get_rcode(ent.get()) == LDNS_RCODE_NOERROR);
  CHECK(answers(ent).empty());
  CHECK(answers(fixture::ask(*snap, "a.b.gslb.test.", LDNS_RR_TYPE_A)).size() == 1);
  // Below the delegation: a referral, as before.
  auto ref = fixture::ask(*snap, "x.sub.gslb.test.", LDNS_RR_TYPE_A);
  CHECK_FALSE(ldns_pkt_aa(ref.get()));
  CHECK(answers(ref).empty());
}

TEST_CASE("health in the atomics moves the answer without a rebuild") {
  auto snap = compile_with_services();
  const zones::ServiceTable& t = snap->services;
  for (uint32_t m : {0u, 1u})
    t.health[m].state.store(static_cast<uint8_t>(zones::HealthState::kDown));
  auto a = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_A);
  // east is down: west, with the degraded TTL.
  CHECK(answers(a) == std::vector<std::string>{"www.gslb.test.\t10\tIN\tA\t10.2.0.1"});
  // west has no IPv6 member and east is down: fail-open answers east's.
  auto aaaa = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_AAAA);
  CHECK(answers(aaaa).size() <= 1);
}

TEST_CASE("ANY at a service gets its A answer (RFC 8482: one RRset)") {
  auto snap = compile_with_services();
  auto any = fixture::ask(*snap, "www.gslb.test.", LDNS_RR_TYPE_ANY);
  CHECK(answers(any) == std::vector<std::string>{"www.gslb.test.\t30\tIN\tA\t10.1.0.1"});
}
