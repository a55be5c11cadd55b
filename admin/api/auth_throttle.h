// The admin API's failed-authentication limit: per client address, after `max_failures`
// wrong credentials within `window_ms`, that address's credentials are not even checked for
// `window_ms` (429 with Retry-After), so guessing a token is slowed to a handful a minute.
// Thread-safe (HTTP threads share one); time is passed in, so tests need no sleeps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace admin::api {

struct AuthThrottleSettings {
  int max_failures = 10;       // wrong credentials allowed per address per window
  int64_t window_ms = 60'000;  // how long failures are counted, and how long a block lasts
  // Addresses remembered at once: a flood from many addresses evicts the oldest first
  // instead of growing memory (about 100 bytes each).
  size_t max_clients = 10'000;
};

class AuthThrottle {
 public:
  explicit AuthThrottle(AuthThrottleSettings settings = {});

  // Milliseconds until `client` may present credentials again; 0 when it may now.
  int64_t blocked_for_ms(std::string_view client, int64_t now_ms);
  // Counts one wrong credential from `client`; true when this one starts its block (the
  // caller logs that once, not per refused request).
  bool record_failure(std::string_view client, int64_t now_ms);

  // How many times an address has been blocked since start (gslb_admin_auth_throttled_total).
  uint64_t throttled_total() const;
  size_t size() const;  // addresses remembered now

 private:
  struct Entry {
    int failures = 0;
    int64_t window_start_ms = 0;
    int64_t blocked_until_ms = 0;  // 0: not blocked
  };
  bool expired(const Entry& entry, int64_t now_ms) const;
  void make_room(int64_t now_ms);

  AuthThrottleSettings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> clients_;
  uint64_t throttled_total_ = 0;
};

// The key an address is counted under: IPv4 (and IPv4-mapped IPv6) as is; other IPv6
// addresses by their /64, since one host usually holds a whole /64 ("2001:db8:1:2::/64").
std::string throttle_key(std::string_view address);

}  // namespace admin::api
