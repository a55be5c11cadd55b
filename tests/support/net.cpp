// Endpoint parsing and free-port discovery.
#include "tests/support/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>

namespace testsupport {

std::string Endpoint::to_string() const {
  return (is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

socklen_t Endpoint::to_sockaddr(sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof out);
  if (is_v6()) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&out);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1)
      throw std::invalid_argument("bad IPv6 address " + host);
    return sizeof *a;
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&out);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1)
    throw std::invalid_argument("bad IPv4 address " + host);
  return sizeof *a;
}

Endpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size())
    throw std::invalid_argument("no port in \"" + text + "\"");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const int port = std::stoi(text.substr(colon + 1));
  if (port <= 0 || port > 65535) throw std::invalid_argument("bad port in \"" + text + "\"");
  return Endpoint{host, static_cast<uint16_t>(port)};
}

std::vector<Endpoint> parse_addrs(const std::string& log_line) {
  const auto at = log_line.find("addrs=");
  if (at == std::string::npos) throw std::invalid_argument("no addrs= in \"" + log_line + "\"");
  const auto begin = at + 6;
  const auto end = log_line.find_first_of(" \t\r\n", begin);
  const std::string list = log_line.substr(begin, end == std::string::npos ? end : end - begin);
  std::vector<Endpoint> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    const auto item = list.substr(pos, comma == std::string::npos ? comma : comma - pos);
    if (!item.empty()) out.push_back(parse_endpoint(item));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

namespace {

bool can_bind(const Endpoint& ep, int type) {
  sockaddr_storage ss;
  const socklen_t len = ep.to_sockaddr(ss);
  const int fd = socket(ss.ss_family, type, 0);
  if (fd < 0) return false;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
  close(fd);
  return ok;
}

uint16_t kernel_picked_udp_port() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

}  // namespace

uint16_t free_port() {
  // The kernel may pick a port it picked before, which is still free because the caller has
  // not bound it yet: a test taking several ports (an etcd cluster) would get one twice.
  static std::mutex mutex;
  static std::set<uint16_t> handed_out;
  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const uint16_t port = kernel_picked_udp_port();
    if (port == 0 || handed_out.contains(port)) continue;
    bool ok = true;
    for (const char* host : {"127.0.0.1", "::1"})
      for (int type : {SOCK_DGRAM, SOCK_STREAM}) ok = ok && can_bind(Endpoint{host, port}, type);
    if (!ok) continue;
    handed_out.insert(port);
    return port;
  }
  throw std::runtime_error("no free port found");
}

}  // namespace testsupport
