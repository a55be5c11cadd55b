// The response rate limiter's buckets, tuples, exemptions and slip, on a clock the test
// moves by hand.
#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <cstring>

#include "server/rate_limit.h"
#include "server/wire.h"

using namespace server;

namespace {

sockaddr_storage client(const char* address) {
  sockaddr_storage ss{};
  if (std::strchr(address, ':') != nullptr) {
    auto& a6 = reinterpret_cast<sockaddr_in6&>(ss);
    a6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, address, &a6.sin6_addr);
  } else {
    auto& a4 = reinterpret_cast<sockaddr_in&>(ss);
    a4.sin_family = AF_INET;
    inet_pton(AF_INET, address, &a4.sin_addr);
  }
  return ss;
}

ParsedQuery question(const char* lname_wire, size_t len, uint16_t qtype = rtype::kA) {
  ParsedQuery q;
  q.question_ok = true;
  std::memcpy(q.lname, lname_wire, len);
  q.qname_len = len;
  q.qtype = qtype;
  return q;
}

const ParsedQuery kWww = question("\3www\7example\0", 13);
const ParsedQuery kMail = question("\4mail\7example\0", 14);

struct Limiter {
  ResponseRateLimiter rrl;
  uint32_t limited = 0;

  explicit Limiter(int rate, int slip = 2, std::vector<std::string> exempt = {})
      : rrl(RrlSettings{rate, slip, 24, 56, *parse_rrl_exempt(exempt)}) {}

  // Answers sent out of `count` for the tuple at `now_ms`.
  int sent(const char* address, const ParsedQuery& q, int count, uint32_t now_ms,
           uint16_t rcode = rcode::kNoError) {
    const sockaddr_storage peer = client(address);
    int n = 0;
    for (int i = 0; i < count; ++i)
      n += rrl.check(reinterpret_cast<const sockaddr*>(&peer), q, rcode, now_ms, limited) ==
           RrlVerdict::kSend;
    return n;
  }
};

}  // namespace

TEST_CASE("a bucket holds one second of answers and refills at the rate, fractions kept") {
  Limiter l(10);
  CHECK(l.sent("192.0.2.1", kWww, 50, 1000) == 10);
  CHECK(l.sent("192.0.2.1", kWww, 5, 1050) == 0);  // half a token
  CHECK(l.sent("192.0.2.1", kWww, 5, 1100) == 1);  // the half carried over
  // Asking every 30 ms (less than one token's 100 ms), from 1100 to 2120: the tokens of
  // 1200, 1300 ... 2100, ten, none lost to rounding.
  int sent = 0;
  for (uint32_t t = 1100; t <= 2120; t += 30) sent += l.sent("192.0.2.1", kWww, 1, t);
  CHECK(sent == 10);
  CHECK(l.sent("192.0.2.1", kWww, 50, 60000) == 10);  // idle: full again, never more
}

TEST_CASE("tuples: prefix, name and type for answers; prefix alone for NXDOMAIN and errors") {
  Limiter l(2);
  CHECK(l.sent("192.0.2.1", kWww, 5, 0) == 2);
  CHECK(l.sent("192.0.2.200", kWww, 5, 0) == 0);  // same /24
  CHECK(l.sent("192.0.3.1", kWww, 5, 0) == 2);    // another /24
  CHECK(l.sent("192.0.2.1", kMail, 5, 0) == 2);   // another name
  CHECK(l.sent("192.0.2.1", question("\3www\7example\0", 13, rtype::kAaaa), 5, 0) == 2);
  // NXDOMAIN: one bucket per prefix, whatever the name.
  CHECK(l.sent("192.0.2.1", kWww, 5, 0, rcode::kNxDomain) == 2);
  CHECK(l.sent("192.0.2.1", kMail, 5, 0, rcode::kNxDomain) == 0);
  CHECK(l.sent("192.0.2.1", kMail, 5, 0, rcode::kRefused) == 2);
  CHECK(l.sent("192.0.2.1", kWww, 5, 0, rcode::kFormErr) == 0);
  // IPv6: a /56 shares.
  CHECK(l.sent("2001:db8:0:1::1", kWww, 5, 0) == 2);
  CHECK(l.sent("2001:db8:0:ff::2", kWww, 5, 0) == 0);
  CHECK(l.sent("2001:db8:0:100::1", kWww, 5, 0) == 2);
}

TEST_CASE("answers for different ECS subnets are different tuples") {
  Limiter l(2);
  ParsedQuery a = kWww, b = kWww;
  a.has_ecs = b.has_ecs = true;
  a.ecs.family = b.ecs.family = 1;
  a.ecs.source_prefix = b.ecs.source_prefix = 24;
  const uint8_t net_a[] = {198, 51, 100}, net_b[] = {203, 0, 113};
  std::memcpy(a.ecs.address, net_a, 3);
  std::memcpy(b.ecs.address, net_b, 3);
  CHECK(l.sent("192.0.2.1", a, 5, 0) == 2);
  CHECK(l.sent("192.0.2.1", b, 5, 0) == 2);
  CHECK(l.sent("192.0.2.1", kWww, 5, 0) == 2);
}

TEST_CASE("exempt networks are never limited; slip truncates every Nth limited answer") {
  Limiter l(1, 3, {"192.0.2.0/25", "2001:db8::/32"});
  CHECK(l.sent("192.0.2.1", kWww, 100, 0) == 100);
  CHECK(l.sent("2001:db8::1", kWww, 100, 0) == 100);
  CHECK(l.sent("192.0.2.200", kWww, 1, 0) == 1);

  const sockaddr_storage peer = client("192.0.2.200");
  int slips = 0, drops = 0;
  for (int i = 0; i < 9; ++i) {
    const RrlVerdict v =
        l.rrl.check(reinterpret_cast<const sockaddr*>(&peer), kWww, 0, 0, l.limited);
    slips += v == RrlVerdict::kSlip;
    drops += v == RrlVerdict::kDrop;
  }
  CHECK(slips == 3);
  CHECK(drops == 6);
}

TEST_CASE("--rrl-exempt text: networks, host routes, none; bad ones named") {
  auto nets = parse_rrl_exempt({"10.0.0.0/8", "2001:db8::1", "none"});
  REQUIRE(nets.has_value());
  REQUIRE(nets->size() == 2);
  CHECK(nets->at(1).prefix_len == 128);
  auto host_bits = parse_rrl_exempt({"10.0.0.1/8"});
  REQUIRE_FALSE(host_bits.has_value());
  CHECK(host_bits.error().text() ==
        "--rrl-exempt: '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?");
  CHECK_FALSE(parse_rrl_exempt({"10.0.0.0/33"}).has_value());
}

TEST_CASE("the slip answer is the header with TC and the question, nothing else") {
  // id 0x1234, QR AA, 1 question, 1 answer, 0 authority, 1 additional (OPT).
  uint8_t msg[] = {0x12, 0x34, 0x84, 0x00, 0,    1, 0, 1, 0, 0,  0, 1, 3,   'w', 'w', 'w',
                   0,    0,    1,    0,    1,  // www. A IN
                   0xC0, 12,   0,    1,    0,    1, 0, 0, 0, 60, 0, 4, 192, 0,   2,   1,  // answer
                   0,    0,    41,   4,    0xD0, 0, 0, 0, 0, 0,  0};                      // OPT
  const size_t len = truncate_to_question(msg, sizeof msg);
  CHECK(len == 21);
  CHECK((msg[2] & 0x02) != 0);
  CHECK(msg[5] == 1);
  CHECK((msg[6] | msg[7] | msg[8] | msg[9] | msg[10] | msg[11]) == 0);
  // A message without a question (FORMERR to garbage) keeps just the header.
  uint8_t bare[] = {0, 1, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(truncate_to_question(bare, sizeof bare) == 12);
}
