// Failed-authentication counting per client address (auth_throttle.h).
#include "admin/api/auth_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace admin::api {

AuthThrottle::AuthThrottle(AuthThrottleSettings settings) : settings_(settings) {}

int64_t AuthThrottle::blocked_for_ms(std::string_view client, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(std::string(client));
  if (it == clients_.end() || it->second.blocked_until_ms <= now_ms) return 0;
  return it->second.blocked_until_ms - now_ms;
}

bool AuthThrottle::record_failure(std::string_view client, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(std::string(client));
  if (it == clients_.end()) {
    make_room(now_ms);
    it = clients_.emplace(std::string(client), Entry{0, now_ms, 0}).first;
  }
  Entry& entry = it->second;
  if (expired(entry, now_ms)) entry = Entry{0, now_ms, 0};  // a new window, counted afresh
  if (entry.blocked_until_ms > now_ms) return false;        // already blocked; never extended
  if (++entry.failures < settings_.max_failures) return false;
  // The block lasts a whole window from the failure that caused it, however the failures
  // were spread inside the window before it.
  entry.blocked_until_ms = now_ms + settings_.window_ms;
  ++throttled_total_;
  return true;
}

uint64_t AuthThrottle::throttled_total() const {
  std::lock_guard lock(mutex_);
  return throttled_total_;
}

size_t AuthThrottle::size() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

// Nothing left to remember: the counting window is over and no block is running.
bool AuthThrottle::expired(const Entry& entry, int64_t now_ms) const {
  return entry.window_start_ms + settings_.window_ms <= now_ms && entry.blocked_until_ms <= now_ms;
}

// Called with the table full only under a flood of addresses, so a linear pass is fine:
// first forget finished entries, then, if still full, the one whose window began first.
void AuthThrottle::make_room(int64_t now_ms) {
  if (clients_.size() < settings_.max_clients) return;
  std::erase_if(clients_, [&](const auto& kv) { return expired(kv.second, now_ms); });
  if (clients_.size() < settings_.max_clients || clients_.empty()) return;
  const auto oldest = std::min_element(clients_.begin(), clients_.end(), [](auto& a, auto& b) {
    return a.second.window_start_ms < b.second.window_start_ms;
  });
  clients_.erase(oldest);
}

std::string throttle_key(std::string_view address) {
  std::array<unsigned char, 16> bytes{};
  const std::string text(address);
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return text;
  constexpr std::array<unsigned char, 12> kV4Mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kV4Mapped.begin(), kV4Mapped.end(), bytes.begin()))
    return std::to_string(bytes[12]) + "." + std::to_string(bytes[13]) + "." +
           std::to_string(bytes[14]) + "." + std::to_string(bytes[15]);
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  char out[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), out, sizeof out);
  return std::string(out) + "/64";
}

}  // namespace admin::api
