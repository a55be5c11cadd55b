// gslbd refuses bad flags and missing stores with a message that names the
// flag, and exits 2 (usage) or 1 (cannot start) without serving anything.
#include <doctest/doctest.h>
#include <pwd.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/dns_client.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace testsupport;

TEST_CASE("gslbd names the flag that is wrong and exits without serving") {
  TempDir dir("gslb-flags");
  const std::string missing = (dir.path() / "absent.db").string();
  struct Row {
    std::vector<std::string> args;
    int status;
    const char* message;
  };
  const Row rows[] = {
      {{"--listen", "127.0.0.1:0"}, 2, "--db is required"},
      {{"--db", missing, "--threads", "-1"}, 2, "--threads"},
      {{"--db", missing, "--max-udp-payload", "100"}, 2, "--max-udp-payload"},
      {{"--db", missing, "--bogus"}, 2, "--bogus"},
      {{"--db", missing, "--query-log-sample", "-1"}, 2, "--query-log-sample"},
      {{"--db", missing, "--listen", "127.0.0.1:0"}, 1, "create one with: gslbadm --db"},
      {{"--db", missing, "--rrl-rate", "20000"}, 2, "--rrl-rate"},
      {{"--db", missing, "--rrl-exempt", "10.0.0.1/8"}, 2, "has host bits set; did you mean"},
      {{"--db", missing, "--rrl-exempt", "bogus"}, 2, "'bogus' is not an address"},
      {{"--db", missing, "--tcp-read-timeout", "0"}, 2, "--tcp-read-timeout"},
      {{"--db", missing, "--listen", "127.0.0.1:0", "--user", "no-such-user-gslb"},
       1,
       "--user: no such user 'no-such-user-gslb'"},
  };
  for (const Row& row : rows) {
    std::vector<std::string> argv{GSLBD_PATH};
    argv.insert(argv.end(), row.args.begin(), row.args.end());
    CAPTURE(join_args(argv));
    const RunResult r = run_program(argv, std::chrono::seconds(10));
    CHECK(r.status == row.status);
    CHECK((r.err + r.out).find(row.message) != std::string::npos);
  }
}

TEST_CASE("gslbd rejects a malformed listen address before opening anything") {
  TempDir dir("gslb-flags");
  const std::string db = (dir.path() / "store.db").string();
  REQUIRE(run_program({GSLBADM_PATH, "--db", db, "init"}).status == 0);
  for (const char* bad : {"1.2.3:53", "127.0.0.1", "[::1:53", "127.0.0.1:99999", "localhost:53"}) {
    CAPTURE(bad);
    const RunResult r = run_program({GSLBD_PATH, "--db", db, "--listen", bad});
    CHECK(r.status == 1);
    CHECK(r.err.find("--listen") != std::string::npos);
    CHECK(r.err.find("event=ready") == std::string::npos);
  }
}

TEST_CASE("a second gslbd on a port the first serves is refused, not silently sharing it") {
  GslbdRunner first(GslbdOptions{});
  const std::string taken = "127.0.0.1:" + std::to_string(first.v4().port);
  const RunResult second =
      run_program({GSLBD_PATH, "--db", first.db().string(), "--listen", taken, "--admin", "none"},
                  std::chrono::seconds(10));
  CHECK(second.status == 1);
  CHECK(second.err.find("--listen " + taken + ": address in use") != std::string::npos);
  CHECK(second.err.find("event=ready") == std::string::npos);
}

TEST_CASE("--user: gslbd binds, then serves as the unprivileged user") {
  if (geteuid() != 0) {
    MESSAGE("skipped: switching users needs root");
    return;
  }
  const passwd* nobody = getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  GslbdOptions options{.zones = {{"example.test.", case_file("zones/example.test.zone")}}};
  options.extra_args = {"--user", "nobody"};
  // The user must be able to open the store (and create its -wal and -shm files beside it).
  options.setup = [nobody](const std::filesystem::path& db) {
    for (const auto& path : {db.parent_path(), db})
      REQUIRE(chown(path.c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
  };
  GslbdRunner gslbd(options);
  std::ifstream status("/proc/" + std::to_string(gslbd.process().pid()) + "/status");
  std::string line, uids;
  while (std::getline(status, line))
    if (line.starts_with("Uid:")) uids = line;
  const std::string uid = std::to_string(nobody->pw_uid);
  CHECK(uids ==
        "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid);  // real, effective, saved, fs
  CHECK(gslbd.process().output().find("user=nobody") != std::string::npos);
  Query q;
  q.qname = "www.example.test.";
  const auto reply = exchange(gslbd.v4(), q, Transport::kUdp);
  REQUIRE(reply);
  CHECK(ldns_pkt_ancount(parse_packet(*reply).get()) == 1);
  CHECK(gslbd.stop() == 0);
}
