// Who is asking, for the selector: the EDNS Client Subnet address when the
// query has one (truncated to the configured maximum source prefix), else
// the packet's source address.
#pragma once

#include <sys/socket.h>

#include "server/query.h"
#include "server/selector/selector.h"

namespace server {

// The packet's source address as a Client (IPv4-mapped IPv6 becomes IPv4).
Client client_from_sockaddr(const sockaddr* addr);

// The client a query is answered for. `peer` is the packet's source. An ECS
// option with source prefix 0 means "do not use my address" (RFC 7871
// §7.1.2): the answer is then chosen for the resolver and scoped /0.
Client client_for_query(const ParsedQuery& q, const sockaddr* peer, uint8_t max_prefix_v4,
                        uint8_t max_prefix_v6);

}  // namespace server
