// EDNS Client Subnet (RFC 7871): the option's parsed form, the parser that
// validates a query's option, and the writer for the response's echo.
#pragma once

#include <cstddef>
#include <cstdint>

namespace geo {

struct ClientSubnet {
  uint16_t family = 0;  // 1 = IPv4, 2 = IPv6 (IANA address family numbers)
  uint8_t source_prefix = 0;
  uint8_t scope_prefix = 0;
  uint8_t address[16] = {};  // only the first ceil(source_prefix / 8) octets are meaningful

  size_t address_len() const { return (source_prefix + 7u) / 8u; }
  // Octets of the option's data (without the code/length header).
  size_t data_len() const { return 4 + address_len(); }
};

// Parses the data of an ECS option from a query. False when it is malformed
// in any way RFC 7871 §6 and §7.1.1 say to answer with FORMERR: unknown
// family, prefix longer than the family allows, address length not matching
// the prefix, bits set beyond the prefix, or a non-zero scope in a query.
bool parse_client_subnet(const uint8_t* data, size_t len, ClientSubnet& out);

// Writes the option (code, length, data) with `scope_prefix` into `out`,
// which must have room for 4 + data_len() octets. Returns octets written.
size_t write_client_subnet(const ClientSubnet& ecs, uint8_t scope_prefix, uint8_t* out);

}  // namespace geo
