// EDNS Client Subnet option parsing and echoing (RFC 7871).
#include "geo/client_subnet.h"

#include <cstring>

namespace geo {

bool parse_client_subnet(const uint8_t* data, size_t len, ClientSubnet& out) {
  if (len < 4) return false;
  out.family = static_cast<uint16_t>(data[0] << 8 | data[1]);
  out.source_prefix = data[2];
  out.scope_prefix = data[3];
  const unsigned max_prefix = out.family == 1 ? 32 : out.family == 2 ? 128 : 0;
  if (max_prefix == 0 || out.source_prefix > max_prefix || out.scope_prefix != 0) return false;
  const size_t octets = out.address_len();
  if (len != 4 + octets) return false;
  std::memset(out.address, 0, sizeof out.address);
  std::memcpy(out.address, data + 4, octets);
  // RFC 7871 §6: address bits beyond SOURCE PREFIX-LENGTH MUST be zero.
  const unsigned spare_bits = octets * 8 - out.source_prefix;
  if (spare_bits > 0 && (out.address[octets - 1] & ((1u << spare_bits) - 1)) != 0) return false;
  return true;
}

size_t write_client_subnet(const ClientSubnet& ecs, uint8_t scope_prefix, uint8_t* out) {
  const size_t data_len = ecs.data_len();
  out[0] = 0;
  out[1] = 8;  // option code: edns-client-subnet
  out[2] = static_cast<uint8_t>(data_len >> 8);
  out[3] = static_cast<uint8_t>(data_len);
  out[4] = static_cast<uint8_t>(ecs.family >> 8);
  out[5] = static_cast<uint8_t>(ecs.family);
  out[6] = ecs.source_prefix;
  out[7] = scope_prefix;
  std::memcpy(out + 8, ecs.address, ecs.address_len());
  return 4 + data_len;
}

}  // namespace geo
