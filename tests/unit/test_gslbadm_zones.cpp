// gslbadm zone/record commands run as a program: exit codes 0/1/2, errors on stderr, --json.
#include <doctest/doctest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace {

struct ZoneCli {
  testsupport::TempDir dir{"gslbadm"};
  std::string db = (dir / "store.db").string();

  testsupport::RunResult run(std::vector<std::string> args, bool with_db = true) {
    std::vector<std::string> argv = {GSLBADM_PATH};
    if (with_db) argv.insert(argv.end(), {"--db", db});
    argv.insert(argv.end(), args.begin(), args.end());
    return testsupport::run_program(argv);
  }
};

}  // namespace

TEST_CASE("gslbadm exits 0 on success, 1 when a write is refused and 2 on bad usage") {
  unsetenv("GSLB_DB");
  ZoneCli cli;
  struct Step {
    std::vector<std::string> args;
    int status;
    const char* stderr_part;
    bool with_db = true;
  };
  const Step steps[] = {
      {{"zone", "list"}, 2, "error: --db: no store given", false},
      {{"zone", "list"}, 1, "gslbadm --db FILE init"},
      {{"init"}, 0, ""},
      {{"init"}, 0, ""},
      {{"frobnicate"}, 2, ""},
      {{"zone", "add", "example.com"}, 2, "--ns"},
      {{"zone", "add", "example.com", "--ns", "ns1.example.com", "--ttl", "300"}, 0, ""},
      {{"zone", "add", "example.com", "--ns", "ns1.example.com"}, 1, "already exists"},
      {{"zone", "add", "x.test", "--ns", "ns1.x.test", "--ttl", "abc", "--retry", "x"},
       1,
       "error: --ttl: must be 0..2147483647 (got \"abc\")\nerror: --retry:"},
      {{"record", "add", "example.com", "www", "MX", "10", "mail"}, 0, ""},
      {{"record", "add", "example.com", "www", "A", "1.2.3"},
       1,
       "error: record.rdata: bad A address \"1.2.3\""},
      {{"record", "add", "example.com", "www", "A", "192.0.2.1", "--ttl", "abc"},
       1,
       "error: record.ttl: must be 0..2147483647 (got \"abc\")"},
      {{"record", "delete", "example.com", "nope", "A"}, 1, "error: record: no nope"},
      {{"record", "delete", "example.com", "www", "MX", "10", "mail"}, 0, ""},
      {{"zone", "show", "nope.org"}, 1, "error: zone: no zone nope.org"},
      {{"zone", "delete", "example.com"}, 0, ""},
  };
  for (const Step& s : steps) {
    const std::string command = testsupport::join_args(s.args);
    CAPTURE(command);
    auto result = cli.run(s.args, s.with_db);
    CAPTURE(result.err);
    CHECK(result.status == s.status);
    CHECK(result.err.find(s.stderr_part) != std::string::npos);
  }
}

TEST_CASE("gslbadm --json prints machine-readable results") {
  ZoneCli cli;
  REQUIRE(cli.run({"init"}).status == 0);
  auto added = cli.run({"--json", "zone", "add", "example.com", "--ns", "ns1.example.com"});
  REQUIRE(added.status == 0);
  auto zone = nlohmann::json::parse(added.out);
  CHECK(zone["name"] == "example.com.");
  CHECK(zone["soa"]["rname"] == "hostmaster.example.com.");

  REQUIRE(cli.run({"record", "add", "example.com", "www", "TXT", "\"hello world\""}).status == 0);
  auto listed = cli.run({"record", "list", "example.com", "--type", "TXT", "--json"});
  REQUIRE(listed.status == 0);
  auto records = nlohmann::json::parse(listed.out);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["owner"] == "www.example.com.");
  CHECK(records[0]["rdata"] == "\"hello world\"");

  auto zones = nlohmann::json::parse(cli.run({"--json", "zone", "list"}).out);
  REQUIRE(zones.size() == 1);
  CHECK(zones[0]["record_count"] == 2);
  CHECK(zones[0]["soa"]["serial"] == 2);
}

TEST_CASE("gslbadm imports a zone file, reports its errors by line, and exports it") {
  ZoneCli cli;
  REQUIRE(cli.run({"init"}).status == 0);
  const std::string good = cli.dir
                               .write("example.com.zone",
                                      "$ORIGIN example.com.\n$TTL 300\n"
                                      "@ IN SOA ns1 hostmaster 5 3600 600 604800 60\n"
                                      "@ IN NS ns1\nns1 IN A 192.0.2.53\n")
                               .string();
  auto imported = cli.run({"zone", "import", good});
  CHECK(imported.status == 0);
  CHECK(imported.out == "imported example.com.: 2 records, serial 5\n");

  const std::string bad = cli.dir
                              .write("bad.zone",
                                     "$ORIGIN example.com.\n@ IN SOA a. b. 1 2 3 4 5\n@ IN NS a.\n"
                                     "www IN A 1.2.3\nftp IN A 1.2.3\n")
                              .string();
  auto refused = cli.run({"zone", "import", bad});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("error: " + bad + ":4: ") != std::string::npos);
  CHECK(refused.err.find("error: " + bad + ":5: ") != std::string::npos);

  auto exported = cli.run({"zone", "export", "example.com"});
  CHECK(exported.status == 0);
  CHECK(
      exported.out.starts_with("$ORIGIN example.com.\n$TTL 300\n@   300 IN SOA ns1.example.com."));
  const std::string out_file = (cli.dir / "out.zone").string();
  CHECK(cli.run({"zone", "export", "example.com", "-o", out_file}).status == 0);
  CHECK(testsupport::read_text_file(out_file) == exported.out);
}
