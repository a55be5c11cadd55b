// Addresses of servers under test, and a free port for servers that cannot bind port 0.
#pragma once

#include <sys/socket.h>
#include <cstdint>
#include <string>
#include <vector>

namespace testsupport {

struct Endpoint {
  std::string host;  // "127.0.0.1" or "::1" (no brackets)
  uint16_t port = 0;
  bool is_v6() const { return host.find(':') != std::string::npos; }
  std::string to_string() const;  // "127.0.0.1:53", "[::1]:53"
  // Fills `out` and returns its length; throws on a bad host.
  socklen_t to_sockaddr(sockaddr_storage& out) const;
};

// Parses "127.0.0.1:41234" or "[::1]:41301"; throws std::invalid_argument.
Endpoint parse_endpoint(const std::string& text);
// Parses the comma-separated list after "addrs=" in a log line.
std::vector<Endpoint> parse_addrs(const std::string& log_line);

// A port that is free for UDP and TCP on both 127.0.0.1 and ::1 at the time of the call, and
// not handed out before by this process. Another process may take it before the caller binds
// it: callers check readiness.
uint16_t free_port();

}  // namespace testsupport
