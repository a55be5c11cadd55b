// Wall-clock time as the store records it: unix milliseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace zones {

inline int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A unix time in milliseconds as UTC, to the second, in strftime's `format`.
inline std::string utc_text(int64_t unix_ms, const char* format = "%Y-%m-%dT%H:%M:%SZ") {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[64];
  return std::string(text, std::strftime(text, sizeof text, format, &parts));
}

}  // namespace zones
