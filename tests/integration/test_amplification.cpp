// What gslbd can be made to send over UDP: never more than the client's advertised size (512
// without EDNS, and never more than --max-udp-payload), one RRset for ANY (RFC 8482), and
// compression pointers that loop in a request get FORMERR or nothing, never a hang.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/zone_file.h"

using namespace testsupport;

namespace {

size_t udp_limit(const Query& q, size_t server_max) {
  if (!q.edns) return 512;
  return std::min<size_t>(std::max<size_t>(q.payload, 512), server_max);
}

bool still_answers(const Endpoint& server) {
  Query q;
  q.qname = "www.example.test.";
  const auto reply = exchange(server, q, Transport::kUdp);
  return reply && ldns_pkt_ancount(parse_packet(*reply).get()) == 1;
}

}  // namespace

TEST_CASE("UDP replies fit the client's advertised size; ANY is one RRset") {
  GslbdRunner gslbd({.zones = {{"example.test.", case_file("zones/example.test.zone")}}});
  const char* names[] = {"example.test.", "big512.example.test.", "big.example.test.",
                         "multi.example.test.", "www.example.test."};
  const uint16_t types[] = {LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_A, LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_MX,
                            LDNS_RR_TYPE_NS};
  int truncated = 0;
  for (const char* name : names)
    for (uint16_t type : types)
      for (int payload : {0, 100, 512, 800, 1232, 4096, 65535}) {
        Query q;
        q.qname = name;
        q.qtype = type;
        q.edns = payload != 0;
        q.payload = static_cast<uint16_t>(payload);
        CAPTURE(name);
        CAPTURE(type);
        CAPTURE(payload);
        const auto reply = exchange(gslbd.v4(), q, Transport::kUdp);
        REQUIRE(reply);
        CHECK(reply->size() <= udp_limit(q, 1232));
        PktPtr pkt = parse_packet(*reply);
        REQUIRE(pkt);
        truncated += ldns_pkt_tc(pkt.get());
        if (type != LDNS_RR_TYPE_ANY) continue;
        std::set<ldns_rr_type> rrsets;
        const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
        for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i)
          rrsets.insert(ldns_rr_get_type(ldns_rr_list_rr(answer, i)));
        CHECK(rrsets.size() <= 1);
      }
  CHECK(truncated > 0);  // big512 and big did not fit somewhere: the limits were exercised
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("compression pointers that loop in a request get FORMERR or nothing") {
  GslbdRunner gslbd({.zones = {{"example.test.", case_file("zones/example.test.zone")}}});
  const Bytes header = {0x12, 0x34, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  auto with = [&](std::initializer_list<uint8_t> rest, uint8_t arcount = 0) {
    Bytes b = header;
    b[11] = arcount;
    b.insert(b.end(), rest);
    return b;
  };
  const Bytes requests[] = {
      with({0xC0, 12, 0, 1, 0, 1}),                    // the question name points at itself
      with({3, 'w', 'w', 'w', 0xC0, 12, 0, 1, 0, 1}),  // ... after a label
      with({0xC0, 14, 0xC0, 12, 0, 1, 0, 1}),          // two pointers at each other
      // A sound question, then an additional record whose owner loops.
      with({3, 'w', 'w', 'w', 0, 0, 1, 0, 1, 0xC0, 21, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0}, 1),
  };
  for (const Bytes& request : requests) {
    const auto reply = exchange(gslbd.v4(), request, Transport::kUdp, std::chrono::seconds(1));
    if (!reply) continue;  // silence is allowed
    PktPtr pkt = parse_packet(*reply);
    REQUIRE(pkt);
    CHECK(ldns_pkt_get_rcode(pkt.get()) == LDNS_RCODE_FORMERR);
  }
  CHECK(still_answers(gslbd.v4()));
  CHECK(gslbd.stop() == 0);
}
