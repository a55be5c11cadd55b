// Reading a member's load (0..1) from its health response: a dotted path into
// a JSON body, or a header value. Regional balancers report load in either
// shape, as a number or as a numeric string.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "healthd/probe.h"

namespace healthd {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// The whole of `text` as a number, or nullopt ("0.5x" and "" are not numbers).
std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// `value` when it is a finite number in 0..1; else nullopt with `why` saying so.
std::optional<double> in_range(double value, const std::string& what, std::string* why) {
  if (std::isfinite(value) && value >= 0 && value <= 1) return value;
  if (why != nullptr) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    *why = what + " out of range 0..1 (" + text + ")";
  }
  return std::nullopt;
}

// The node at `dotted_path` ("stats.load", "regions.0.load"), or nullptr.
const nlohmann::json* find_path(const nlohmann::json& root, std::string_view dotted_path) {
  const nlohmann::json* node = &root;
  size_t pos = 0;
  for (;;) {
    const auto dot = dotted_path.find('.', pos);
    const std::string key(dotted_path.substr(pos, dot == std::string_view::npos ? dot : dot - pos));
    if (node->is_object()) {
      const auto it = node->find(key);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      size_t index = 0;
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (error != std::errc() || end != key.data() + key.size() || index >= node->size())
        return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) return node;
    pos = dot + 1;
  }
}

}  // namespace

std::optional<double> load_from_json(std::string_view body, std::string_view dotted_path,
                                     std::string* why) {
  const std::string what = "load field " + std::string(dotted_path);
  const auto root = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    if (why != nullptr) *why = what + ": body is not JSON";
    return std::nullopt;
  }
  const nlohmann::json* node = find_path(root, dotted_path);
  if (node == nullptr) {
    if (why != nullptr) *why = what + " missing";
    return std::nullopt;
  }
  std::optional<double> value;
  if (node->is_number()) value = node->get<double>();
  if (node->is_string()) value = parse_number(trim(node->get_ref<const std::string&>()));
  if (!value) {
    if (why != nullptr) *why = what + " is not a number";
    return std::nullopt;
  }
  return in_range(*value, what, why);
}

std::optional<double> load_from_header_value(std::string_view value, std::string* why) {
  const auto number = parse_number(trim(value));
  if (!number) {
    if (why != nullptr) *why = "load header \"" + std::string(trim(value)) + "\" is not a number";
    return std::nullopt;
  }
  return in_range(*number, "load header", why);
}

}  // namespace healthd
