// The key layout of fleet mode (see fleet_keys.h).
#include "admin/fleet/fleet_keys.h"

#include <vector>

namespace admin::fleet {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

std::string escape_segment(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_segment(std::string_view segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size()) {
      const int high = hex_value(segment[i + 1]), low = hex_value(segment[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += segment[i];
  }
  return out;
}

std::string object_key(std::string_view kind, std::string_view name) {
  return std::string(kConfigDir) + std::string(kind) + "/" + escape_segment(name);
}

std::string health_key(const HealthKey& key) {
  return std::string(kHealthDir) + escape_segment(key.pool) + "/" + escape_segment(key.address) +
         "/" + escape_segment(key.vantage);
}

std::optional<HealthKey> parse_health_key(std::string_view relative) {
  if (!relative.starts_with(kHealthDir)) return std::nullopt;
  const auto parts = split(relative.substr(kHealthDir.size()), '/');
  if (parts.size() != 3) return std::nullopt;
  for (std::string_view part : parts) {
    if (part.empty()) return std::nullopt;
  }
  return HealthKey{unescape_segment(parts[0]), unescape_segment(parts[1]),
                   unescape_segment(parts[2])};
}

std::string vantage_key(std::string_view vantage) {
  return std::string(kVantageDir) + escape_segment(vantage);
}

std::optional<std::string> parse_vantage_key(std::string_view relative) {
  if (!relative.starts_with(kVantageDir)) return std::nullopt;
  const std::string_view name = relative.substr(kVantageDir.size());
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  return unescape_segment(name);
}

std::string canonical_prefix(std::string_view prefix) {
  std::string out(prefix);
  if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  if (out.back() != '/') out.push_back('/');
  return out;
}

}  // namespace admin::fleet
