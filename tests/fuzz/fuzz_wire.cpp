// fuzz_wire: a packet in, through the real parser and responder over a small fixed snapshot,
// as UDP (two server payload limits) and as TCP. Every response must parse with ldns, be a
// response to this query (QR, ID, question), fit the transport (RFC 6891 §6.2.5: never more
// than the client advertised over UDP) and answer ANY with at most one RRset (RFC 8482).
#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/responder.h"
#include "server/wire.h"
#include "tests/fuzz/fuzz_target.h"
#include "zones/compile.h"
#include "zones/zonefile.h"

namespace {

// Every kind of answer the responder writes: delegation with glue, CNAME chains and loops,
// wildcards, a large RRset (truncation), long TXT (payload limits), a GSLB service.
constexpr const char* kZone = R"($ORIGIN fuzz.test.
$TTL 300
@        IN SOA ns1 hostmaster 1 3600 600 604800 60
@        IN NS  ns1
@        IN NS  ns2.elsewhere.example.
@        IN MX  10 mail
ns1      IN A   192.0.2.53
ns1      IN AAAA 2001:db8::53
mail     IN A   192.0.2.25
www      IN TXT "static data beside a service"
alias    IN CNAME www
chain    IN CNAME alias
loop1    IN CNAME loop2
loop2    IN CNAME loop1
*.wild   IN A   192.0.2.99
*.wild   IN TXT "wild"
sub      IN NS  ns.sub
sub      IN NS  ns.other.example.
sub      IN DS  12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub   IN A   192.0.2.77
_sip._tcp IN SRV 10 20 5060 mail
big      IN TXT "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
big      IN TXT "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
big      IN A 192.0.2.1
)";

zones::GslbConfig services() {
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
  www.name = "www.fuzz.test.";
  www.pools = {{"west", 2, 1, 0}, {"east", 1, 1, 0}};
  zones::Service all = www;
  all.name = "all.fuzz.test.";
  all.policy = zones::Policy::kAll;
  all.max_answers = 8;
  c.services = {www, all};
  return c;
}

// Many addresses at one name, so answers outgrow 512 bytes and must truncate.
std::string many_addresses() {
  std::string text;
  for (int i = 1; i <= 60; ++i) text += "many IN A 198.51.100." + std::to_string(i) + "\n";
  return text;
}

zones::SnapshotPtr make_snapshot() {
  auto zone = zones::parse_zone_text(std::string(kZone) + many_addresses(), "fuzz.test.zone");
  fuzz::check(zone.has_value(), "the fixed zone parses");
  auto snap = zones::compile_snapshot({*zone}, services(), 1);
  fuzz::check(snap.has_value(), "the fixed snapshot compiles");
  return *snap;
}

using Packet = std::unique_ptr<ldns_pkt, decltype(&ldns_pkt_free)>;

Packet parse(const uint8_t* data, size_t size) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK) pkt = nullptr;
  return Packet(pkt, ldns_pkt_free);
}

// A query ldns reads as one plain question: its response must echo that question.
bool well_formed(const ldns_pkt* q) {
  return q != nullptr && !ldns_pkt_qr(q) && ldns_pkt_get_opcode(q) == LDNS_PACKET_QUERY &&
         ldns_pkt_qdcount(q) == 1;
}

// RFC 6891 §6.2.5 / RFC 1035 §4.2.1: 512 without EDNS, else what the client advertised,
// never less than 512 and never more than the server's own limit. The advertised size is
// ldns's reading of the query; only when ldns refuses the query is it our parser's.
size_t udp_limit(const ldns_pkt* q, const uint8_t* data, size_t size, uint16_t server_max) {
  bool edns = false;
  uint16_t advertised = 0;
  if (q != nullptr) {
    edns = ldns_pkt_edns(q);
    advertised = ldns_pkt_edns_udp_size(q);
  } else {
    static server::ParsedQuery parsed;
    server::parse_query(data, size, parsed);
    edns = parsed.has_edns;
    advertised = parsed.udp_payload;
  }
  if (!edns) return 512;
  return std::clamp<size_t>(advertised, 512, std::max<size_t>(server_max, 512));
}

void check_question(const ldns_pkt* q, const ldns_pkt* r) {
  if (!well_formed(q) || ldns_pkt_qdcount(r) == 0) return;
  fuzz::check(ldns_pkt_qdcount(r) == 1, "one question echoed");
  const ldns_rr* asked = ldns_rr_list_rr(ldns_pkt_question(q), 0);
  const ldns_rr* echoed = ldns_rr_list_rr(ldns_pkt_question(r), 0);
  fuzz::check(ldns_dname_compare(ldns_rr_owner(asked), ldns_rr_owner(echoed)) == 0,
              "the question's name echoed");
  fuzz::check(ldns_rr_get_type(asked) == ldns_rr_get_type(echoed), "QTYPE echoed");
  fuzz::check(ldns_rr_get_class(asked) == ldns_rr_get_class(echoed), "QCLASS echoed");
}

// RFC 8482: ANY is answered with one RRset of the name (or none).
void check_any(const ldns_pkt* q, const ldns_pkt* r) {
  if (!well_formed(q)) return;
  if (ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(q), 0)) != LDNS_RR_TYPE_ANY) return;
  std::set<std::pair<std::string, int>> rrsets;
  const ldns_rr_list* answer = ldns_pkt_answer(r);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    char* owner = ldns_rdf2str(ldns_rr_owner(rr));
    rrsets.insert({owner, ldns_rr_get_type(rr)});
    free(owner);
  }
  fuzz::check(rrsets.size() <= 1, "ANY answered with at most one RRset");
}

void check_response(const uint8_t* req, size_t req_len, const ldns_pkt* q, const uint8_t* resp,
                    size_t resp_len, size_t limit) {
  if (resp_len == 0) return;  // dropped: allowed for anything
  fuzz::check(resp_len <= limit, "the response fits the transport's limit");
  fuzz::check(req_len >= 2 && resp[0] == req[0] && resp[1] == req[1], "the query's ID echoed");
  Packet r = parse(resp, resp_len);
  fuzz::check(r != nullptr, "the response parses with ldns");
  fuzz::check(ldns_pkt_qr(r.get()), "QR set");
  check_question(q, r.get());
  check_any(q, r.get());
}

struct Fixture {
  zones::SnapshotPtr snap = make_snapshot();
  server::QueryContext ctx;
  sockaddr_in peer{};
  Fixture() {
    peer.sin_family = AF_INET;
    peer.sin_port = htons(53000);
    inet_pton(AF_INET, "198.51.100.7", &peer.sin_addr);
    ctx.peer = reinterpret_cast<const sockaddr*>(&peer);
  }
};

// CHAOS answers on, so id.server and version.bind are answered too.
server::ResponderConfig config(uint16_t max_udp_payload) {
  server::ResponderConfig cfg;
  cfg.max_udp_payload = max_udp_payload;
  cfg.chaos_id = "fuzz";
  cfg.chaos_version = "gslb fuzz";
  return cfg;
}

// Output buffers exactly as large as the responder's contract allows, so ASan sees any
// write past the transport's limit.
void ask(Fixture& f, const server::ResponderConfig& cfg, server::Transport transport,
         const uint8_t* data, size_t size, const ldns_pkt* q) {
  const bool tcp = transport == server::Transport::kTcp;
  const size_t capacity = tcp ? server::kMaxMessage : std::max<size_t>(512, cfg.max_udp_payload);
  std::vector<uint8_t> out(capacity);
  const size_t len = server::answer_query(*f.snap, cfg, f.ctx, data, size, out.data(), transport);
  fuzz::check(len <= capacity, "the responder reports no more than it could write");
  const size_t limit = tcp ? capacity : udp_limit(q, data, size, cfg.max_udp_payload);
  check_response(data, size, q, out.data(), len, limit);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  static const server::ResponderConfig small = config(512), usual = config(1232),
                                       large = config(4096);
  const Packet q = parse(data, size);
  ask(fixture, small, server::Transport::kUdp, data, size, q.get());
  ask(fixture, usual, server::Transport::kUdp, data, size, q.get());
  ask(fixture, large, server::Transport::kUdp, data, size, q.get());
  ask(fixture, large, server::Transport::kTcp, data, size, q.get());
  return 0;
}
