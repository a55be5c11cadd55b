// gslbd follows the store: a write through gslbadm shows up in answers within
// 100 ms, and a snapshot that fails to build leaves the last good one serving.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/zone_file.h"

using namespace testsupport;
using Clock = std::chrono::steady_clock;

namespace {

const char* kZone = R"($ORIGIN reload.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
ns1 IN A 192.0.2.53
www IN A 192.0.2.1
)";

ZoneFile write_zone(const TempDir& dir) {
  const auto path = dir.path() / "reload.test.zone";
  std::ofstream(path) << kZone;
  return {"reload.test.", path};
}

// The answer's A addresses, or the rcode as "rcode:N" when there are none.
std::string answer_of(const Endpoint& server, const std::string& name) {
  Query q;
  q.qname = name;
  auto reply = exchange(server, q, Transport::kUdp, std::chrono::milliseconds(500));
  if (!reply) return "timeout";
  auto pkt = parse_packet(*reply);
  if (!pkt) return "unparsable";
  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  if (ldns_rr_list_rr_count(answer) == 0)
    return "rcode:" + std::to_string(ldns_pkt_get_rcode(pkt.get()));
  char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(answer, 0), 0));
  std::string out(text);
  free(text);
  return out;
}

// Polls until `name` answers `expected`; returns how long it took.
std::chrono::milliseconds wait_for_answer(const Endpoint& server, const std::string& name,
                                          const std::string& expected) {
  const auto start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(5)) {
    if (answer_of(server, name) == expected)
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return std::chrono::milliseconds::max();
}

}  // namespace

TEST_CASE("a record added with gslbadm is served within 100 ms") {
  TempDir files("gslb-reload");
  GslbdRunner gslbd({.zones = {write_zone(files)}, .threads = 2});
  REQUIRE(answer_of(gslbd.v4(), "www.reload.test.") == "192.0.2.1");
  CHECK(answer_of(gslbd.v4(), "new.reload.test.") == "rcode:3");

  auto added = gslbd.admin({"record", "add", "reload.test.", "new", "A", "192.0.2.7"});
  REQUIRE(added.status == 0);
  const auto took = wait_for_answer(gslbd.v4(), "new.reload.test.", "192.0.2.7");
  CAPTURE(took.count());
  // The poll interval is 50 ms; leave room for a slow (sanitizer) build.
  CHECK(took < std::chrono::milliseconds(150));
  CHECK(answer_of(gslbd.v4(), "www.reload.test.") == "192.0.2.1");
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("a snapshot that fails to build leaves the last good one serving") {
  TempDir files("gslb-reload");
  GslbdRunner gslbd({.zones = {write_zone(files)}});
  REQUIRE(answer_of(gslbd.v4(), "www.reload.test.") == "192.0.2.1");

  // Corrupt the store behind the validation layer, as a bad manual edit would.
  auto broken = run_program({find_program("sqlite3"), gslbd.db().string(),
                             "UPDATE zone SET mname = 'bad..name.' WHERE name = 'reload.test.'"});
  REQUIRE(broken.status == 0);
  REQUIRE(gslbd.process().wait_for_line("event=snapshot_build_failed"));
  CHECK(answer_of(gslbd.v4(), "www.reload.test.") == "192.0.2.1");

  // A later good write is picked up again.
  REQUIRE(run_program({find_program("sqlite3"), gslbd.db().string(),
                       "UPDATE zone SET mname = 'ns1.reload.test.' WHERE name = 'reload.test.'"})
              .status == 0);
  REQUIRE(gslbd.admin({"record", "add", "reload.test.", "later", "A", "192.0.2.8"}).status == 0);
  CHECK(wait_for_answer(gslbd.v4(), "later.reload.test.", "192.0.2.8") < std::chrono::seconds(2));
  CHECK(gslbd.stop() == 0);
}
