// Response rate limiting (RRL) for UDP, in the manner of BIND's and Knot's: a
// spoofed-source flood turns an authoritative server into an amplifier aimed
// at the spoofed address, so answers to one client prefix are limited per
// "response tuple". A limited answer is dropped, except every `slip`th one,
// which goes out truncated (TC=1, question only): a real resolver behind that
// prefix retries over TCP, which proves its address and is never limited.
//
// Buckets (one per tuple, `rate` tokens per second, at most `rate` saved):
//   answers and NODATA  client prefix + query name + type + ECS subnet
//   NXDOMAIN            client prefix (random-subdomain floods share one)
//   errors              client prefix (REFUSED, FORMERR, SERVFAIL, ...)
// The ECS subnet is part of an answer's tuple because a resolver asks for the
// same name once per client subnet it serves: without it a busy ECS resolver
// would be limited for doing its job.
//
// The table is a fixed array of 64-bit slots shared by every worker and
// updated with compare-and-swap: no lock, no allocation on the query path.
// A slot holds a tag of the tuple's hash, the tokens left and when it was
// last refilled; a tuple whose slot another tuple took starts with a full
// bucket (collisions forgive, they never punish). The hash is keyed with a
// random seed so that clients cannot aim collisions.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/query.h"
#include "zones/result.h"
#include "zones/service_table.h"

namespace server {

struct RrlSettings {
  int rate = 0;  // responses per second per bucket; 0 = off
  int slip = 2;  // every Nth limited answer is sent truncated; 0 = drop all, 1 = truncate all
  int ipv4_prefix = 24;
  int ipv6_prefix = 56;
  std::vector<zones::Network> exempt;  // clients in these are never limited
};

// Loopback sources cannot be spoofed from outside the host (the kernel drops
// them on other interfaces), so they are exempt unless --rrl-exempt says else.
inline const std::vector<std::string> kDefaultRrlExempt = {"127.0.0.0/8", "::1/128"};

// "NET/LEN" or an address (a host route); "none" yields no network. Errors name
// the text and what is wrong with it.
zones::Result<std::vector<zones::Network>> parse_rrl_exempt(const std::vector<std::string>& texts);

enum class RrlVerdict : uint8_t { kSend, kDrop, kSlip };

class ResponseRateLimiter {
 public:
  static constexpr size_t kSlots = size_t{1} << 16;

  explicit ResponseRateLimiter(RrlSettings settings);
  ResponseRateLimiter(const ResponseRateLimiter&) = delete;
  ResponseRateLimiter& operator=(const ResponseRateLimiter&) = delete;

  // Query path. `q` is the request as parsed, `rcode` the response's; `now_ms`
  // a monotonic clock. kSend or, once the bucket is empty, kDrop/kSlip.
  // `limited` is the caller's (per worker) count of limited answers, for slip.
  RrlVerdict check(const sockaddr* peer, const ParsedQuery& q, uint16_t rcode, uint32_t now_ms,
                   uint32_t& limited);

 private:
  bool exempt(const sockaddr* peer) const;
  // Hash of the response tuple; false when the peer is not IPv4/IPv6.
  bool tuple_hash(const sockaddr* peer, const ParsedQuery& q, uint16_t rcode, uint64_t& hash) const;
  // Takes a token from the tuple's bucket; false when it has none.
  bool take_token(uint64_t hash, uint32_t now_ms);

  RrlSettings settings_;
  uint64_t seed_;
  std::unique_ptr<std::atomic<uint64_t>[]> slots_;
};

// Turns the response in `out` (of `len` octets) into the slip answer: header
// with TC set, the question only. Returns the new length.
size_t truncate_to_question(uint8_t* out, size_t len);

}  // namespace server
