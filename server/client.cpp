// Client addresses from sockets and ECS options (see client.h).
#include "server/client.h"

#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace server {
namespace {

void zero_beyond(uint8_t* address, unsigned prefix, unsigned bits) {
  for (unsigned bit = prefix; bit < bits; ++bit)
    address[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
}

}  // namespace

Client client_from_sockaddr(const sockaddr* addr) {
  Client c;
  if (addr == nullptr) return c;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    c.family = 1;
    std::memcpy(c.address, &in->sin_addr, 4);
    c.source_prefix = 32;
  } else if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      c.family = 1;
      std::memcpy(c.address, in6->sin6_addr.s6_addr + 12, 4);
      c.source_prefix = 32;
    } else {
      c.family = 2;
      std::memcpy(c.address, in6->sin6_addr.s6_addr, 16);
      c.source_prefix = 128;
    }
  }
  return c;
}

Client client_for_query(const ParsedQuery& q, const sockaddr* peer, uint8_t max_prefix_v4,
                        uint8_t max_prefix_v6) {
  if (!q.has_ecs) return client_from_sockaddr(peer);
  if (q.ecs.source_prefix == 0) {
    Client c = client_from_sockaddr(peer);
    c.source_prefix = 0;
    c.from_ecs = true;
    return c;
  }
  Client c;
  c.family = static_cast<uint8_t>(q.ecs.family);
  c.from_ecs = true;
  const unsigned bits = c.family == 1 ? 32 : 128;
  const unsigned max = c.family == 1 ? max_prefix_v4 : max_prefix_v6;
  c.source_prefix = static_cast<uint8_t>(std::min<unsigned>(q.ecs.source_prefix, max));
  std::memcpy(c.address, q.ecs.address, bits / 8);
  zero_beyond(c.address, c.source_prefix, bits);
  return c;
}

}  // namespace server
