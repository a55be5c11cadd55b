// Pieces of fleet mode that need no etcd: rendezvous sharding of probe targets over
// vantages (healthd/shard.h), the write path's object diff (changed_keys), etcd's prefix
// range end, and the lease TTL a vantage asks for.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "admin/fleet/etcd_client.h"
#include "admin/fleet/fleet_node.h"
#include "admin/fleet/fleet_writer.h"
#include "admin/fleet/health_publisher.h"
#include "healthd/shard.h"

TEST_CASE("sharding: each target goes to exactly K vantages, the same on every vantage") {
  const std::vector<std::string> vantages{"ams", "fra", "nyc", "sfo", "sin"};
  std::map<std::string, int> load;
  for (int t = 0; t < 1000; ++t) {
    const std::string target =
        "web|10.0." + std::to_string(t / 250) + "." + std::to_string(t % 250);
    int probers = 0;
    for (const std::string& v : vantages) {
      if (healthd::probes_here(target, v, vantages, 2)) {
        ++probers;
        ++load[v];
      }
    }
    CHECK(probers == 2);
  }
  // Spread evenly enough: 2000 assignments over 5 vantages, about 400 each.
  for (const auto& [v, n] : load) {
    CAPTURE(v);
    CHECK(n > 300);
    CHECK(n < 500);
  }
}

TEST_CASE(
    "sharding: copies 0 or >= the vantages means everyone; a departure moves only its share") {
  const std::vector<std::string> all{"a", "b", "c"};
  CHECK(healthd::probes_here("t", "a", all, 0));
  for (const std::string& v : all) CHECK(healthd::probes_here("t", v, all, 3));
  CHECK(healthd::probes_here("t", "z", {}, 1));  // alone (not yet in the list): probes it
  const std::vector<std::string> without_c{"a", "b"};
  int moved = 0;
  for (int t = 0; t < 300; ++t) {
    const std::string target = "m|" + std::to_string(t);
    for (const std::string& v : without_c) {
      const bool before = healthd::probes_here(target, v, all, 1);
      const bool after = healthd::probes_here(target, v, without_c, 1);
      if (before && !after) FAIL("a target left a vantage that stayed");
      moved += (!before && after) ? 1 : 0;
    }
  }
  CHECK(moved > 50);  // c's share (about 100) went to a or b
  CHECK(moved < 150);
}

TEST_CASE("fleet writer: the changed keys between two exports") {
  const std::map<std::string, std::string> before{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  const std::map<std::string, std::string> after{{"a", "1"}, {"b", "20"}, {"d", "4"}};
  CHECK(admin::fleet::changed_keys(before, after) == std::vector<std::string>{"b", "c", "d"});
  CHECK(admin::fleet::changed_keys(before, before).empty());
}

TEST_CASE("etcd: a prefix's range end, and a vantage's lease TTL") {
  CHECK(admin::fleet::prefix_end("/gslb/") == "/gslb0");
  CHECK(admin::fleet::prefix_end("a\xff") == "b");
  CHECK(admin::fleet::prefix_end("") == std::string(1, '\0'));
  CHECK(admin::fleet::HealthPublisher::lease_ttl_s(500) == 3);   // 1 s monitors: 3 s
  CHECK(admin::fleet::HealthPublisher::lease_ttl_s(100) == 2);   // never below 2 s
  CHECK(admin::fleet::HealthPublisher::lease_ttl_s(1000) == 6);  // beat 1 s: 2 s monitors
}

TEST_CASE("etcd flags: bad endpoints and half-given credentials are refused, naming the flag") {
  auto problem = [](admin::fleet::FleetFlags flags) {
    auto settings = admin::fleet::etcd_settings(flags);
    return settings ? std::string() : settings.error().text();
  };
  admin::fleet::FleetFlags flags;
  flags.etcd = "http://127.0.0.1:2379,https://10.0.0.2:2379/";
  CHECK(problem(flags).empty());
  CHECK(admin::fleet::etcd_settings(flags)->endpoints.back() == "https://10.0.0.2:2379");
  flags.etcd = "ftp://127.0.0.1:2379";
  CHECK(problem(flags).find("--etcd: \"ftp://127.0.0.1:2379\" is not an http") == 0);
  flags.etcd = ",";
  CHECK(problem(flags).find("--etcd: at least one endpoint") == 0);
  flags.etcd = "http://127.0.0.1:2379";
  flags.cert_file = "client.pem";
  CHECK(problem(flags).find("--etcd-cert") == 0);
  flags.cert_file.clear();
  flags.user = "gslb";
  CHECK(problem(flags).find("--etcd-user: needs --etcd-password-file") == 0);
  flags.user.clear();
  flags.password_file = "/nonexistent";
  CHECK(problem(flags).find("--etcd-password-file: needs --etcd-user") == 0);
}
