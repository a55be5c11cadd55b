// Robustness of gslbd's listeners: a storm of random and mutated packets over UDP and TCP
// must only ever produce well-formed replies, and gslbd must keep answering afterwards.
// Also RFC 7766 behaviour: pipelined TCP queries and the idle timeout.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "tests/support/dns_client.h"
#include "tests/support/dns_normalize.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/packet_mutations.h"

namespace ts = testsupport;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

ts::GslbdOptions options() {
  ts::GslbdOptions o;
  o.zones = {{"example.test.", ts::case_file("zones/example.test.zone")},
             {"child.example.test.", ts::case_file("zones/child.example.test.zone")}};
  return o;
}

uint32_t seed() {
  const char* env = std::getenv("GSLB_SEED");
  return env != nullptr ? static_cast<uint32_t>(std::stoul(env)) : std::random_device{}();
}

// Valid queries that the mutations start from: every kind of answer the server gives.
std::vector<ts::Bytes> seed_queries() {
  std::vector<ts::Bytes> out;
  const char* names[] = {
      "www.example.test.",       "nx.example.test.",     "foo.wild.example.test.",
      "host.sub.example.test.",  "chain1.example.test.", "big.example.test.",
      "www.child.example.test.", "www.example.org.",     "version.bind."};
  for (const char* name : names) {
    for (bool edns : {false, true}) {
      ts::Query q;
      q.qname = name;
      q.qtype = std::string(name) == "big.example.test." ? LDNS_RR_TYPE_TXT : LDNS_RR_TYPE_A;
      q.edns = edns;
      q.do_bit = edns;
      if (edns) q.options.push_back(ts::ecs_option("198.51.100.0", 24));
      out.push_back(ts::build_query(q));
    }
  }
  return out;
}

// Every reply must parse, be a response, and answer one of the IDs still outstanding.
struct ReplyChecker {
  std::set<uint16_t> outstanding;
  int replies = 0;
  int bad = 0;

  void check(const ts::Bytes& reply) {
    ++replies;
    const ts::PktPtr pkt = ts::parse_packet(reply);
    // Erasing the ID also catches a second reply to the same query.
    const bool ok = pkt && ldns_pkt_qr(pkt.get()) && outstanding.erase(ts::wire_id(reply)) == 1;
    if (!ok && ++bad <= 5)
      MESSAGE("bad reply of " << reply.size() << " bytes, id " << ts::wire_id(reply));
    CHECK(ok);
  }
};

void check_still_answers(ts::GslbdRunner& g, ts::Transport via) {
  CHECK(g.process().alive());
  ts::Query q;
  q.qname = "www.example.test.";
  const auto reply = ts::exchange(g.v4(), q, via);
  REQUIRE(reply.has_value());
  const auto n = ts::normalize(*reply);
  REQUIRE(n.has_value());
  CHECK(ts::rcode_name(n->rcode) == "NOERROR");
  CHECK(n->answer == std::vector<std::string>{"www.example.test.\t3600\tIN\tA\t192.0.2.10"});
}

// A burst of mutated datagrams with IDs unique across the storm (so a late reply to an
// earlier burst still matches), then the replies that have arrived so far.
void udp_burst(ts::UdpSocket& sock, const std::vector<ts::Bytes>& seeds, std::mt19937& rng,
               uint16_t& next_id, ReplyChecker& checker) {
  for (int i = 0; i < 64; ++i) {
    ts::Bytes packet = ts::mutate(seeds[rng() % seeds.size()], rng);
    ts::set_wire_id(packet, ++next_id);
    if (packet.size() >= 2) checker.outstanding.insert(next_id);
    sock.send(packet);
  }
  while (auto reply = sock.recv(20ms)) checker.check(*reply);
}

}  // namespace

TEST_CASE("gslbd survives 20000 random and mutated UDP packets") {
  ts::GslbdRunner g(options());
  const uint32_t s = seed();
  INFO("GSLB_SEED=" << s);
  std::mt19937 rng(s);
  const auto seeds = seed_queries();
  ts::UdpSocket sock(g.v4());
  ReplyChecker checker;
  uint16_t next_id = 0;
  const auto deadline = Clock::now() + 40s;
  for (int sent = 0; sent < 20000 && Clock::now() < deadline; sent += 64)
    udp_burst(sock, seeds, rng, next_id, checker);
  while (auto reply = sock.recv(300ms)) checker.check(*reply);
  MESSAGE("UDP storm: " << checker.replies << " replies, " << checker.bad << " bad");
  CHECK(checker.replies > 0);
  check_still_answers(g, ts::Transport::kUdp);
  check_still_answers(g, ts::Transport::kTcp);
  CHECK(g.stop() == 0);  // SIGTERM is a clean exit (and, under ASan, no leaks)
}

namespace {

// Sends `bytes` on a fresh connection and reads replies until the server closes it or goes
// quiet; every reply must be well formed.
void tcp_session(const ts::Endpoint& server, const ts::Bytes& bytes, bool close_early,
                 ReplyChecker& checker) {
  ts::TcpConnection conn(server);
  if (!conn.send_raw(bytes) || close_early) return;
  conn.shutdown_write();
  while (auto reply = conn.read_message(200ms)) checker.check(*reply);
}

ts::Bytes length_prefix(uint16_t n) {
  return {static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
}

}  // namespace

TEST_CASE("gslbd survives bad TCP streams") {
  ts::GslbdRunner g(options());
  const uint32_t s = seed();
  INFO("GSLB_SEED=" << s);
  std::mt19937 rng(s);
  const auto seeds = seed_queries();
  ReplyChecker checker;
  uint16_t next_id = 0;

  SUBCASE("broken framing") {
    const ts::Bytes valid = seeds[0];
    // Each session may at most answer the one query it carries.
    auto session = [&](const ts::Bytes& bytes, bool close_early) {
      checker.outstanding = {ts::wire_id(valid)};
      tcp_session(g.v4(), bytes, close_early, checker);
    };
    session(length_prefix(0), false);      // empty message
    session({0x00}, false);                // half a length
    session(length_prefix(65535), false);  // length, no body
    ts::Bytes partial = length_prefix(static_cast<uint16_t>(valid.size()));
    partial.insert(partial.end(), valid.begin(), valid.begin() + 5);
    session(partial, false);  // closed mid-message
    session(partial, true);   // reset mid-message
    ts::Bytes shorter = length_prefix(5);
    shorter.insert(shorter.end(), valid.begin(), valid.end());  // length too small
    session(shorter, false);
  }

  SUBCASE("mutated messages, several per connection") {
    for (int c = 0; c < 150; ++c) {
      checker.outstanding.clear();
      ts::Bytes stream;
      for (int i = 0; i < 5; ++i) {
        ts::Bytes m = ts::mutate(seeds[rng() % seeds.size()], rng);
        ts::set_wire_id(m, ++next_id);
        checker.outstanding.insert(next_id);
        const ts::Bytes framed = ts::TcpConnection::frame(m);
        stream.insert(stream.end(), framed.begin(), framed.end());
      }
      tcp_session(g.v4(), stream, rng() % 8 == 0, checker);
    }
  }

  SUBCASE("a message trickled one byte per write is still answered") {
    ts::Query q;
    q.qname = "www.example.test.";
    q.id = 4242;
    const ts::Bytes framed = ts::TcpConnection::frame(ts::build_query(q));
    ts::TcpConnection conn(g.v4());
    for (uint8_t b : framed) REQUIRE(conn.send_raw({b}));
    const auto reply = conn.read_message(2s);
    REQUIRE(reply.has_value());
    CHECK(ts::wire_id(*reply) == 4242);
  }

  MESSAGE("TCP: " << checker.replies << " replies, " << checker.bad << " bad");
  check_still_answers(g, ts::Transport::kTcp);
  check_still_answers(g, ts::Transport::kUdp);
}

TEST_CASE("gslbd answers pipelined TCP queries, matched by ID (RFC 7766 6.2.1.1)") {
  ts::GslbdRunner g(options());
  const std::vector<std::pair<std::string, std::string>> questions = {
      {"www.example.test.", "NOERROR"},       {"nx.example.test.", "NXDOMAIN"},
      {"foo.wild.example.test.", "NOERROR"},  {"www.example.org.", "REFUSED"},
      {"chain1.example.test.", "NOERROR"},    {"host.sub.example.test.", "NOERROR"},
      {"www.child.example.test.", "NOERROR"}, {"multi.example.test.", "NOERROR"}};
  std::vector<ts::Bytes> queries;
  std::map<uint16_t, size_t> by_id;
  for (size_t i = 0; i < questions.size(); ++i) {
    ts::Query q;
    q.qname = questions[i].first;
    q.id = static_cast<uint16_t>(7000 + i);
    q.edns = i % 2 == 0;
    queries.push_back(ts::build_query(q));
    by_id[q.id] = i;
  }
  const auto replies = ts::exchange_pipelined(g.v4(), queries, 3s);
  CHECK(replies.size() == queries.size());
  std::set<uint16_t> seen;
  for (const auto& reply : replies) {
    const auto n = ts::normalize(reply);
    REQUIRE(n.has_value());
    REQUIRE(by_id.count(n->id) == 1);
    CHECK(seen.insert(n->id).second);
    const auto& [qname, rcode] = questions[by_id[n->id]];
    CAPTURE(qname);
    CHECK(n->question.rfind(qname, 0) == 0);
    CHECK(ts::rcode_name(n->rcode) == rcode);
  }
}

TEST_CASE("gslbd closes idle TCP connections after --tcp-idle-timeout") {
  ts::GslbdOptions o = options();
  o.tcp_idle_timeout_ms = 300;
  ts::GslbdRunner g(o);

  SUBCASE("a connection that never sends") {
    ts::TcpConnection conn(g.v4());
    const auto start = Clock::now();
    CHECK(conn.wait_closed(5s));
    CHECK(Clock::now() - start >= 250ms);
  }

  SUBCASE("a connection that asked one question, then went quiet") {
    ts::TcpConnection conn(g.v4());
    ts::Query q;
    q.qname = "www.example.test.";
    REQUIRE(conn.send_message(ts::build_query(q)));
    REQUIRE(conn.read_message(2s).has_value());
    const auto start = Clock::now();
    CHECK(conn.wait_closed(5s));
    CHECK(Clock::now() - start >= 250ms);
  }

  check_still_answers(g, ts::Transport::kTcp);
}
