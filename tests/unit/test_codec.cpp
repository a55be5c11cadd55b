// parse_query against ldns: thousands of random queries built by ldns must
// parse to the same id, name, type, class and EDNS fields; every response
// must parse with ldns and echo the question byte for byte.
#include <doctest/doctest.h>

#include <random>

#include "server/query.h"
#include "tests/unit/snapshot_fixture.h"
#include "zones/rr_encode.h"

namespace {

// A random name: 1-6 labels of 1-20 octets, letters of both cases, digits,
// '-' and the odd byte that needs escaping in presentation form.
ldns_rdf* random_name(std::mt19937& rng) {
  const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*";
  std::string wire;
  const int labels = 1 + rng() % 6;
  for (int l = 0; l < labels; ++l) {
    const int len = 1 + rng() % 20;
    wire.push_back(static_cast<char>(len));
    for (int i = 0; i < len; ++i)
      wire.push_back(rng() % 50 == 0 ? static_cast<char>(rng() % 256)
                                     : alphabet[rng() % (sizeof alphabet - 1)]);
  }
  wire.push_back(0);
  return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data());
}

std::string lower(const uint8_t* data, size_t len) {
  std::string s(reinterpret_cast<const char*>(data), len);
  return zones::lower_wire(s);
}

}  // namespace

TEST_CASE("parse_query reads what ldns wrote, for thousands of random queries") {
  std::mt19937 rng(20261123);
  for (int i = 0; i < 5000; ++i) {
    ldns_rdf* name = random_name(rng);
    const std::string name_wire(reinterpret_cast<const char*>(ldns_rdf_data(name)),
                                ldns_rdf_size(name));
    const auto type = static_cast<ldns_rr_type>(1 + rng() % 300);
    const auto cls = rng() % 4 == 0 ? LDNS_RR_CLASS_CH : LDNS_RR_CLASS_IN;
    ldns_rr* question = ldns_rr_new();
    ldns_rr_set_owner(question, name);
    ldns_rr_set_type(question, type);
    ldns_rr_set_class(question, cls);
    ldns_rr_set_question(question, true);
    ldns_pkt* pkt = ldns_pkt_new();
    ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, question);
    ldns_pkt_set_id(pkt, static_cast<uint16_t>(rng()));
    ldns_pkt_set_rd(pkt, rng() % 2);
    const bool edns = rng() % 2;
    if (edns) {
      ldns_pkt_set_edns_udp_size(pkt, static_cast<uint16_t>(512 + rng() % 4000));
      ldns_pkt_set_edns_do(pkt, rng() % 2);
    }
    uint8_t* wire = nullptr;
    size_t size = 0;
    REQUIRE(ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK);
    CAPTURE(i);

    server::ParsedQuery q;
    REQUIRE(server::parse_query(wire, size, q) == server::ParseOutcome::kOk);
    CHECK(q.id == ldns_pkt_id(pkt));
    CHECK(q.qtype == type);
    CHECK(q.qclass == cls);
    CHECK(std::string(reinterpret_cast<const char*>(q.lname), q.qname_len) ==
          lower(reinterpret_cast<const uint8_t*>(name_wire.data()), name_wire.size()));
    CHECK(q.labels.suffix_len(0) == name_wire.size());
    CHECK(q.has_edns == edns);
    if (edns) {
      CHECK(q.udp_payload == ldns_pkt_edns_udp_size(pkt));
      CHECK(q.dnssec_ok == ldns_pkt_edns_do(pkt));
    }
    // The responder echoes the question exactly, whatever it answers.
    static const zones::SnapshotPtr empty = fixture::compile({});
    std::vector<uint8_t> request(wire, wire + size);
    auto reply = fixture::ask_wire(*empty, request);
    REQUIRE(reply);
    CHECK(ldns_pkt_id(reply.get()) == ldns_pkt_id(pkt));
    CHECK(ldns_rr_compare(ldns_rr_list_rr(ldns_pkt_question(reply.get()), 0), question) == 0);
    free(wire);
    ldns_pkt_free(pkt);
  }
}

TEST_CASE("EDNS Client Subnet options are parsed or refused as RFC 7871 says") {
  struct Row {
    std::vector<uint8_t> data;
    bool valid;
  };
  const Row rows[] = {
      {{0, 1, 24, 0, 192, 0, 2}, true},  // 192.0.2.0/24
      {{0, 1, 0, 0}, true},              // /0: no address octets
      {{0, 2, 56, 0, 0x20, 1, 0xd, 0xb8, 0, 0, 0x12}, true},
      {{0, 1, 24, 0, 192, 0}, false},         // too few address octets
      {{0, 1, 24, 0, 192, 0, 2, 0}, false},   // too many
      {{0, 1, 23, 0, 192, 0, 3}, false},      // a bit set beyond /23
      {{0, 1, 33, 0, 1, 2, 3, 4, 5}, false},  // longer than IPv4 allows
      {{0, 3, 8, 0, 1}, false},               // unknown family
      {{0, 1, 24, 8, 192, 0, 2}, false},      // scope must be 0 in a query
      {{0, 1}, false},                        // truncated
  };
  for (const Row& row : rows) {
    CAPTURE(row.data.size());
    geo::ClientSubnet ecs;
    CHECK(geo::parse_client_subnet(row.data.data(), row.data.size(), ecs) == row.valid);
  }
}
