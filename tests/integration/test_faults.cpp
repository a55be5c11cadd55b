// Faults injected into a running gslb, each asserted on real DNS answers (ldns), the admin
// API and the store: a full disk under the store, gslbd killed -9 mid-write, gslb-healthd
// killed -9, the store locked by another writer, and a truncated GeoIP file.
//
// The full disk is a 16 MiB tmpfs mounted in the test process's own mount namespace
// (unshare(CLONE_NEWNS), store_faults.h), holding the store, filled to the last byte with a
// filler file. It needs root (CAP_SYS_ADMIN), as the suite has in CI (Debian 12, root) and
// in this repo's containers; without it that case says why in a MESSAGE and checks nothing.
// A tmpfs gives a true ENOSPC (SQLITE_FULL); RLIMIT_FSIZE would give EFBIG, which SQLite
// reports as a generic I/O error, not as a full disk. The case runs first: unshare refuses a
// process that has started threads.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/backend.h"
#include "tests/support/dns_client.h"
#include "tests/support/dns_watch.h"
#include "tests/support/geo_data.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/healthd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/store_faults.h"

using namespace testsupport;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Addrs = std::vector<std::string>;

namespace {

const std::string kCanary = "ns1.gslb.test.";  // kGslbTestZone's A record, 192.0.2.53
const std::string kRecords = "/v1/zones/gslb.test./records";

GslbdOptions api_options(const std::string& config_yaml, std::vector<std::string> extra_args = {}) {
  GslbdOptions o;
  o.admin_api = true;
  o.extra_args = std::move(extra_args);
  o.setup = [config_yaml](const std::filesystem::path& db) {
    apply_gslb_test_config(db, config_yaml);
  };
  return o;
}

std::string record(const std::string& owner, int host) {
  return json{{"owner", owner}, {"type", "A"}, {"rdata", "192.0.2." + std::to_string(host)}}.dump();
}

json body_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) FAIL_CHECK("not JSON (status " << r.status << "): " << r.body);
  return j;
}

std::set<std::string> record_owners(const ApiClient& api) {
  std::set<std::string> owners;
  for (const auto& r : body_of(api.get(kRecords + "?type=A"))) owners.insert(r.at("owner"));
  return owners;
}

// gslbd never paused: every watched query was answered within the watch's 1 s.
void check_always_answered(DnsWatch& watch) {
  watch.stop();
  CAPTURE(watch.slowest().count());
  CHECK(watch.answered() > 0);
  CHECK(watch.unanswered() == 0);
}

std::string joined(const Addrs& answers) {
  std::string out;
  for (const auto& a : answers) out += (out.empty() ? "" : " then ") + a;
  return out;
}

int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// A zone file of `n` A records, big enough that storing it needs megabytes of fresh pages
// (a small write may fit in WAL pages the file already has, full disk or not).
std::string big_zone_file(const std::string& origin, int n) {
  std::string text = "$ORIGIN " + origin + "\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 " +
                     "604800 60\n@ IN NS ns1\nns1 IN A 192.0.2.53\n";
  for (int i = 0; i < n; ++i)
    text += "host" + std::to_string(i) + " IN A 10." + std::to_string(i / 65536 % 256) + "." +
            std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + "\n";
  return text;
}

}  // namespace

TEST_CASE("disk full under the store: writes fail naming it, nothing half-written, DNS serves") {
  std::string why;
  const auto volume = PrivateTmpfs::mount(16 << 20, why);
  if (!volume) {
    MESSAGE("skipped: no private tmpfs for a full disk (" << why << ")");
    return;
  }
  // The runner makes its temp dir (the store's) under TMPDIR: put it on the small volume.
  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir != nullptr ? old_tmpdir : "";
  setenv("TMPDIR", volume->path().c_str(), 1);
  GslbdRunner gslbd(api_options(""));
  old_tmpdir != nullptr ? setenv("TMPDIR", saved.c_str(), 1) : unsetenv("TMPDIR");
  REQUIRE(gslbd.db().string().starts_with(volume->path().string()));
  const ApiClient ops{gslbd.admin_url(), gslbd.write_token()};
  const TempDir files("gslb-faults-full");  // on the usual /tmp again, not the full volume
  const auto zone_file = files.write("big.test.zone", big_zone_file("big.test.", 20000));
  const std::string zone = json{{"content", read_text_file(zone_file)}}.dump();  // ~0.5 MiB

  DnsWatch watch(gslbd.v4(), {kCanary});
  CHECK(volume->fill() == 0);
  const HttpResponse refused = ops.put("/v1/zones/big.test.", zone);
  CHECK(refused.status == 507);  // Insufficient Storage
  CHECK(body_of(refused).value("error", "").find("disk is full") != std::string::npos);
  const RunResult local =
      gslbd.admin({"zone", "import", zone_file.string(), "--origin", "big.test."});
  CHECK(local.status == 1);
  CHECK(local.err.find("disk is full") != std::string::npos);
  // Nothing of the refused write is visible, the store is whole, and gslbd still serves.
  CHECK(ops.get("/v1/zones/big.test.").status == 404);
  CHECK(ask_dns(gslbd.v4(), "host1.big.test.").rcode == LDNS_RCODE_REFUSED);
  CHECK(integrity_check(gslbd.db()) == "ok");
  CHECK(ask_dns(gslbd.v4(), kCanary).addresses == Addrs{"192.0.2.53"});

  volume->unfill();
  CHECK(ops.put("/v1/zones/big.test.", zone).status == 201);
  CHECK(eventually([&] { return ask_dns(gslbd.v4(), "host1.big.test.").addresses.size() == 1; },
                   std::chrono::seconds(5)));
  check_always_answered(watch);
  CHECK(watch.seen(kCanary) == Addrs{"192.0.2.53"});
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("kill -9 of gslbd during API writes: the store is whole, every acknowledged write kept") {
  GslbdRunner gslbd(api_options(""));
  const ApiClient ops{gslbd.admin_url(), gslbd.write_token()};
  std::atomic<int> acknowledged{0};
  std::vector<std::string> acked_owners, unexpected;
  std::thread writer([&] {
    for (int i = 0; i < 100000; ++i) {
      const std::string owner = "w" + std::to_string(i) + ".gslb.test.";
      const HttpResponse r = ops.post(kRecords, record(owner, i % 250 + 1));
      if (r.status == 0) return;  // gslbd is gone
      if (r.status != 201) {
        unexpected.push_back(std::to_string(r.status) + " " + r.body);
        continue;
      }
      acked_owners.push_back(owner);
      ++acknowledged;
    }
  });
  // CHECK, not REQUIRE: the writer thread must be joined whatever happens.
  CHECK(eventually([&] { return acknowledged >= 50; }, std::chrono::seconds(20)));
  CHECK(kill(gslbd.process().pid(), SIGKILL) == 0);
  writer.join();
  CHECK(gslbd.process().wait_exit(std::chrono::seconds(5)) == 128 + SIGKILL);
  CHECK(unexpected.empty());

  CHECK(integrity_check(gslbd.db()) == "ok");
  gslbd.restart();
  const ApiClient after{gslbd.admin_url(), gslbd.read_token()};
  const std::set<std::string> owners = record_owners(after);
  for (const std::string& owner : acked_owners) CHECK_MESSAGE(owners.count(owner), owner);
  // Besides the acknowledged ones, at most the write in flight at the kill (its commit may
  // have landed before its answer was sent); ns1 is the zone's own.
  CHECK(owners.size() >= acked_owners.size() + 1);
  CHECK(owners.size() <= acked_owners.size() + 2);
  CHECK(ask_dns(gslbd.v4(), acked_owners.back()).addresses.size() == 1);
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("gslb-healthd killed: reports go stale after 3 intervals, when_unknown decides") {
  Backend failing;  // 127.0.0.1: HTTP 500
  failing.set_status(500);
  Backend healthy(BackendOptions{.bind = "127.0.0.2"});
  const auto monitor = [](const char* name, uint16_t port) {
    return std::string("  - {name: ") + name + ", type: http, port: " + std::to_string(port) +
           ", path: /healthz, interval: 400ms, timeout: 200ms, rise: 1, fall: 1, jitter: 0s}\n";
  };
  const std::string pools = "[{pool: first, priority: 1}, {pool: second, priority: 2}]";
  GslbdRunner gslbd(api_options(
      "regions:\n  - {name: r1, lat: 1, lon: 2}\nmonitors:\n" + monitor("bad", failing.port()) +
      monitor("ok", healthy.port()) +
      "pools:\n  - {name: first, region: r1, monitor: bad, members: [{address: 127.0.0.1}]}\n"
      "  - {name: second, region: r1, monitor: ok, members: [{address: 127.0.0.2}]}\n"
      "services:\n  - {name: open.gslb.test, policy: failover, pools: " +
      pools +
      "}\n  - {name: closed.gslb.test, policy: failover, when_unknown: down, "
      "when_all_down: fallback, fallback: [192.0.2.99], pools: " +
      pools + "}\n"));
  const auto answer = [&](const std::string& name) { return ask_dns(gslbd.v4(), name).addresses; };
  HealthdRunner healthd(gslbd.db(), "t1");
  REQUIRE(eventually([&] { return answer("open.gslb.test.") == Addrs{"127.0.0.2"}; }, 5s));
  REQUIRE(eventually([&] { return answer("closed.gslb.test.") == Addrs{"127.0.0.2"}; }, 5s));

  DnsWatch watch(gslbd.v4(), {"open.gslb.test.", "closed.gslb.test."});
  healthd.kill_hard();
  const auto killed = Clock::now();
  // Unknown is up for the default (fail-open): the first pool answers again. For
  // when_unknown: down nothing is usable: the fallback, with the degraded TTL.
  REQUIRE(eventually([&] { return answer("open.gslb.test.") == Addrs{"127.0.0.1"}; }, 5s));
  CHECK(ms_since(killed) >= 700);  // stale only 3 x 400 ms after the last heartbeat
  REQUIRE(eventually([&] { return answer("closed.gslb.test.") == Addrs{"192.0.2.99"}; }, 2s));
  const DnsAnswer closed = ask_dns(gslbd.v4(), "closed.gslb.test.");
  CHECK(closed.ttl <= 10);
  // Each service moved once, straight from its healthy answer to its unknown one.
  const auto moved_once = [&] {
    return watch.seen("open.gslb.test.") == Addrs{"127.0.0.2", "127.0.0.1"} &&
           watch.seen("closed.gslb.test.") == Addrs{"127.0.0.2", "192.0.2.99"};
  };
  CHECK(eventually(moved_once, 2s));  // the watcher's last round may lag the checks above
  check_always_answered(watch);
  CAPTURE(joined(watch.seen("open.gslb.test.")));
  CAPTURE(joined(watch.seen("closed.gslb.test.")));
  CHECK(moved_once());

  // The store keeps the dead daemon's last verdicts; only their age makes them ignored.
  const auto row = health_row(gslbd.db(), "first", "127.0.0.1", "t1");
  REQUIRE(row.has_value());
  CHECK(row->state == zones::HealthState::kDown);
  const json health =
      body_of(ApiClient{gslbd.admin_url(), gslbd.read_token()}.get("/v1/status")).at("health");
  CHECK(health.at("members_unknown") == 2);
  CHECK(health.at("stale_reports") == 2);
  CHECK(health.at("fresh_reports") == 0);
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("store locked by another writer: DNS serves; writes wait 5 s for the lock, then 503") {
  GslbdRunner gslbd(api_options(""));
  const ApiClient ops{gslbd.admin_url(), gslbd.write_token()};
  DnsWatch watch(gslbd.v4(), {kCanary});
  const auto api_write = [&](const std::string& owner) {
    return std::async(std::launch::async, [&, owner] {
      const auto start = Clock::now();
      const HttpResponse r = ops.post(kRecords, record(owner, 7));
      return std::make_pair(r, ms_since(start));
    });
  };
  const auto local_write = [&](const std::string& owner) {
    return std::async(std::launch::async, [&, owner] {
      return gslbd.admin({"record", "add", "gslb.test.", owner, "A", "192.0.2.8"});
    });
  };
  // Held 6.5 s: writes asked at once outwait their 5 s busy timeout and are refused; writes
  // asked 3 s in get the lock when it goes, before their timeout.
  auto lock = std::make_unique<StoreWriteLock>(gslbd.db());
  auto early_api = api_write("early-api");
  auto early_local = local_write("early-local");
  std::this_thread::sleep_for(3s);  // the fault's duration, not a synchronisation
  auto late_api = api_write("late-api");
  auto late_local = local_write("late-local");
  std::this_thread::sleep_for(3500ms);
  lock->release();

  const auto [refused, refused_ms] = early_api.get();
  CHECK(refused.status == 503);
  CHECK(body_of(refused).value("error", "").ends_with("database is locked by another writer"));
  CHECK(refused_ms >= 4000);  // it waited for the lock before giving up
  const RunResult refused_local = early_local.get();
  CHECK(refused_local.status == 1);
  CHECK(refused_local.err.find("database is locked by another writer") != std::string::npos);
  CHECK(late_api.get().first.status == 201);
  CHECK(late_local.get().status == 0);

  CHECK(eventually([&] { return ask_dns(gslbd.v4(), "late-api.gslb.test.").rcode == 0; }, 3s));
  CHECK(eventually(
      [&] { return ask_dns(gslbd.v4(), "late-local.gslb.test.").addresses == Addrs{"192.0.2.8"}; },
      3s));
  CHECK(ask_dns(gslbd.v4(), "early-api.gslb.test.").rcode == LDNS_RCODE_NXDOMAIN);
  CHECK(ask_dns(gslbd.v4(), "early-local.gslb.test.").rcode == LDNS_RCODE_NXDOMAIN);
  check_always_answered(watch);
  CHECK(watch.seen(kCanary) == Addrs{"192.0.2.53"});
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("a truncated GeoIP file under gslbd: the last good one serves; the failure is reported") {
  TempDir dir("gslb-faults-geo");
  const std::string mmdb = make_test_mmdb(dir);
  GslbdRunner gslbd(
      api_options("regions:\n"
                  "  - {name: us-east, lat: 40.7, lon: -74.0, continent: NA, country: US}\n"
                  "  - {name: ap-northeast, lat: 35.7, lon: 139.7, continent: AS, country: JP}\n"
                  "pools:\n"
                  "  - {name: us-east, region: us-east, members: [{address: 10.1.0.1}]}\n"
                  "  - {name: ap-northeast, region: ap-northeast, members: [{address: 10.3.0.1}]}\n"
                  "services:\n"
                  "  - {name: prox.gslb.test, policy: proximity, pools: [{pool: us-east}, "
                  "{pool: ap-northeast}]}\n",
                  {"--geoip", mmdb}));
  const ApiClient viewer{gslbd.admin_url(), gslbd.read_token()};
  const auto answer = [&] {
    return ask_dns(gslbd.v4(), "prox.gslb.test.", "198.51.100.7", 32).addresses;
  };
  REQUIRE(answer() == Addrs{"10.1.0.1"});  // New York: us-east
  const json before = body_of(viewer.get("/v1/status")).at("geoip");

  // The first half of a valid database (a copy cut short), renamed over it.
  const auto next = dir.path() / "next.mmdb";
  const std::string whole = read_text_file(mmdb);
  std::ofstream(next, std::ios::binary) << whole.substr(0, whole.size() / 2);
  std::filesystem::rename(next, mmdb);
  const auto failed = gslbd.process().wait_for_line("event=geoip_reload_failed", 3s);
  REQUIRE(failed);
  CHECK(failed->find("level=error") != std::string::npos);
  CHECK(failed->find("serving=\"previous database\"") != std::string::npos);
  CHECK(answer() == Addrs{"10.1.0.1"});
  const json geoip = body_of(viewer.get("/v1/status")).at("geoip");
  CHECK(geoip.at("build_epoch") == before.at("build_epoch"));  // the old database, still
  CHECK(geoip.at("loaded_at_ms") == before.at("loaded_at_ms"));
  CHECK(geoip.at("reloads").at("failed") == 1);
  CHECK(geoip.at("reloads").at("ok") == 0);
  CHECK(geoip.at("reloads").at("last_error").is_string());
  CHECK(viewer.get("/metrics").body.find("gslb_geoip_reloads_total{result=\"failed\"} 1") !=
        std::string::npos);

  // A good file after the broken one is put in service: the reloader did not give up.
  make_moved_test_mmdb(next);
  std::filesystem::rename(next, mmdb);
  CHECK(eventually([&] { return answer() == Addrs{"10.3.0.1"}; }, 3s));  // Sydney now
  CHECK(body_of(viewer.get("/v1/status")).at("geoip").at("reloads").at("ok") == 1);
  CHECK(gslbd.stop() == 0);
}
