// The status page's login sessions: a browser that posted a valid token gets a random
// session id in an HttpOnly, SameSite=Strict cookie, never the token itself. Sessions live
// in memory (a gslbd restart logs everyone out) for 12 hours. They authenticate the page
// only, never the /v1 routes, so a forged cross-site request cannot write anything.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace admin::api {

inline constexpr const char* kSessionCookie = "gslb_session";
inline constexpr int64_t kSessionLifetimeMs = 12LL * 3600 * 1000;

class SessionTable {
 public:
  // Beyond this many live sessions the one closest to expiry is dropped: a client posting
  // good tokens in a loop cannot grow memory without bound.
  static constexpr size_t kMaxSessions = 1000;

  // A new session for token `token_name` until now + kSessionLifetimeMs: its id, 64 hex
  // characters from the kernel's random source (getrandom).
  std::string create(const std::string& token_name, int64_t now_ms);
  // The token name of session `id` when it exists and has not expired.
  std::optional<std::string> find(std::string_view id, int64_t now_ms);
  void remove(std::string_view id);
  size_t size() const;

 private:
  struct Session {
    std::string id;
    std::string token_name;
    int64_t expires_at_ms = 0;
  };
  void drop_expired(int64_t now_ms);

  mutable std::mutex mutex_;       // HTTP threads log in and out at once
  std::vector<Session> sessions_;  // few: one per logged-in browser
};

// 32 random bytes as lowercase hex.
std::string random_session_id();

// The value of cookie `name` in a Cookie header ("a=1; gslb_session=abc"), or "".
std::string cookie_value(std::string_view header, std::string_view name);

// The Set-Cookie header value for a new session, and the one that clears it (Max-Age=0).
// `secure`: the admin API speaks TLS, so the browser must never send it over plain HTTP.
std::string session_cookie(const std::string& id, bool secure);
std::string cleared_session_cookie(bool secure);

// The value of `name` in an application/x-www-form-urlencoded body ("token=a%2Bb&x=1"),
// %-decoded with '+' as a space; "" when absent.
std::string form_value(std::string_view body, std::string_view name);

}  // namespace admin::api
