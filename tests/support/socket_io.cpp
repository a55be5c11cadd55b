// UdpSocket and TcpConnection: poll()-based timeouts over blocking-free sockets.
#include "tests/support/socket_io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace testsupport {
namespace {

using Clock = std::chrono::steady_clock;

int ms_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on fd until the deadline; true when ready.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, ms_until(deadline));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Binds `fd` to `address` (any port); throws when it cannot.
void bind_local(int fd, const std::string& address) {
  sockaddr_storage local;
  const socklen_t len = Endpoint{address, 0}.to_sockaddr(local);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), len) == 0) return;
  const int err = errno;
  close(fd);
  throw std::runtime_error("bind to " + address + ": " + std::strerror(err));
}

int connected_socket(const Endpoint& server, int type, Clock::time_point deadline,
                     const std::string& local_address = "") {
  sockaddr_storage ss;
  const socklen_t len = server.to_sockaddr(ss);
  const int fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (!local_address.empty()) bind_local(fd, local_address);
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) return fd;
  int err = errno;
  if (err == EINPROGRESS && wait_fd(fd, POLLOUT, deadline)) {
    socklen_t elen = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    if (err == 0) return fd;
  }
  close(fd);
  throw std::runtime_error("connect to " + server.to_string() + ": " +
                           (err == EINPROGRESS ? "timeout" : std::strerror(err)));
}

}  // namespace

UdpSocket::UdpSocket(const Endpoint& server)
    : fd_(connected_socket(server, SOCK_DGRAM, Clock::now() + 1s)) {}

UdpSocket::UdpSocket(const Endpoint& server, const std::string& local_address)
    : fd_(connected_socket(server, SOCK_DGRAM, Clock::now() + 1s, local_address)) {}

UdpSocket::~UdpSocket() {
  close(fd_);
}

void UdpSocket::send(const Bytes& datagram) {
  // An ICMP error from an earlier datagram may surface here; the next send goes through.
  if (::send(fd_, datagram.data(), datagram.size(), 0) < 0)
    (void)::send(fd_, datagram.data(), datagram.size(), 0);
}

std::optional<Bytes> UdpSocket::recv(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Bytes buf(65536);
  while (wait_fd(fd_, POLLIN, deadline)) {
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n >= 0) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (errno != EINTR && errno != EAGAIN) return std::nullopt;
  }
  return std::nullopt;
}

TcpConnection::TcpConnection(const Endpoint& server, std::chrono::milliseconds timeout)
    : fd_(connected_socket(server, SOCK_STREAM, Clock::now() + timeout)) {
  // A server closing on us must not kill the test binary with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
}

TcpConnection::~TcpConnection() {
  close(fd_);
}

bool TcpConnection::send_raw(const Bytes& bytes) {
  size_t sent = 0;
  const auto deadline = Clock::now() + 2s;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      if (!wait_fd(fd_, POLLOUT, deadline)) return false;
    } else if (n < 0 && errno != EINTR) {
      return false;
    }
  }
  return true;
}

bool TcpConnection::read_exact(uint8_t* out, size_t n, Clock::time_point deadline) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd_, out + got, n - got, 0);
    if (r > 0) {
      got += static_cast<size_t>(r);
    } else if (r == 0) {
      return false;
    } else if (errno == EAGAIN) {
      if (!wait_fd(fd_, POLLIN, deadline)) return false;
    } else if (errno != EINTR) {
      return false;
    }
  }
  return true;
}

std::optional<Bytes> TcpConnection::read_message(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  uint8_t len[2];
  if (!read_exact(len, 2, deadline)) return std::nullopt;
  Bytes msg(static_cast<size_t>(len[0] << 8 | len[1]));
  if (!read_exact(msg.data(), msg.size(), deadline)) return std::nullopt;
  return msg;
}

bool TcpConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  uint8_t buf[4096];
  while (wait_fd(fd_, POLLIN, deadline)) {
    const ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
    if (r == 0) return true;
    if (r < 0 && errno != EINTR && errno != EAGAIN) return true;
  }
  return false;
}

void TcpConnection::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

Bytes TcpConnection::frame(const Bytes& message) {
  Bytes out(message.size() + 2);
  out[0] = static_cast<uint8_t>(message.size() >> 8);
  out[1] = static_cast<uint8_t>(message.size());
  std::copy(message.begin(), message.end(), out.begin() + 2);
  return out;
}

}  // namespace testsupport
