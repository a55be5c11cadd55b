// Raw UDP and TCP I/O with timeouts, for DNS clients and for feeding servers bad bytes.
// Nothing here knows DNS beyond the two-byte TCP length prefix (RFC 1035 4.2.2).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "tests/support/net.h"

namespace testsupport {

using Bytes = std::vector<uint8_t>;
using namespace std::chrono_literals;

// A UDP socket connected to one server endpoint.
class UdpSocket {
 public:
  explicit UdpSocket(const Endpoint& server);
  // From `local_address` (any 127.x.y.z is local on Linux: clients in other prefixes).
  UdpSocket(const Endpoint& server, const std::string& local_address);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  void send(const Bytes& datagram);
  // The next datagram, or nullopt after `timeout` (or when the server's port is closed).
  std::optional<Bytes> recv(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

// A TCP connection to one server endpoint.
class TcpConnection {
 public:
  // Throws std::runtime_error when the connection is not established within `timeout`.
  explicit TcpConnection(const Endpoint& server, std::chrono::milliseconds timeout = 2s);
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  // Sends all bytes as they are (no framing); false if the peer has gone.
  bool send_raw(const Bytes& bytes);
  bool send_message(const Bytes& message) { return send_raw(frame(message)); }
  // One length-prefixed message; nullopt on timeout, close or a short read.
  std::optional<Bytes> read_message(std::chrono::milliseconds timeout);
  // True when the server closes (EOF or reset) within `timeout`; data received meanwhile is
  // discarded.
  bool wait_closed(std::chrono::milliseconds timeout);
  void shutdown_write();

  static Bytes frame(const Bytes& message);

 private:
  bool read_exact(uint8_t* out, size_t n, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
};

}  // namespace testsupport
