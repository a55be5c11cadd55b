// The admin API's failed-authentication throttle: counting per address, the block and its
// end, independence of addresses, the bounded table, and the IPv6 /64 key. Time is passed
// in (a fake clock), so nothing sleeps.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "admin/api/auth_throttle.h"

namespace {

using admin::api::AuthThrottle;
using admin::api::AuthThrottleSettings;
using admin::api::throttle_key;

constexpr int64_t kMinute = 60'000;

// `n` failures from `client` at `now_ms`; how many of them started a block.
int fail(AuthThrottle& t, const std::string& client, int n, int64_t now_ms) {
  int started = 0;
  for (int i = 0; i < n; ++i) started += t.record_failure(client, now_ms) ? 1 : 0;
  return started;
}

}  // namespace

TEST_CASE("throttle: the Nth failure in a window blocks the address for a window, once") {
  AuthThrottle t({.max_failures = 10, .window_ms = kMinute, .max_clients = 100});
  CHECK(fail(t, "192.0.2.1", 9, 1000) == 0);
  CHECK(t.blocked_for_ms("192.0.2.1", 1000) == 0);
  CHECK(t.record_failure("192.0.2.1", 5000));  // the 10th starts the block
  CHECK(t.blocked_for_ms("192.0.2.1", 5000) == kMinute);
  CHECK(t.blocked_for_ms("192.0.2.1", 35'000) == 30'000);
  // More failures while blocked neither start a second block nor extend this one.
  CHECK(fail(t, "192.0.2.1", 20, 40'000) == 0);
  CHECK(t.blocked_for_ms("192.0.2.1", 40'000) == 25'000);
  CHECK(t.throttled_total() == 1);
  CHECK(t.blocked_for_ms("192.0.2.1", 5000 + kMinute) == 0);  // over: let in
}

TEST_CASE("throttle: after a block ends the address starts afresh") {
  AuthThrottle t({.max_failures = 3, .window_ms = kMinute, .max_clients = 100});
  CHECK(fail(t, "192.0.2.1", 3, 0) == 1);
  const int64_t after = kMinute;
  CHECK(t.blocked_for_ms("192.0.2.1", after) == 0);
  CHECK(fail(t, "192.0.2.1", 2, after) == 0);  // a new window: two are not three
  CHECK(t.blocked_for_ms("192.0.2.1", after) == 0);
  CHECK(fail(t, "192.0.2.1", 1, after + 1) == 1);
  CHECK(t.throttled_total() == 2);
}

TEST_CASE("throttle: failures spread wider than the window never block") {
  AuthThrottle t({.max_failures = 3, .window_ms = kMinute, .max_clients = 100});
  for (int64_t at = 0; at < 10 * kMinute; at += kMinute / 2 + 1) {
    CAPTURE(at);
    t.record_failure("192.0.2.1", at);
    CHECK(t.blocked_for_ms("192.0.2.1", at) == 0);
  }
  CHECK(t.throttled_total() == 0);
}

TEST_CASE("throttle: one address's failures never block another") {
  AuthThrottle t({.max_failures = 2, .window_ms = kMinute, .max_clients = 100});
  CHECK(fail(t, "192.0.2.1", 2, 0) == 1);
  CHECK(t.blocked_for_ms("192.0.2.1", 1) > 0);
  CHECK(t.blocked_for_ms("192.0.2.2", 1) == 0);
  CHECK(t.record_failure("192.0.2.2", 1) == false);  // its own count: one
}

TEST_CASE("throttle: the table stays bounded under many addresses; finished entries go first") {
  AuthThrottle t({.max_failures = 2, .window_ms = kMinute, .max_clients = 50});
  CHECK(fail(t, "198.51.100.1", 2, 0) == 1);  // blocked until 60 s
  for (int i = 0; i < 1000; ++i)
    t.record_failure("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), 1 + i);
  CHECK(t.size() <= 50);
  // A flood from new addresses evicts the oldest entry, blocked or not: memory wins over
  // one address's block (someone with that many addresses has that many guesses anyway).
  CHECK(t.blocked_for_ms("198.51.100.1", 2000) == 0);
  // Past every window, new addresses find the table emptied of finished entries.
  t.record_failure("203.0.113.1", 10 * kMinute);
  CHECK(t.size() == 1);
}

TEST_CASE("throttle: IPv6 is counted per /64; IPv4 and mapped IPv4 per address") {
  CHECK(throttle_key("192.0.2.1") == "192.0.2.1");
  CHECK(throttle_key("::ffff:192.0.2.1") == "192.0.2.1");
  CHECK(throttle_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  CHECK(throttle_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64");
  CHECK(throttle_key("::1") == "::/64");
  CHECK(throttle_key("not an address") == "not an address");
}

TEST_CASE("throttle: HTTP threads counting at once lose no failure and block once") {
  AuthThrottle t({.max_failures = 400, .window_ms = kMinute, .max_clients = 100});
  std::vector<std::thread> threads;
  std::atomic<int> started{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { started += fail(t, "192.0.2.1", 100, 0); });
  for (auto& th : threads) th.join();
  CHECK(started == 1);
  CHECK(t.blocked_for_ms("192.0.2.1", 0) == kMinute);
}
