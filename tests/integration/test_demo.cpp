// README's first command: `./bootstrap.sh demo` on this build (GSLB_DEMO_PREBUILT, so it
// installs and builds nothing) and on free ports. The dig lines it prints for three
// continents are run as printed and answer from the region their comment names; its explain
// line and status page work; a Ctrl-C (SIGINT) stops every program it started.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/process.h"
#include "tests/support/socket_io.h"
#include "tests/support/temp_dir.h"

using namespace testsupport;

namespace {

// docs/examples/demo.yaml's members by region.
const std::map<std::string, std::set<std::string>> kRegionAddresses = {
    {"us-east", {"127.0.0.11", "127.0.0.12"}},
    {"eu-west", {"127.0.0.21"}},
    {"ap-southeast", {"127.0.0.31"}},
};
const char* kLoadBalancers[] = {"127.0.0.11", "127.0.0.12", "127.0.0.21", "127.0.0.31"};

struct DemoPorts {
  uint16_t dns = free_port();
  uint16_t admin = free_port();
  uint16_t lb = free_port();
};

std::vector<std::string> demo_argv(const DemoPorts& ports) {
  const auto build_dir = std::filesystem::path(GSLBD_PATH).parent_path().parent_path();
  return {"/usr/bin/env",
          "GSLB_DEMO_PREBUILT=" + build_dir.string(),
          "DEMO_PORT=" + std::to_string(ports.dns),
          "DEMO_ADMIN_PORT=" + std::to_string(ports.admin),
          "DEMO_LB_PORT=" + std::to_string(ports.lb),
          std::string(GSLB_SOURCE_DIR) + "/bootstrap.sh",
          "demo"};
}

// The printed lines between `from` and `to` (exclusive) that start with `prefix` once
// trimmed.
std::vector<std::string> hint_lines(const std::string& text, const std::string& from,
                                    const std::string& to, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text.substr(text.find(from)));
  std::string line;
  while (std::getline(in, line) && line.find(to) == std::string::npos) {
    const size_t start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0)
      out.push_back(line.substr(start));
  }
  return out;
}

// The region a hint's comment names: "... # Frankfurt: eu-west" -> "eu-west".
std::string commented_region(const std::string& line) {
  const size_t hash = line.find('#');
  if (hash == std::string::npos) return "";
  const std::string comment = line.substr(hash);
  return comment.substr(comment.find_last_of(' ') + 1);
}

std::set<std::string> short_answers(const std::string& dig_line) {
  const std::string command = dig_line.substr(0, dig_line.find('#')) + " +short +time=2 +tries=1";
  const RunResult r = run_program({"/bin/sh", "-c", command}, std::chrono::seconds(10));
  INFO(command << "\n" << r.out << r.err);
  REQUIRE(r.status == 0);
  std::set<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

std::string after(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t start = at + marker.size();
  return text.substr(start, text.find_first_of(" )\n", start) - start);
}

bool tcp_refused(const std::string& host, uint16_t port) {
  try {
    TcpConnection connection(Endpoint{host, port}, std::chrono::milliseconds(500));
    return false;
  } catch (const std::runtime_error&) {
    return true;
  }
}

}  // namespace

TEST_CASE("bootstrap.sh demo: dig answers from three continents, explain, status page, Ctrl-C") {
  const DemoPorts ports;
  Process demo(demo_argv(ports));
  const auto ready = demo.wait_for_line("Ctrl-C stops everything", std::chrono::seconds(60));
  INFO("demo output:\n" << demo.output());
  REQUIRE(ready);
  const std::string hints = demo.output();

  const auto digs = hint_lines(hints, "Answers from three continents", "Why an answer", "dig ");
  REQUIRE(digs.size() >= 5);
  size_t checked = 0;
  for (const std::string& line : digs) {
    const std::string region = commented_region(line);
    if (!kRegionAddresses.contains(region)) continue;
    CAPTURE(line);
    const std::set<std::string> answers = short_answers(line);
    CHECK(!answers.empty());
    for (const std::string& a : answers) CHECK(kRegionAddresses.at(region).contains(a));
    ++checked;
  }
  CHECK(checked == 5);  // three continents, the latency service, the failover service

  const auto explains = hint_lines(hints, "Why an answer", "Health,", "/");
  REQUIRE(explains.size() == 1);
  const RunResult explain = run_program({"/bin/sh", "-c", explains[0]});
  CHECK(explain.status == 0);
  CHECK(explain.out.find("rule: proximity: ap-southeast is the nearest up pool") !=
        std::string::npos);

  const std::string token_file = after(hints, "token in ");
  const std::string token = read_text_file(token_file).substr(0, 32);
  const auto page =
      http_bearer("GET", "http://127.0.0.1:" + std::to_string(ports.admin) + "/", token);
  CHECK(page.status == 200);
  for (const auto& [region, addresses] : kRegionAddresses)
    CHECK(page.body.find(region) != std::string::npos);

  // Ctrl-C: the demo stops what it started, then exits 130 by itself.
  REQUIRE(::kill(demo.pid(), SIGINT) == 0);
  CHECK(demo.wait_exit(std::chrono::seconds(15)) == 130);
  CHECK(tcp_refused("127.0.0.1", ports.dns));
  CHECK(tcp_refused("127.0.0.1", ports.admin));
  for (const char* lb : kLoadBalancers) CHECK(tcp_refused(lb, ports.lb));
  CHECK(!std::filesystem::exists(std::filesystem::path(token_file).parent_path()));
}
