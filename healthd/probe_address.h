// The socket address of a member for TCP and DNS probes.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace healthd {

// `address` (IPv4 or IPv6 text) and `port` as a sockaddr, or nullopt when the
// text is not an IP address.
std::optional<sockaddr_storage> member_socket_address(const std::string& address, uint16_t port);

}  // namespace healthd
