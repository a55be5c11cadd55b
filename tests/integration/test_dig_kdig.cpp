// dig and kdig (real resolver tools, as operators use them) against gslbd: their parsed
// status, flags and section counts must match what the zone says.
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "tests/support/gslbd_runner.h"
#include "tests/support/zone_file.h"

namespace ts = testsupport;

namespace {

struct ToolCase {
  const char* tool;  // "dig" or "kdig"
  bool v6;
  std::vector<std::string> args;
  const char* status;
  const char* flags;
  int answer;
  int authority;
};

// dig prints "flags: qr aa; QUERY: 1, ANSWER: 1, ..."; kdig "Flags: qr aa; QUERY: 1; ...".
struct ToolSummary {
  std::string status, flags;
  int answer = -1, authority = -1;
};

ToolSummary summarize(const std::string& out) {
  ToolSummary s;
  std::smatch m;
  if (std::regex_search(out, m, std::regex("status: ([A-Z]+)"))) s.status = m[1];
  if (std::regex_search(out, m, std::regex("[Ff]lags: ([a-z ]*);"))) s.flags = m[1];
  if (std::regex_search(out, m, std::regex("ANSWER: ([0-9]+)"))) s.answer = std::stoi(m[1]);
  if (std::regex_search(out, m, std::regex("AUTHORITY: ([0-9]+)"))) s.authority = std::stoi(m[1]);
  return s;
}

std::vector<std::string> command(const ToolCase& c, const ts::Endpoint& server) {
  std::vector<std::string> argv{ts::find_program(c.tool), "@" + server.host, "-p",
                                std::to_string(server.port)};
  if (std::string(c.tool) == "dig")
    argv.insert(argv.end(), {"+time=2", "+tries=1", "+norec"});
  else
    argv.insert(argv.end(), {"+timeout=2", "+retry=0", "+norec"});
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  return argv;
}

const std::vector<ToolCase> kCases = {
    {"dig", false, {"www.example.test", "A"}, "NOERROR", "qr aa", 1, 0},
    {"dig", false, {"nx.example.test", "A"}, "NXDOMAIN", "qr aa", 0, 1},
    {"dig", false, {"www.example.org", "A"}, "REFUSED", "qr", 0, 0},
    {"dig", false, {"host.sub.example.test", "A"}, "NOERROR", "qr", 0, 2},
    // dig retries over TCP by itself when the UDP answer is truncated.
    {"dig", false, {"big.example.test", "TXT"}, "NOERROR", "qr aa", 14, 0},
    {"dig", true, {"www.example.test", "AAAA"}, "NOERROR", "qr aa", 1, 0},
    {"dig", false, {"version.bind", "TXT", "CH"}, "NOERROR", "qr aa", 1, 0},
    {"kdig", false, {"+tcp", "multi.example.test", "A"}, "NOERROR", "qr aa", 5, 0},
    {"kdig", false, {"+edns=1", "www.example.test", "A"}, "BADVERS", "qr", 0, 0},
    {"kdig", true, {"foo.wild.example.test", "TXT"}, "NOERROR", "qr aa", 1, 0},
    {"kdig", false, {"+ignore", "+noedns", "big512.example.test", "TXT"}, "NOERROR", "qr aa tc",
     0, 0},
};

}  // namespace

TEST_CASE("dig and kdig see the answers the zone describes") {
  ts::GslbdOptions o;
  o.zones = {{"example.test.", ts::case_file("zones/example.test.zone")}};
  o.ipv6 = true;
  o.chaos_id = "gslb-test-id";
  o.chaos_version = "gslb-test-version";
  ts::GslbdRunner g(o);
  for (const auto& c : kCases) {
    const auto argv = command(c, c.v6 ? g.v6() : g.v4());
    const std::string cmd = ts::join_args(argv);
    CAPTURE(cmd);
    const ts::RunResult r = ts::run_program(argv, std::chrono::seconds(10));
    const std::string out = r.out;
    CAPTURE(out);
    CHECK(r.status == 0);
    const ToolSummary s = summarize(r.out);
    CHECK(s.status == std::string(c.status));
    CHECK(s.flags == std::string(c.flags));
    CHECK(s.answer == c.answer);
    CHECK(s.authority == c.authority);
  }
  CHECK(g.process().alive());
}
