// TCP limits: --max-tcp-connections (beyond the cap a connection waits in the backlog and
// is served as soon as another one closes; nothing is dropped), --max-tcp-per-client and
// --tcp-read-timeout (slowloris).
#include <doctest/doctest.h>

#include <memory>

#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"
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

TEST_CASE("connections beyond --max-tcp-per-client from one address are closed at once") {
  GslbdRunner gslbd({.zones = {{"example.test.", case_file("zones/example.test.zone")}},
                     .threads = 1,
                     .extra_args = {"--max-tcp-per-client", "2"},
                     .admin_api = true});
  auto first = std::make_unique<TcpConnection>(gslbd.v4());
  TcpConnection second(gslbd.v4());
  REQUIRE(answered(*first, std::chrono::seconds(2)));
  REQUIRE(answered(second, std::chrono::seconds(2)));
  TcpConnection third(gslbd.v4());
  CHECK(third.wait_closed(std::chrono::seconds(2)));
  CHECK(answered(second, std::chrono::seconds(2)));  // the others are untouched

  first.reset();
  // The close reaches gslbd's loop shortly after: poll until a new one is served.
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    TcpConnection fourth(gslbd.v4());
    served = answered(fourth, std::chrono::milliseconds(200));
  }
  CHECK(served);
  const std::string metrics = ApiClient{gslbd.admin_url(), gslbd.read_token()}.get("/metrics").body;
  CHECK(metrics.find("gslb_tcp_closed_total{reason=\"client_cap\"} 0") == std::string::npos);
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("a client trickling a message is cut off at --tcp-read-timeout, not the idle timeout") {
  GslbdRunner gslbd({.zones = {{"example.test.", case_file("zones/example.test.zone")}},
                     .threads = 1,
                     .tcp_idle_timeout_ms = 10000,
                     .extra_args = {"--tcp-read-timeout", "500"},
                     .admin_api = true});
  Query q;
  q.qname = "www.example.test.";
  const Bytes framed = TcpConnection::frame(build_query(q));

  SUBCASE("slowloris: one octet every 100 ms never completes a message in time") {
    TcpConnection conn(gslbd.v4());
    const auto start = std::chrono::steady_clock::now();
    bool closed = false;
    for (size_t i = 0; i < framed.size() && !closed; ++i) {
      if (!conn.send_raw(Bytes{framed[i]})) break;
      closed = conn.wait_closed(std::chrono::milliseconds(100));
    }
    if (!closed) closed = conn.wait_closed(std::chrono::seconds(2));
    CHECK(closed);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
    const std::string metrics =
        ApiClient{gslbd.admin_url(), gslbd.read_token()}.get("/metrics").body;
    CHECK(metrics.find("gslb_tcp_closed_total{reason=\"read_timeout\"} 1") != std::string::npos);
  }

  SUBCASE("between whole messages only the idle timeout counts") {
    TcpConnection conn(gslbd.v4());
    REQUIRE(conn.send_raw(framed));
    REQUIRE(conn.read_message(std::chrono::seconds(2)));
    CHECK_FALSE(conn.wait_closed(std::chrono::milliseconds(900)));  // beyond the read timeout
    REQUIRE(conn.send_raw(framed));
    CHECK(conn.read_message(std::chrono::seconds(2)));
  }
  CHECK(gslbd.stop() == 0);
}
