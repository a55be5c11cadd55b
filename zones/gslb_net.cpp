// Addresses and networks in their canonical text (see gslb_internal.h).
#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "zones/gslb_internal.h"

namespace zones::gslb {
namespace {

struct Parsed {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char bytes[16] = {};
};

std::optional<Parsed> parse_address(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  Parsed p;
  if (inet_pton(AF_INET, copy.c_str(), p.bytes) == 1) {
    p.family = AF_INET;
  } else if (inet_pton(AF_INET6, copy.c_str(), p.bytes) == 1) {
    p.family = AF_INET6;
  } else {
    return std::nullopt;
  }
  return p;
}

std::string text_of(const Parsed& p) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(p.family, p.bytes, buf, sizeof buf);
  return buf;
}

}  // namespace

std::optional<std::string> canonical_address(std::string_view text) {
  auto parsed = parse_address(text);
  if (!parsed) return std::nullopt;
  return text_of(*parsed);
}

const char* unusable_address(std::string_view canonical) {
  auto parsed = parse_address(canonical);
  if (!parsed) return "not an address";
  const unsigned char* b = parsed->bytes;
  if (parsed->family == AF_INET) {
    if (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) return "the unspecified address";
    if ((b[0] & 0xF0) == 0xE0) return "a multicast address";
    if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) return "the broadcast address";
    return nullptr;
  }
  static constexpr unsigned char kZero[16] = {};
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kZero, 16) == 0) return "the unspecified address";
  if (b[0] == 0xFF) return "a multicast address";
  if (std::memcmp(b, kMapped, 12) == 0) return "an IPv4-mapped address (write the IPv4 address)";
  return nullptr;
}

std::optional<ParsedNetwork> parse_network(std::string_view text) {
  size_t slash = text.find('/');
  auto parsed = parse_address(text.substr(0, slash));
  if (!parsed) return std::nullopt;
  const unsigned max_len = parsed->family == AF_INET ? 32 : 128;
  unsigned len = max_len;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (ec != std::errc() || end != digits.data() + digits.size() || len > max_len) {
      return std::nullopt;
    }
  }
  ParsedNetwork out;
  for (unsigned bit = len; bit < max_len; ++bit) {
    unsigned char mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    if (parsed->bytes[bit / 8] & mask) {
      out.host_bits = true;
      parsed->bytes[bit / 8] &= static_cast<unsigned char>(~mask);
    }
  }
  out.text = text_of(*parsed) + "/" + std::to_string(len);
  return out;
}

bool address_bytes(std::string_view text, uint8_t& family, uint8_t* bytes) {
  auto parsed = parse_address(text);
  if (!parsed) return false;
  family = parsed->family == AF_INET ? 1 : 2;
  std::memcpy(bytes, parsed->bytes, family == 1 ? 4 : 16);
  return true;
}

std::optional<Network> network_of(std::string_view text) {
  auto parsed = parse_network(text);
  if (!parsed) return std::nullopt;
  const std::string_view canonical = parsed->text;
  const size_t slash = canonical.find('/');
  Network net;
  if (!address_bytes(canonical.substr(0, slash), net.family, net.address)) return std::nullopt;
  net.prefix_len = static_cast<uint8_t>(std::stoi(std::string(canonical.substr(slash + 1))));
  return net;
}

}  // namespace zones::gslb
