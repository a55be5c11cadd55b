// dig and kdig (real resolver tools, as operators use them) against gslbd: their parsed
// status, flags and section counts must match what the zone says.
#include <doctest/doctest.h>

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

// The text after `key` up to the first character not in `allowed` (std::regex is avoided:
// GCC 12 reports false maybe-uninitialized warnings in it under -fsanitize).
std::string token_after(const std::string& out, const std::string& key, const char* allowed) {
  const auto at = out.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  const auto end = out.find_first_not_of(allowed, begin);
  return out.substr(begin, end == std::string::npos ? end : end - begin);
}

int count_after(const std::string& out, const std::string& key) {
  const std::string digits = token_after(out, key, "0123456789");
  return digits.empty() ? -1 : std::stoi(digits);
}

ToolSummary summarize(const std::string& out) {
  ToolSummary s;
  s.status = token_after(out, "status: ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  s.flags = token_after(out, "lags: ", "abcdefghijklmnopqrstuvwxyz ");
  while (!s.flags.empty() && s.flags.back() == ' ') s.flags.pop_back();
  s.answer = count_after(out, "ANSWER: ");
  s.authority = count_after(out, "AUTHORITY: ");
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
    {"kdig",
     false,
     {"+ignore", "+noedns", "big512.example.test", "TXT"},
     "NOERROR",
     "qr aa tc",
     0,
     0},
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
