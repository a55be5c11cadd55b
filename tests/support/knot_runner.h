// Knot DNS as the reference server: a minimal knot.conf in a temp dir, knotd in the
// foreground on 127.0.0.1 and ::1 (a free port, since knotd cannot bind port 0).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/net.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/zone_file.h"

namespace testsupport {

struct KnotOptions {
  std::vector<ZoneFile> zones{};
  std::string identity{};      // id.server / hostname.bind TXT CH; empty disables
  std::string version{};       // version.bind TXT CH; empty disables
  int udp_max_payload = 1232;  // the same as gslbd advertises
};

class KnotRunner {
 public:
  // Starts knotd and waits until it answers SOA for the first zone; throws on failure.
  explicit KnotRunner(KnotOptions options);
  const Endpoint& v4() const { return v4_; }
  const Endpoint& v6() const { return v6_; }
  Process& process() { return *process_; }

 private:
  bool start_on(uint16_t port);
  std::string config(uint16_t port) const;

  KnotOptions options_;
  TempDir dir_{"gslb-knot"};
  std::unique_ptr<Process> process_;
  Endpoint v4_, v6_;
};

}  // namespace testsupport
