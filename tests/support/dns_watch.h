// DNS for fault tests: one answer as sorted addresses, and a watcher thread that keeps
// asking while a fault is injected, so a test can prove gslbd never stopped answering.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/net.h"

namespace testsupport {

struct DnsAnswer {
  bool answered = false;  // a reply arrived within the timeout and parsed
  int rcode = -1;
  std::vector<std::string> addresses;  // the answer section's first rdata, sorted
  uint32_t ttl = 0;                    // of the last answer record
};

// One UDP A query for `name`, with an EDNS Client Subnet option when `ecs_address` is set.
DnsAnswer ask_dns(const Endpoint& server, const std::string& name,
                  const std::string& ecs_address = "", uint8_t ecs_prefix = 32,
                  std::chrono::milliseconds timeout = std::chrono::seconds(1));

// Asks for `names` in turn, back to back (a short pause between rounds), on its own thread
// until stop() or destruction. Every query must be answered within `timeout`.
class DnsWatch {
 public:
  DnsWatch(Endpoint server, std::vector<std::string> names,
           std::chrono::milliseconds timeout = std::chrono::seconds(1));
  ~DnsWatch();
  DnsWatch(const DnsWatch&) = delete;
  DnsWatch& operator=(const DnsWatch&) = delete;

  void stop();
  size_t answered() const { return answered_; }
  size_t unanswered() const { return unanswered_; }
  std::chrono::milliseconds slowest() const { return std::chrono::milliseconds(slowest_ms_); }
  // The distinct answers seen for `name` ("10.1.0.1" or "10.1.0.1,10.2.0.1"; "rcode:N" when
  // empty), in the order first seen.
  std::vector<std::string> seen(const std::string& name) const;

 private:
  void run();

  Endpoint server_;
  std::vector<std::string> names_;
  std::chrono::milliseconds timeout_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> answered_{0};
  std::atomic<size_t> unanswered_{0};
  std::atomic<int64_t> slowest_ms_{0};
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> seen_;  // (name, answer)
  std::thread thread_;
};

}  // namespace testsupport
