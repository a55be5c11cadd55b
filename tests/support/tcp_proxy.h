// A TCP forwarder on loopback for partition tests: a program is given the proxy's address
// instead of the server's; cut() then makes the server unreachable the way a partition
// does (connections accepted but nothing gets through, so clients time out), and heal()
// drops those dead connections and forwards again. Runs on a thread of its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace testsupport {

class TcpProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:`target_port`.
  explicit TcpProxy(uint16_t target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void cut();
  void heal();

 private:
  void run();

  uint16_t target_port_;
  uint16_t port_ = 0;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_{false};
  std::atomic<int> generation_{0};  // heal() bumps it: connections from before are closed
  std::thread thread_;
};

}  // namespace testsupport
