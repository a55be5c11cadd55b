// KnotRunner: config writer and start-with-retry (a free port can be taken before knotd binds).
#include "tests/support/knot_runner.h"

#include <stdexcept>

#include "tests/support/dns_client.h"

namespace testsupport {
namespace {

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

}  // namespace

KnotRunner::KnotRunner(KnotOptions options) : options_(std::move(options)) {
  if (options_.zones.empty()) throw std::invalid_argument("KnotRunner needs a zone");
  for (int attempt = 0; attempt < 3; ++attempt)
    if (start_on(free_port())) return;
  throw std::runtime_error("knotd did not start; its output:\n" +
                           (process_ ? process_->output() : std::string("(none)")));
}

std::string KnotRunner::config(uint16_t port) const {
  const std::string dir = dir_.path().string();
  std::string conf =
      "server:\n"
      "    rundir: " +
      dir +
      "/run\n"
      "    listen: [ 127.0.0.1@" +
      std::to_string(port) + ", ::1@" + std::to_string(port) +
      " ]\n"
      "    identity: " +
      quoted(options_.identity) +
      "\n"
      "    version: " +
      quoted(options_.version) +
      "\n"
      "    udp-max-payload: " +
      std::to_string(options_.udp_max_payload) +
      "\n"
      "database:\n"
      "    storage: " +
      dir +
      "/storage\n"
      "log:\n"
      "  - target: stderr\n"
      "    any: info\n"
      "template:\n"
      "  - id: default\n"
      "    storage: " +
      dir +
      "/storage\n"
      // Our test zones are deliberately odd (CNAME loops, dangling targets).
      "    semantic-checks: off\n"
      // Never write back into tests/cases, never keep state between runs.
      "    zonefile-sync: -1\n"
      "    zonefile-load: whole\n"
      "    journal-content: none\n"
      "zone:\n";
  for (const auto& z : options_.zones)
    conf += "  - domain: " + z.origin +
            "\n    file: " + std::filesystem::absolute(z.path).string() + "\n";
  return conf;
}

bool KnotRunner::start_on(uint16_t port) {
  process_.reset();
  std::filesystem::create_directories(dir_.path() / "run");
  std::filesystem::create_directories(dir_.path() / "storage");
  const auto conf = dir_.write("knot.conf", config(port));
  process_ = std::make_unique<Process>(
      std::vector<std::string>{find_program("knotd"), "-c", conf.string()});
  v4_ = Endpoint{"127.0.0.1", port};
  v6_ = Endpoint{"::1", port};
  return wait_until_answers(v4_, options_.zones.front().origin) &&
         wait_until_answers(v6_, options_.zones.front().origin);
}

}  // namespace testsupport
