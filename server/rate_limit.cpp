#include "server/rate_limit.h"

#include <netinet/in.h>

#include <cstring>
#include <random>

#include "server/wire.h"
#include "zones/gslb_internal.h"

namespace server {
namespace {

enum class TupleKind : uint8_t { kAnswer, kNxdomain, kError };

// A 64-bit multiply-xorshift mixer (the finaliser of splitmix64): cheap, and
// every input bit reaches every output bit.
uint64_t mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

// Hashes `len` octets eight at a time.
uint64_t mix_bytes(uint64_t h, const uint8_t* data, size_t len) {
  while (len >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    h = mix(h ^ word);
    data += 8;
    len -= 8;
  }
  uint64_t tail = len;
  for (size_t i = 0; i < len; ++i) tail = (tail << 8) | data[i];
  return mix(h ^ tail ^ 0x8000000000000000ULL);
}

// The peer as family (1 = IPv4, 2 = IPv6, as in ECS) and address octets; an
// IPv4-mapped IPv6 source counts as the IPv4 address it is.
bool peer_address(const sockaddr* peer, uint8_t& family, uint8_t* bytes) {
  if (peer == nullptr) return false;
  if (peer->sa_family == AF_INET) {
    family = 1;
    std::memcpy(bytes, &reinterpret_cast<const sockaddr_in*>(peer)->sin_addr, 4);
    return true;
  }
  if (peer->sa_family != AF_INET6) return false;
  const in6_addr& a6 = reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    family = 1;
    std::memcpy(bytes, a6.s6_addr + 12, 4);
    return true;
  }
  family = 2;
  std::memcpy(bytes, a6.s6_addr, 16);
  return true;
}

// Clears the bits of `bytes` (of `size` octets) beyond the first `prefix`.
void keep_prefix(uint8_t* bytes, size_t size, int prefix) {
  for (size_t i = 0; i < size; ++i) {
    const int bits = prefix - static_cast<int>(i * 8);
    if (bits >= 8) continue;
    bytes[i] = bits <= 0 ? 0 : static_cast<uint8_t>(bytes[i] & (0xFF00u >> bits));
  }
}

TupleKind kind_of(const ParsedQuery& q, uint16_t rcode) {
  if (!q.question_ok) return TupleKind::kError;
  if (rcode == rcode::kNoError) return TupleKind::kAnswer;
  return rcode == rcode::kNxDomain ? TupleKind::kNxdomain : TupleKind::kError;
}

uint64_t random_seed() {
  std::random_device device;
  return (uint64_t{device()} << 32) ^ device();
}

}  // namespace

zones::Result<std::vector<zones::Network>> parse_rrl_exempt(const std::vector<std::string>& texts) {
  std::vector<zones::Network> out;
  for (const std::string& text : texts) {
    if (text == "none") continue;
    auto parsed = zones::gslb::parse_network(text);
    if (!parsed)
      return zones::fail(zones::ErrorCode::kInvalid, "--rrl-exempt",
                         "'" + text + "' is not an address or NET/LEN network");
    if (parsed->host_bits)
      return zones::fail(zones::ErrorCode::kInvalid, "--rrl-exempt",
                         "'" + text + "' has host bits set; did you mean " + parsed->text + "?");
    out.push_back(*zones::gslb::network_of(parsed->text));
  }
  return out;
}

ResponseRateLimiter::ResponseRateLimiter(RrlSettings settings)
    : settings_(std::move(settings)),
      seed_(random_seed()),
      slots_(std::make_unique<std::atomic<uint64_t>[]>(kSlots)) {}

bool ResponseRateLimiter::exempt(const sockaddr* peer) const {
  uint8_t family = 0, bytes[16];
  if (!peer_address(peer, family, bytes)) return true;
  for (const zones::Network& net : settings_.exempt)
    if (net.contains(family, bytes)) return true;
  return false;
}

bool ResponseRateLimiter::tuple_hash(const sockaddr* peer, const ParsedQuery& q, uint16_t rcode,
                                     uint64_t& hash) const {
  uint8_t family = 0, bytes[16] = {};
  if (!peer_address(peer, family, bytes)) return false;
  const size_t size = family == 1 ? 4 : 16;
  keep_prefix(bytes, size, family == 1 ? settings_.ipv4_prefix : settings_.ipv6_prefix);
  const TupleKind kind = kind_of(q, rcode);
  uint64_t h = mix(seed_ ^ (uint64_t{family} << 8) ^ static_cast<uint64_t>(kind));
  h = mix_bytes(h, bytes, size);
  if (kind == TupleKind::kAnswer) {
    h = mix_bytes(h, q.lname, q.qname_len);
    h = mix(h ^ q.qtype);
    if (q.has_ecs) {
      h = mix(h ^ (uint64_t{q.ecs.family} << 8) ^ q.ecs.source_prefix);
      h = mix_bytes(h, q.ecs.address, q.ecs.address_len());
    }
  }
  hash = h;
  return true;
}

// Slot layout: tag (16 bits, never 0) | tokens (16) | refill time in ms (32,
// wrapping). Refills add whole tokens and move the time by exactly what they
// paid for, so a client asking faster than one token's worth of time never
// loses the fractions.
bool ResponseRateLimiter::take_token(uint64_t hash, uint32_t now_ms) {
  std::atomic<uint64_t>& slot = slots_[hash & (kSlots - 1)];
  const uint64_t tag = (hash >> 48) | 1;
  const uint32_t rate = static_cast<uint32_t>(settings_.rate);
  uint64_t old = slot.load(std::memory_order_relaxed);
  for (;;) {
    uint32_t tokens = rate, stamp = now_ms;
    if ((old >> 48) == tag) {
      tokens = static_cast<uint32_t>(old >> 32) & 0xFFFF;
      stamp = static_cast<uint32_t>(old);
      // Workers read the clock per batch: another may have stored a later time.
      const int32_t elapsed = static_cast<int32_t>(now_ms - stamp);
      const uint64_t refill = elapsed > 0 ? uint64_t(elapsed) * rate / 1000 : 0;
      if (tokens + refill >= rate) {
        tokens = rate;
        stamp = now_ms;
      } else if (refill > 0) {
        tokens += static_cast<uint32_t>(refill);
        stamp += static_cast<uint32_t>(refill * 1000 / rate);
      }
    }
    const bool granted = tokens > 0;
    if (granted) --tokens;
    const uint64_t next = (tag << 48) | (uint64_t{tokens} << 32) | stamp;
    if (next == old || slot.compare_exchange_weak(old, next, std::memory_order_relaxed))
      return granted;
  }
}

RrlVerdict ResponseRateLimiter::check(const sockaddr* peer, const ParsedQuery& q, uint16_t rcode,
                                      uint32_t now_ms, uint32_t& limited) {
  if (exempt(peer)) return RrlVerdict::kSend;
  uint64_t hash = 0;
  if (!tuple_hash(peer, q, rcode, hash) || take_token(hash, now_ms)) return RrlVerdict::kSend;
  ++limited;
  const uint32_t slip = static_cast<uint32_t>(settings_.slip);
  return slip != 0 && limited % slip == 0 ? RrlVerdict::kSlip : RrlVerdict::kDrop;
}

size_t truncate_to_question(uint8_t* out, size_t len) {
  if (len < kHeaderSize) return len;
  out[2] |= 0x02;              // TC
  std::memset(out + 6, 0, 6);  // no answer, authority or additional
  const bool has_question = out[4] != 0 || out[5] != 0;
  size_t pos = kHeaderSize;
  while (has_question && pos < len && out[pos] != 0 && out[pos] < 64) pos += out[pos] + 1u;
  if (!has_question || pos + 5 > len || out[pos] != 0) {
    out[4] = out[5] = 0;
    return kHeaderSize;
  }
  out[4] = 0;
  out[5] = 1;
  return pos + 5;  // the root label, QTYPE, QCLASS
}

}  // namespace server
