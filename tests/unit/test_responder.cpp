// The responder against a compiled snapshot: rcodes, flags, section counts
// and TTLs for every kind of answer, checked by parsing with ldns.
#include <doctest/doctest.h>

#include "tests/unit/snapshot_fixture.h"

namespace {

const char* kZone = R"(
example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 7 3600 600 604800 300
example.test. 3600 IN NS ns1.example.test.
example.test. 3600 IN NS ns2.example.net.
example.test. 3600 IN MX 10 mail.example.test.
ns1.example.test. 3600 IN A 192.0.2.53
mail.example.test. 300 IN A 192.0.2.25
mail.example.test. 300 IN AAAA 2001:db8::25
www.example.test. 60 IN A 192.0.2.1
www.example.test. 60 IN A 192.0.2.2
alias.example.test. 60 IN CNAME www.example.test.
chain1.example.test. 60 IN CNAME chain2.example.test.
chain2.example.test. 60 IN CNAME alias.example.test.
loop1.example.test. 60 IN CNAME loop2.example.test.
loop2.example.test. 60 IN CNAME loop1.example.test.
out.example.test. 60 IN CNAME www.elsewhere.test.
dangling.example.test. 60 IN CNAME nothing.example.test.
a.b.c.example.test. 60 IN TXT "deep"
*.wild.example.test. 60 IN A 192.0.2.99
*.wild.example.test. 60 IN TXT "wild"
real.wild.example.test. 60 IN A 192.0.2.100
sub.example.test. 3600 IN NS ns.sub.example.test.
sub.example.test. 3600 IN NS ns.other.test.
sub.example.test. 3600 IN DS 12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub.example.test. 3600 IN A 192.0.2.77
)";

struct Case {
  const char* qname;
  ldns_rr_type qtype;
  ldns_pkt_rcode rcode;
  bool aa;
  size_t answer, authority, additional;
};

const Case kCases[] = {
    {"www.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 2, 0, 0},
    {"WwW.ExAmPlE.TeSt.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 2, 0, 0},
    {"www.example.test.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, true, 0, 1, 0},
    {"nope.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, true, 0, 1, 0},
    {"b.c.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 0, 1, 0},  // ENT
    {"c.example.test.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, true, 0, 1, 0},  // ENT
    {"example.test.", LDNS_RR_TYPE_SOA, LDNS_RCODE_NOERROR, true, 1, 0, 0},
    {"example.test.", LDNS_RR_TYPE_NS, LDNS_RCODE_NOERROR, true, 2, 0, 1},
    {"example.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, true, 1, 0, 2},
    {"alias.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 3, 0, 0},
    {"alias.example.test.", LDNS_RR_TYPE_CNAME, LDNS_RCODE_NOERROR, true, 1, 0, 0},
    {"chain1.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 5, 0, 0},
    {"loop1.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 2, 0, 0},
    {"out.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 1, 0, 0},
    {"dangling.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, true, 1, 1, 0},
    {"x.wild.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 1, 0, 0},
    {"y.x.wild.example.test.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, true, 1, 0, 0},
    {"x.wild.example.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, true, 0, 1, 0},
    {"real.wild.example.test.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, true, 0, 1, 0},
    {"wild.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, 0, 1, 0},
    {"sub.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false, 0, 2, 1},
    {"deep.host.sub.example.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false, 0, 2, 1},
    {"sub.example.test.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, true, 1, 0, 0},
    {"example.org.", LDNS_RR_TYPE_A, LDNS_RCODE_REFUSED, false, 0, 0, 0},
    {"test.", LDNS_RR_TYPE_SOA, LDNS_RCODE_REFUSED, false, 0, 0, 0},
};

}  // namespace

TEST_CASE("the responder answers every kind of name as an authoritative server must") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  for (const Case& c : kCases) {
    CAPTURE(c.qname);
    CAPTURE(c.qtype);
    auto pkt = fixture::ask(*snap, c.qname, c.qtype);
    REQUIRE(pkt);
    CHECK(ldns_pkt_get_rcode(pkt.get()) == c.rcode);
    CHECK(ldns_pkt_aa(pkt.get()) == c.aa);
    CHECK(ldns_pkt_qr(pkt.get()));
    CHECK_FALSE(ldns_pkt_tc(pkt.get()));
    CHECK(ldns_pkt_id(pkt.get()) == 4242);
    CHECK(ldns_pkt_ancount(pkt.get()) == c.answer);
    CHECK(ldns_pkt_nscount(pkt.get()) == c.authority);
    CHECK(ldns_pkt_arcount(pkt.get()) == c.additional);
  }
}

TEST_CASE("answers keep the question's case and point owners at it") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  auto pkt = fixture::ask(*snap, "WwW.ExAmPlE.TeSt.", LDNS_RR_TYPE_A);
  char* q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0)));
  char* a = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), 0)));
  CHECK(std::string(q) == "WwW.ExAmPlE.TeSt.");
  CHECK(std::string(a) == "WwW.ExAmPlE.TeSt.");
  free(q);
  free(a);
}

TEST_CASE("negative answers carry the SOA with the negative TTL") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  auto pkt = fixture::ask(*snap, "nope.example.test.", LDNS_RR_TYPE_A);
  const ldns_rr* soa = ldns_rr_list_rr(ldns_pkt_authority(pkt.get()), 0);
  CHECK(ldns_rr_get_type(soa) == LDNS_RR_TYPE_SOA);
  CHECK(ldns_rr_ttl(soa) == 300);  // min(SOA TTL 3600, MINIMUM 300), RFC 2308 §5
  CHECK(ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)) == 7);
}

TEST_CASE("wildcard answers are synthesised with the query name as owner") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  auto pkt = fixture::ask(*snap, "x.wild.example.test.", LDNS_RR_TYPE_A);
  CHECK(fixture::section(ldns_pkt_answer(pkt.get())) ==
        std::vector<std::string>{"x.wild.example.test.\t60\tIN\tA\t192.0.2.99"});
}

TEST_CASE("referrals carry the delegation's NS and in-bailiwick glue") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  auto pkt = fixture::ask(*snap, "www.sub.example.test.", LDNS_RR_TYPE_A);
  CHECK(fixture::section(ldns_pkt_authority(pkt.get())) ==
        std::vector<std::string>{"sub.example.test.\t3600\tIN\tNS\tns.other.test.",
                                 "sub.example.test.\t3600\tIN\tNS\tns.sub.example.test."});
  CHECK(fixture::section(ldns_pkt_additional(pkt.get())) ==
        std::vector<std::string>{"ns.sub.example.test.\t3600\tIN\tA\t192.0.2.77"});
}

TEST_CASE("EDNS: OPT echoed with our payload, DO copied, BADVERS for version 1") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  auto pkt = fixture::ask(*snap, "www.example.test.", LDNS_RR_TYPE_A,
                          {.edns = true, .payload = 4096, .dnssec_ok = true});
  CHECK(ldns_pkt_edns(pkt.get()));
  CHECK(ldns_pkt_edns_udp_size(pkt.get()) == 1232);
  CHECK(ldns_pkt_edns_do(pkt.get()));
  auto wire = fixture::query_wire("www.example.test.", LDNS_RR_TYPE_A, {.edns = true});
  wire[wire.size() - 11 + 6] = 1;  // EDNS version byte of the trailing OPT
  auto bad = fixture::ask_wire(*snap, wire);
  CHECK(ldns_pkt_get_rcode(bad.get()) == 0);
  CHECK(ldns_pkt_edns_extended_rcode(bad.get()) == 1);  // BADVERS = 16
  CHECK(ldns_pkt_ancount(bad.get()) == 0);
}

TEST_CASE("answers too big for UDP are truncated, and complete over TCP") {
  std::string text = kZone;
  for (int i = 0; i < 40; ++i)
    text += "big.example.test. 60 IN TXT \"" + std::string(40, static_cast<char>('a' + i % 26)) +
            std::to_string(i) + "\"\n";
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", text)});
  auto udp = fixture::ask(*snap, "big.example.test.", LDNS_RR_TYPE_TXT);
  CHECK(ldns_pkt_tc(udp.get()));
  auto edns = fixture::ask(*snap, "big.example.test.", LDNS_RR_TYPE_TXT, {.edns = true});
  CHECK(ldns_pkt_tc(edns.get()));
  auto tcp = fixture::ask(*snap, "big.example.test.", LDNS_RR_TYPE_TXT,
                          {.transport = server::Transport::kTcp});
  CHECK_FALSE(ldns_pkt_tc(tcp.get()));
  CHECK(ldns_pkt_ancount(tcp.get()) == 40);
}

TEST_CASE("malformed and unusual requests get FORMERR, NOTIMP or nothing") {
  auto snap = fixture::compile({fixture::zone_from_text("example.test.", kZone)});
  auto wire = fixture::query_wire("www.example.test.", LDNS_RR_TYPE_A);
  SUBCASE("a response is never answered") {
    wire[2] |= 0x80;
    CHECK_FALSE(fixture::ask_wire(*snap, wire));
  }
  SUBCASE("a truncated question is FORMERR") {
    wire.resize(wire.size() - 3);
    auto pkt = fixture::ask_wire(*snap, wire);
    CHECK(ldns_pkt_get_rcode(pkt.get()) == LDNS_RCODE_FORMERR);
  }
  SUBCASE("two questions are FORMERR") {
    wire[5] = 2;
    auto pkt = fixture::ask_wire(*snap, wire);
    CHECK(ldns_pkt_get_rcode(pkt.get()) == LDNS_RCODE_FORMERR);
  }
  SUBCASE("an unknown opcode is NOTIMP") {
    wire[2] = static_cast<uint8_t>((wire[2] & 0x87) | (5 << 3));
    auto pkt = fixture::ask_wire(*snap, wire);
    CHECK(ldns_pkt_get_rcode(pkt.get()) == LDNS_RCODE_NOTIMPL);
  }
  SUBCASE("shorter than a header: dropped") {
    wire.resize(5);
    CHECK_FALSE(fixture::ask_wire(*snap, wire));
  }
}

TEST_CASE("a child zone served alongside its parent wins for its names") {
  auto parent = fixture::zone_from_text("example.test.", kZone);
  auto child = fixture::zone_from_text("sub.example.test.", R"(
sub.example.test. 3600 IN SOA ns.sub.example.test. h.sub.example.test. 1 3600 600 604800 60
sub.example.test. 3600 IN NS ns.sub.example.test.
www.sub.example.test. 60 IN A 192.0.2.200
)");
  auto snap = fixture::compile({parent, child});
  auto pkt = fixture::ask(*snap, "www.sub.example.test.", LDNS_RR_TYPE_A);
  CHECK(ldns_pkt_aa(pkt.get()));
  CHECK(ldns_pkt_ancount(pkt.get()) == 1);
  auto nx = fixture::ask(*snap, "nope.sub.example.test.", LDNS_RR_TYPE_A);
  CHECK(ldns_pkt_get_rcode(nx.get()) == LDNS_RCODE_NXDOMAIN);
  char* soa = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_authority(nx.get()), 0)));
  CHECK(std::string(soa) == "sub.example.test.");
  free(soa);
}

TEST_CASE("a parent served alongside its child answers DS and refers chains through the cut") {
  auto parent = fixture::zone_from_text("example.test.", std::string(kZone) + R"(
kid.example.test. 3600 IN NS ns1.kid.example.test.
kid.example.test. 3600 IN DS 1 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns1.kid.example.test. 3600 IN A 192.0.2.54
tokid.example.test. 60 IN CNAME www.kid.example.test.
)");
  auto child = fixture::zone_from_text("kid.example.test.", R"(
kid.example.test. 3600 IN SOA ns1.kid.example.test. h.kid.example.test. 1 3600 600 604800 60
kid.example.test. 3600 IN NS ns1.kid.example.test.
ns1.kid.example.test. 3600 IN A 192.0.2.54
www.kid.example.test. 60 IN A 192.0.2.201
)");
  auto snap = fixture::compile({parent, child});
  auto ds = fixture::ask(*snap, "kid.example.test.", LDNS_RR_TYPE_DS);
  CHECK(ldns_pkt_aa(ds.get()));
  CHECK(ldns_pkt_ancount(ds.get()) == 1);
  auto soa = fixture::ask(*snap, "kid.example.test.", LDNS_RR_TYPE_SOA);
  CHECK(ldns_pkt_ancount(soa.get()) == 1);
  auto chain = fixture::ask(*snap, "tokid.example.test.", LDNS_RR_TYPE_A);
  CHECK(ldns_pkt_aa(chain.get()));
  CHECK(ldns_pkt_ancount(chain.get()) == 1);
  CHECK(fixture::section(ldns_pkt_authority(chain.get())) ==
        std::vector<std::string>{"kid.example.test.\t3600\tIN\tNS\tns1.kid.example.test."});
  CHECK(fixture::section(ldns_pkt_additional(chain.get())) ==
        std::vector<std::string>{"ns1.kid.example.test.\t3600\tIN\tA\t192.0.2.54"});
}
