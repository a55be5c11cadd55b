// gslb-healthd's targets: one probe per (monitor, address) however many pools
// share it; pools without a monitor are not probed.
#include <doctest/doctest.h>

#include "healthd/targets.h"

namespace {

zones::Pool pool(const char* name, const char* monitor,
                 std::vector<std::pair<int64_t, const char*>> members) {
  zones::Pool p;
  p.name = name;
  p.region = "r";
  p.monitor = monitor;
  for (auto [id, address] : members)
    p.members.push_back({id, address, "", 1, zones::AdminState::kEnabled});
  return p;
}

}  // namespace

TEST_CASE("healthd targets: one per (monitor, address), reporting to every member row") {
  zones::GslbConfig c;
  zones::Monitor web;
  web.name = "web";
  web.type = "http";
  web.port = 80;
  zones::Monitor tcp = web;
  tcp.name = "tcp";
  tcp.type = "tcp";
  c.monitors = {web, tcp};
  c.pools = {pool("a", "web", {{1, "192.0.2.1"}, {2, "192.0.2.2"}}),
             pool("b", "web", {{3, "192.0.2.1"}}),  // same monitor and address as member 1
             pool("c", "tcp", {{4, "192.0.2.1"}}),  // same address, another monitor
             pool("d", "", {{5, "192.0.2.9"}})};    // no monitor
  const auto targets = healthd::build_targets(c);
  REQUIRE(targets.size() == 3);
  CHECK(targets[0].key == "tcp|192.0.2.1");
  CHECK(targets[0].member_ids == std::vector<int64_t>{4});
  CHECK(targets[1].key == "web|192.0.2.1");
  CHECK(targets[1].member_ids == std::vector<int64_t>{1, 3});
  CHECK(targets[1].pools == std::vector<std::string>{"a", "b"});
  CHECK(targets[1].probe.monitor->type == "http");
  CHECK(targets[2].key == "web|192.0.2.2");
  CHECK(healthd::unprobed_members(c) == std::vector<int64_t>{5});
  zones::Monitor renamed = web;
  renamed.name = "other";
  CHECK(healthd::same_probe(web, renamed));
  renamed.interval_ms = 2000;
  CHECK_FALSE(healthd::same_probe(web, renamed));
}
