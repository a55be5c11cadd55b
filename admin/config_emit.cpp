// Writing a whole state in the config format (emit_config, config_file.h): the objects'
// JSON from zones::gslb_json, keys put in the order the docs use, then JSON as nlohmann
// prints it, or YAML by a small writer of our own (so the layout is ours and stable: small
// maps of scalars on one line, zone files as literal blocks, strings quoted when a YAML
// reader would take them for something else).
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "admin/config_file.h"
#include "admin/config_tree.h"
#include "zones/gslb_json.h"
#include "zones/zonefile.h"

namespace admin {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The order keys are written in, per kind of object (as in docs/config.md); a kind is the
// path of keys leading to it ("services.pools": a service's pool links). Keys not listed
// follow alphabetically.
struct KeyOrder {
  std::string_view kind;
  std::vector<std::string_view> keys;
};

const std::vector<KeyOrder>& key_orders() {
  static const std::vector<KeyOrder> orders = {
      {"", {"zones", "monitors", "regions", "pools", "services", "overrides"}},
      {"zones", {"name", "file", "content"}},
      // Keys that are new since the first release come where they belong, but are written
      // only when not at their default (gslb_json), so older exports keep their text.
      {"monitors", zones::monitor_keys()},
      {"regions", {"name", "lat", "lon", "continent", "country"}},
      {"pools", {"name", "region", "monitor", "min_healthy", "admin_state", "members"}},
      {"pools.members", {"address", "name", "weight", "admin_state"}},
      {"services",
       {"name", "policy", "ttl", "degraded_ttl", "max_answers", "when_all_down", "when_unknown",
        "fallback", "affinity", "tolerance_ms", "load_threshold", "pools", "geo", "overrides"}},
      {"services.pools", {"pool", "priority", "weight", "bias"}},
      {"services.geo", {"match", "pools"}},
      {"services.overrides", {"network", "region"}},
      {"overrides", {"network", "region"}},
  };
  return orders;
}

size_t rank(std::string_view kind, std::string_view key) {
  for (const KeyOrder& order : key_orders()) {
    if (order.kind != kind) continue;
    auto it = std::find(order.keys.begin(), order.keys.end(), key);
    return static_cast<size_t>(it - order.keys.begin());
  }
  return 0;
}

ordered_json ordered(const json& v, const std::string& kind) {
  if (v.is_array()) {
    ordered_json out = ordered_json::array();
    for (const json& item : v) out.push_back(ordered(item, kind));
    return out;
  }
  switch (v.type()) {  // scalars keep their type
    case json::value_t::object:
      break;
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::boolean:
      return v.get<bool>();
    case json::value_t::number_unsigned:
      return v.get<uint64_t>();
    case json::value_t::number_integer:
      return v.get<int64_t>();
    case json::value_t::number_float:
      return v.get<double>();
    default:
      return nullptr;
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : v.items()) keys.push_back(key);
  std::stable_sort(keys.begin(), keys.end(), [&kind](const std::string& a, const std::string& b) {
    return rank(kind, a) < rank(kind, b);  // std::map gave them sorted: ties stay alphabetical
  });
  ordered_json out = ordered_json::object();
  for (const std::string& key : keys) {
    out[key] = ordered(v.at(key), kind.empty() ? key : kind + "." + key);
  }
  return out;
}

// ---- YAML ----

constexpr size_t kLineWidth = 100;
constexpr size_t kFlowMapKeys = 5;  // larger maps are written one key per line

bool printable(unsigned char c) {
  return c >= 0x20 && c != 0x7f;
}

// Words YAML 1.1 readers take for booleans or null: quoted for them too.
bool yaml11_word(std::string_view s) {
  static constexpr std::array kWords =
      std::to_array<std::string_view>({"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                       "on", "On", "ON", "off", "Off", "OFF"});
  return std::find(kWords.begin(), kWords.end(), s) != kWords.end();
}

bool plain_safe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return false;
  }
  for (unsigned char c : s) {
    if (!printable(c) && c < 0x80) return false;
    if (std::string_view(":,[]{}#").find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
  }
  return !resolve_plain_scalar(s) && !yaml11_word(s);
}

std::string double_quoted(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string scalar_text(const ordered_json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return plain_safe(s) ? s : double_quoted(s);
  }
  return v.dump();  // null, true/false, numbers (floats keep a fraction: 0.0)
}

// A multi-line string that a literal block scalar can hold exactly.
bool literal_ok(const ordered_json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find('\n') == std::string::npos || s.find_first_not_of('\n') == std::string::npos) {
    return false;
  }
  for (unsigned char c : s) {
    if (!printable(c) && c != '\n' && c != '\t' && c < 0x80) return false;
  }
  return true;
}

class YamlWriter {
 public:
  std::string take() { return std::move(out_); }

  void map(const ordered_json& m, size_t indent, bool first_inline) {
    bool first = true;
    for (const auto& [key, value] : m.items()) {
      if (!(first && first_inline)) out_.append(indent, ' ');
      first = false;
      out_ += key + ":";
      value_after(value, indent, indent + key.size() + 2);
    }
  }

 private:
  // `v` after "key:" or "-": `column` is where it would start on this line.
  void value_after(const ordered_json& v, size_t indent, size_t column) {
    if (literal_ok(v)) return literal(v.get_ref<const std::string&>(), indent + 2);
    if (auto flow = flow_text(v); flow && column + flow->size() <= kLineWidth) {
      out_ += " " + *flow + "\n";
      return;
    }
    if (v.is_array()) {
      out_ += "\n";
      return seq(v, indent + 2);
    }
    if (v.is_object()) {
      out_ += "\n";
      return map(v, indent + 2, false);
    }
    out_ += " " + scalar_text(v) + "\n";  // a long scalar: still on its line
  }

  void seq(const ordered_json& a, size_t indent) {
    for (const ordered_json& item : a) {
      out_.append(indent, ' ');
      out_ += "-";
      if (item.is_object() && !item.empty() && !flow_fits(item, indent + 2)) {
        out_ += " ";
        map(item, indent + 2, true);
      } else {
        value_after(item, indent, indent + 2);
      }
    }
  }

  bool flow_fits(const ordered_json& v, size_t column) {
    auto flow = flow_text(v);
    return flow && column + flow->size() <= kLineWidth;
  }

  // One-line form: scalars, lists of scalars, small maps of those. nullopt when not fitting.
  std::optional<std::string> flow_text(const ordered_json& v) {
    if (v.is_array()) {
      std::string out = "[";
      for (const ordered_json& item : v) {
        if (item.is_structured() || literal_ok(item)) return std::nullopt;
        if (out.size() > 1) out += ", ";
        out += scalar_text(item);
      }
      return out + "]";
    }
    if (v.is_object()) {
      if (v.size() > kFlowMapKeys) return std::nullopt;
      std::string out = "{";
      for (const auto& [key, value] : v.items()) {
        if (value.is_object() || literal_ok(value)) return std::nullopt;
        auto text = flow_text(value);
        if (!text) return std::nullopt;
        if (out.size() > 1) out += ", ";
        out += key + ": " + *text;
      }
      return out + "}";
    }
    if (literal_ok(v)) return std::nullopt;
    return scalar_text(v);
  }

  // "|" keeps one final newline, "|-" none, "|+" all; an indentation indicator when the
  // first line with text starts with a space.
  void literal(const std::string& s, size_t indent) {
    size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    const std::string body = s.substr(0, s.size() - trailing);
    out_ += " |";
    size_t first_text = body.find_first_not_of('\n');
    if (first_text != std::string::npos && (body[first_text] == ' ' || body[first_text] == '\t')) {
      out_ += std::to_string(2);
    }
    out_ += trailing == 0 ? "-" : trailing == 1 ? "" : "+";
    out_ += "\n";
    size_t start = 0;
    while (start <= body.size()) {
      size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      if (end > start) out_.append(indent, ' ').append(body, start, end - start);
      out_ += "\n";
      start = end + 1;
    }
    for (size_t i = 1; i < trailing; ++i) out_ += "\n";
  }

  std::string out_;
};

}  // namespace

std::string emit_config(const zones::GslbConfig& gslb, const std::vector<zones::ZoneContent>& zones,
                        ConfigFormat format) {
  json doc = json::object();
  if (!zones.empty()) {
    json list = json::array();
    for (const zones::ZoneContent& zone : zones) {
      list.push_back({{"name", zone.info.name}, {"content", zones::format_zone(zone)}});
    }
    doc["zones"] = std::move(list);
  }
  const json objects = zones::gslb_json(gslb);
  for (const auto& [key, value] : objects.items()) doc[key] = value;
  ordered_json out = ordered(doc, "");
  if (format == ConfigFormat::kJson) {
    return out.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  }
  YamlWriter writer;
  writer.map(out, 0, false);
  return writer.take();
}

}  // namespace admin
