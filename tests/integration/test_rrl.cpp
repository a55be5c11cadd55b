// Response rate limiting (--rrl-*): a flood of one answer to one client prefix is cut to
// the rate, every --rrl-slip'th limited answer goes out truncated, and everyone else (other
// prefixes, TCP, exempt networks) is answered in full. Any 127.x.y.z is a local address on
// Linux, so one host plays clients in many /24s.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/socket_io.h"
#include "tests/support/zone_file.h"

using namespace testsupport;

namespace {

struct Replies {
  int full = 0;       // answers with records
  int truncated = 0;  // slip: TC, the question, nothing else
  int other = 0;
};

// Bursts stay below what a socket's default receive buffer holds (about 250 small
// datagrams on loopback), so every missing reply is one gslbd chose not to send.
constexpr int kBurst = 150;

// Sends `count` queries for `qname` from one socket as fast as it can.
void send_queries(UdpSocket& socket, const std::string& qname, int count,
                  bool distinct_names = false) {
  for (int i = 0; i < count; ++i) {
    Query q;
    q.qname = distinct_names ? "n" + std::to_string(i) + "." + qname : qname;
    q.id = static_cast<uint16_t>(i + 1);
    socket.send(build_query(q));
  }
}

// Reads replies until none comes for 500 ms.
Replies collect(UdpSocket& socket) {
  Replies r;
  while (auto reply = socket.recv(std::chrono::milliseconds(500))) {
    PktPtr pkt = parse_packet(*reply);
    REQUIRE(pkt);  // every reply, slipped or not, is a well-formed message
    const bool tc = ldns_pkt_tc(pkt.get());
    if (tc && ldns_pkt_ancount(pkt.get()) == 0 && ldns_pkt_nscount(pkt.get()) == 0 &&
        ldns_pkt_arcount(pkt.get()) == 0 && ldns_pkt_qdcount(pkt.get()) == 1)
      ++r.truncated;
    else if (!tc && (ldns_pkt_ancount(pkt.get()) > 0 || ldns_pkt_nscount(pkt.get()) > 0))
      ++r.full;
    else
      ++r.other;
  }
  return r;
}

Replies flood_from(const Endpoint& server, const std::string& local, const std::string& qname,
                   int count, bool distinct_names = false) {
  UdpSocket socket(server, local);
  send_queries(socket, qname, count, distinct_names);
  return collect(socket);
}

bool answered_in_full(const Endpoint& server, const std::string& local, Transport transport) {
  Query q;
  q.qname = "www.example.test.";
  std::optional<Bytes> reply;
  if (transport == Transport::kTcp) {
    reply = exchange(server, q, transport);
  } else {
    UdpSocket socket(server, local);
    socket.send(build_query(q));
    reply = socket.recv(std::chrono::seconds(2));
  }
  PktPtr pkt = reply ? parse_packet(*reply) : nullptr;
  return pkt && !ldns_pkt_tc(pkt.get()) && ldns_pkt_ancount(pkt.get()) == 1;
}

GslbdOptions limited_gslbd(std::vector<std::string> rrl_args) {
  GslbdOptions options{.zones = {{"example.test.", case_file("zones/example.test.zone")}},
                       .threads = 1};
  options.extra_args = std::move(rrl_args);
  options.admin_api = true;
  return options;
}

double metric(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("a flood of one answer to one prefix is limited; everyone else is answered") {
  GslbdRunner gslbd(
      limited_gslbd({"--rrl-rate", "10", "--rrl-slip", "2", "--rrl-exempt", "127.0.9.0/24"}));
  const Endpoint server = gslbd.v4();

  // The victim's prefix: 10 tokens, then one more per 100 ms. Another address in the same
  // /24, flooding at the same time, shares the bucket.
  UdpSocket victim_socket(server, "127.0.1.1"), neighbour_socket(server, "127.0.1.77");
  send_queries(victim_socket, "www.example.test.", kBurst);
  send_queries(neighbour_socket, "www.example.test.", 20);
  const Replies victim = collect(victim_socket), neighbour = collect(neighbour_socket);
  CHECK(victim.full >= 10);
  CHECK(victim.full + neighbour.full <= 13);
  const int limited = kBurst + 20 - victim.full - neighbour.full;
  const int truncated = victim.truncated + neighbour.truncated;
  CHECK(truncated >= limited / 2 - 1);  // slip 2: every other limited answer
  CHECK(truncated <= limited / 2 + 1);
  CHECK(victim.other + neighbour.other == 0);

  // An address in another /24 has its own bucket.
  CHECK(answered_in_full(server, "127.0.2.1", Transport::kUdp));
  // Another name is another bucket, for the victim too.
  CHECK(flood_from(server, "127.0.1.1", "mail.example.test.", 5).full == 5);
  // TCP proves the source address: never limited.
  CHECK(answered_in_full(server, "", Transport::kTcp));
  // Exempt networks are never limited.
  CHECK(flood_from(server, "127.0.9.5", "www.example.test.", kBurst).full == kBurst);

  // NXDOMAIN answers share one bucket per prefix, whatever the name (random subdomains).
  const Replies nx = flood_from(server, "127.0.3.1", "example.test.", 100, true);
  CHECK(nx.full <= 13);

  ApiClient api{gslbd.admin_url(), gslbd.read_token()};
  const std::string text = api.get("/metrics").body;
  CHECK(metric(text, "gslb_rrl_responses_total{action=\"slipped\"}") >= truncated);
  CHECK(metric(text, "gslb_rrl_responses_total{action=\"dropped\"}") >= limited - truncated);
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("--rrl-slip 0 drops every limited answer; 1 truncates every one") {
  GslbdRunner drop_all(
      limited_gslbd({"--rrl-rate", "5", "--rrl-slip", "0", "--rrl-exempt", "none"}));
  const Replies dropped = flood_from(drop_all.v4(), "127.0.4.1", "www.example.test.", 50);
  CHECK(dropped.truncated == 0);
  CHECK(dropped.full <= 15);
  CHECK(drop_all.stop() == 0);

  GslbdRunner slip_all(
      limited_gslbd({"--rrl-rate", "5", "--rrl-slip", "1", "--rrl-exempt", "none"}));
  const Replies slipped = flood_from(slip_all.v4(), "127.0.4.1", "www.example.test.", 50);
  CHECK(slipped.full + slipped.truncated == 50);
  CHECK(slipped.full <= 15);
  CHECK(slip_all.stop() == 0);
}

TEST_CASE("by default loopback clients are exempt, and --rrl-rate 0 turns limiting off") {
  GslbdRunner defaults(GslbdOptions{
      .zones = {{"example.test.", case_file("zones/example.test.zone")}}, .threads = 1});
  CHECK(flood_from(defaults.v4(), "127.0.5.1", "www.example.test.", kBurst).full == kBurst);
  CHECK(defaults.stop() == 0);

  GslbdRunner off(limited_gslbd({"--rrl-rate", "0", "--rrl-exempt", "none"}));
  CHECK(flood_from(off.v4(), "127.0.5.1", "www.example.test.", kBurst).full == kBurst);
  CHECK(off.stop() == 0);
}
