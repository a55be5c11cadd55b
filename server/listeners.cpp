// Socket setup for gslbd's listeners.
#include "server/listeners.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace server {
namespace {

zones::Error sock_error(const std::string& what, const ListenAddress& addr) {
  return {zones::ErrorCode::kIo, "--listen " + addr.text(), what + ": " + std::strerror(errno)};
}

int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

zones::Result<int> open_socket(const ListenAddress& addr, int type) {
  const int fd = socket(addr.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(sock_error("socket", addr));
  bool ok = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) == 0;
  if (type == SOCK_STREAM) ok = ok && set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) == 0;
  if (addr.family() == AF_INET6) ok = ok && set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) == 0;
  // Room for bursts: the kernel caps this at net.core.rmem_max / wmem_max.
  if (type == SOCK_DGRAM) {
    set_int(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
    set_int(fd, SOL_SOCKET, SO_SNDBUF, 4 << 20);
  }
  if (type == SOCK_DGRAM && addr.wildcard)
    ok = ok && (addr.family() == AF_INET ? set_int(fd, IPPROTO_IP, IP_PKTINFO, 1)
                                         : set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) == 0;
  if (ok && bind(fd, reinterpret_cast<const sockaddr*>(&addr.addr), addr.len) == 0 &&
      (type == SOCK_DGRAM || listen(fd, 1024) == 0))
    return fd;
  auto err = sock_error(type == SOCK_DGRAM ? "udp bind" : "tcp bind", addr);
  close(fd);
  return std::unexpected(err);
}

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  ListenAddress a;
  a.addr = ss;
  return a.port();
}

// Port 0: let the kernel pick a UDP port, then claim the same TCP port; a
// clash with a TCP user of that port is retried with another pick.
zones::Result<void> open_first(ListenAddress& addr, WorkerSockets& first) {
  const bool pick = addr.port() == 0;
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto udp = open_socket(addr, SOCK_DGRAM);
    if (!udp) return std::unexpected(udp.error());
    ListenAddress fixed = addr;
    fixed.set_port(bound_port(*udp));
    auto tcp = open_socket(fixed, SOCK_STREAM);
    if (tcp) {
      addr = fixed;
      first.udp.push_back(*udp);
      first.tcp.push_back(*tcp);
      first.wildcard.push_back(addr.wildcard);
      return {};
    }
    close(*udp);
    if (!pick) return std::unexpected(tcp.error());
  }
  return zones::fail(zones::ErrorCode::kIo, "--listen " + addr.text(),
                     "no free port for UDP and TCP");
}

// Our sockets share their port with SO_REUSEPORT (one per worker), which would also let a
// second gslbd on the same address split the queries with the first without a word. A
// plain bind of the fixed port first finds any holder, ours or not.
zones::Result<void> refuse_if_taken(const ListenAddress& addr) {
  if (addr.port() == 0) return {};
  const int fd = socket(addr.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(sock_error("socket", addr));
  if (addr.family() == AF_INET6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  const bool taken =
      bind(fd, reinterpret_cast<const sockaddr*>(&addr.addr), addr.len) != 0 && errno == EADDRINUSE;
  close(fd);
  if (!taken) return {};
  return zones::fail(zones::ErrorCode::kIo, "--listen " + addr.text(),
                     "address in use: another program (another gslbd?) serves UDP there");
}

}  // namespace

int ListenAddress::port() const {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
}

void ListenAddress::set_port(int port) {
  if (addr.ss_family == AF_INET)
    reinterpret_cast<sockaddr_in&>(addr).sin_port = htons(static_cast<uint16_t>(port));
  else
    reinterpret_cast<sockaddr_in6&>(addr).sin6_port = htons(static_cast<uint16_t>(port));
}

std::string ListenAddress::text() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port());
  }
  inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, buf, sizeof buf);
  return "[" + std::string(buf) + "]:" + std::to_string(port());
}

zones::Result<ListenAddress> parse_listen_address(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return zones::fail(zones::ErrorCode::kInvalid, "--listen",
                       why + " in \"" + text + "\" (expected ADDR:PORT or [IPV6]:PORT)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) return bad("bad port");
  ListenAddress out;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    auto& sin6 = reinterpret_cast<sockaddr_in6&>(out.addr);
    sin6.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &sin6.sin6_addr) != 1)
      return bad("bad IPv6 address");
    out.len = sizeof sin6;
    out.wildcard = IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr);
  } else {
    auto& sin = reinterpret_cast<sockaddr_in&>(out.addr);
    sin.sin_family = AF_INET;
    if (inet_pton(AF_INET, host.c_str(), &sin.sin_addr) != 1) return bad("bad IPv4 address");
    out.len = sizeof sin;
    out.wildcard = sin.sin_addr.s_addr == htonl(INADDR_ANY);
  }
  out.set_port(static_cast<int>(port));
  return out;
}

zones::Result<std::vector<WorkerSockets>> open_sockets(std::vector<ListenAddress>& addrs,
                                                       int workers) {
  std::vector<WorkerSockets> sockets(workers);
  for (const ListenAddress& addr : addrs)
    if (auto free = refuse_if_taken(addr); !free) return std::unexpected(free.error());
  for (ListenAddress& addr : addrs) {
    if (auto r = open_first(addr, sockets[0]); !r) {
      close_sockets(sockets);
      return std::unexpected(r.error());
    }
    for (int w = 1; w < workers; ++w) {
      auto udp = open_socket(addr, SOCK_DGRAM);
      auto tcp = udp ? open_socket(addr, SOCK_STREAM) : std::unexpected(udp.error());
      if (udp) sockets[w].udp.push_back(*udp);
      if (!tcp) {
        close_sockets(sockets);
        return std::unexpected(tcp.error());
      }
      sockets[w].tcp.push_back(*tcp);
      sockets[w].wildcard.push_back(addr.wildcard);
    }
  }
  return sockets;
}

void close_sockets(std::vector<WorkerSockets>& sockets) {
  for (WorkerSockets& s : sockets) {
    for (int fd : s.udp) close(fd);
    for (int fd : s.tcp) close(fd);
    s.udp.clear();
    s.tcp.clear();
  }
}

}  // namespace server
