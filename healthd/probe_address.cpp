// Member addresses are stored as canonical IP text; libuv parses them.
#include "healthd/probe_address.h"

#include <uv.h>

namespace healthd {

std::optional<sockaddr_storage> member_socket_address(const std::string& address, uint16_t port) {
  sockaddr_storage storage{};
  const bool v6 = address.find(':') != std::string::npos;
  const int rc = v6 ? uv_ip6_addr(address.c_str(), port, reinterpret_cast<sockaddr_in6*>(&storage))
                    : uv_ip4_addr(address.c_str(), port, reinterpret_cast<sockaddr_in*>(&storage));
  if (rc != 0) return std::nullopt;
  return storage;
}

}  // namespace healthd
