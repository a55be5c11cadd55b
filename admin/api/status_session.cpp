// The status page's session table and the small parsers around it (cookies, form bodies).
#include "admin/api/status_session.h"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>

namespace admin::api {
namespace {

constexpr size_t kSessionIdBytes = 32;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX and '+' decoded; a malformed escape is kept as is.
std::string form_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string cookie_attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}

// Every id is compared in full, as TokenTable::find does: how long a lookup takes says
// nothing about how much of a guessed id was right.
bool same_id(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::string random_session_id() {
  std::array<unsigned char, kSessionIdBytes> bytes{};
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("getrandom failed: no session can be made");
    got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xF];
  }
  return id;
}

std::string SessionTable::create(const std::string& token_name, int64_t now_ms) {
  std::string id = random_session_id();
  std::lock_guard lock(mutex_);
  drop_expired(now_ms);
  if (sessions_.size() >= kMaxSessions) {
    const auto soonest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const Session& a, const Session& b) { return a.expires_at_ms < b.expires_at_ms; });
    sessions_.erase(soonest);
  }
  sessions_.push_back(Session{id, token_name, now_ms + kSessionLifetimeMs});
  return id;
}

std::optional<std::string> SessionTable::find(std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  drop_expired(now_ms);
  std::optional<std::string> found;
  for (const Session& s : sessions_)
    if (same_id(s.id, id)) found = s.token_name;
  return found;
}

void SessionTable::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const Session& s) { return same_id(s.id, id); });
}

size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionTable::drop_expired(int64_t now_ms) {
  std::erase_if(sessions_, [&](const Session& s) { return s.expires_at_ms <= now_ms; });
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = std::min(header.find(';'), header.size());
    const std::string_view pair = trimmed(header.substr(0, end));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && trimmed(pair.substr(0, eq)) == name)
      return std::string(trimmed(pair.substr(eq + 1)));
    header.remove_prefix(std::min(end + 1, header.size()));
  }
  return "";
}

std::string session_cookie(const std::string& id, bool secure) {
  return std::string(kSessionCookie) + "=" + id + cookie_attributes(secure) +
         "; Max-Age=" + std::to_string(kSessionLifetimeMs / 1000);
}

std::string cleared_session_cookie(bool secure) {
  return std::string(kSessionCookie) + "=" + cookie_attributes(secure) + "; Max-Age=0";
}

std::string form_value(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    const size_t end = std::min(body.find('&'), body.size());
    const std::string_view pair = body.substr(0, end);
    const size_t eq = pair.find('=');
    if (form_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
    body.remove_prefix(std::min(end + 1, body.size()));
  }
  return "";
}

}  // namespace admin::api
