// --max-tcp-connections: beyond the cap a connection waits in the backlog and
// is served as soon as another one closes; nothing is dropped.
#include <doctest/doctest.h>

#include <memory>

#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/socket_io.h"
#include "tests/support/zone_file.h"

using namespace testsupport;

namespace {

bool answered(TcpConnection& conn, std::chrono::milliseconds timeout) {
  Query q;
  q.qname = "www.example.test.";
  if (!conn.send_message(build_query(q))) return false;
  auto reply = conn.read_message(timeout);
  return reply && parse_packet(*reply) != nullptr;
}

}  // namespace

TEST_CASE("connections beyond --max-tcp-connections wait until one closes") {
  GslbdRunner gslbd({.zones = {{"example.test.", case_file("zones/example.test.zone")}},
                     .threads = 1,
                     .max_tcp_connections = 2});
  auto first = std::make_unique<TcpConnection>(gslbd.v4());
  TcpConnection second(gslbd.v4());
  REQUIRE(answered(*first, std::chrono::seconds(2)));
  REQUIRE(answered(second, std::chrono::seconds(2)));

  // The kernel completes the handshake, but gslbd does not take the third
  // connection while two are open: its query waits.
  TcpConnection third(gslbd.v4());
  Query q;
  q.qname = "www.example.test.";
  REQUIRE(third.send_message(build_query(q)));
  CHECK_FALSE(third.read_message(std::chrono::milliseconds(300)));

  first.reset();  // a slot frees: the waiting connection is accepted and answered
  auto reply = third.read_message(std::chrono::seconds(2));
  REQUIRE(reply);
  CHECK(parse_packet(*reply) != nullptr);
  CHECK(answered(second, std::chrono::seconds(2)));
  CHECK(gslbd.stop() == 0);
}
