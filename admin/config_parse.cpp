// The config walker: one pass over the ConfigTree (from YAML or JSON alike) filling a
// GslbConfig and the zones, collecting every problem with its line and path (config_file.h).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "admin/config_file.h"
#include "admin/config_tree.h"
#include "zones/gslb_json.h"
#include "zones/names.h"
#include "zones/validate.h"
#include "zones/zonefile.h"

namespace admin {
namespace {

using nlohmann::json;

// A value as it appears in messages; bytes that are not UTF-8 are replaced, not thrown on.
std::string shown(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* kind_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "nothing";
    case json::value_t::object:
      return "a map";
    case json::value_t::array:
      return "a list";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "true/false";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "a whole number";
    default:
      return "something else";
  }
}

template <typename E>
using EnumParser = std::optional<E> (*)(std::string_view);

// A service's when_unknown: a health state, but never "unknown" itself.
std::optional<zones::HealthState> parse_up_or_down(std::string_view text) {
  auto state = zones::parse_health_state(text);
  if (state == zones::HealthState::kUnknown) return std::nullopt;
  return state;
}

class Walker {
 public:
  Walker(const ConfigTree& tree, const std::string& file, const std::string& base_dir)
      : tree_(tree), file_(file), base_dir_(base_dir) {}

  ConfigFile walk();
  std::vector<zones::Error> errors();

 private:
  // ---- reporting ----
  void error(const std::string& path, const std::string& message) {
    const int line = tree_.line_of(path);
    std::string where = line > 0 ? file_ + ":" + std::to_string(line) : file_;
    errors_.push_back({line,
                       {zones::ErrorCode::kInvalid, std::move(where),
                        path.empty() ? message : path + ": " + message}});
  }
  void wrong_type(const std::string& path, const json& v, const std::string& expected) {
    error(path, "expected " + expected + ", not " + kind_of(v));
  }

  // ---- structure ----
  // True when `node` is a map; reports every key not in `allowed`.
  bool check_object(const json& node, const std::string& path,
                    std::initializer_list<std::string_view> allowed) {
    return check_object(node, path, std::vector<std::string_view>(allowed));
  }
  bool check_object(const json& node, const std::string& path,
                    const std::vector<std::string_view>& allowed) {
    if (!node.is_object()) {
      wrong_type(path, node, "a map");
      return false;
    }
    for (const auto& [key, value] : node.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string known;
        for (std::string_view k : allowed) known += (known.empty() ? "" : ", ") + std::string(k);
        error(child_path(path, key), "unknown key (known here: " + known + ")");
      }
    }
    return true;
  }

  // obj[key] (obj is at `path`), nullptr when absent or null; reported when required.
  const json* get(const json& obj, const std::string& path, std::string_view key, bool required) {
    auto it = obj.find(key);
    if (it != obj.end() && !it->is_null()) return &*it;
    if (required && it == obj.end()) {
      error(path, "missing required key \"" + std::string(key) + "\"");
    } else if (required) {
      error(child_path(path, key), "required, but empty");
    }
    return nullptr;
  }

  // ---- scalars ----
  std::optional<std::string> as_string(const json& v, const std::string& p) {
    if (v.is_string()) return v.get<std::string>();
    if (auto it = tree_.plain.find(p); it != tree_.plain.end()) return it->second;
    wrong_type(p, v, "a string");
    return std::nullopt;
  }

  std::optional<int64_t> as_integer(const json& v, const std::string& p, int64_t min, int64_t max) {
    const std::string expected =
        "a whole number " + std::to_string(min) + ".." + std::to_string(max);
    if (v.is_number_unsigned()) {
      const uint64_t n = v.get<uint64_t>();
      if (n <= static_cast<uint64_t>(max)) return static_cast<int64_t>(n);
    } else if (v.is_number_integer()) {
      const int64_t n = v.get<int64_t>();
      if (n >= min && n <= max) return n;
    } else if (!v.is_number_float()) {
      wrong_type(p, v, expected);
      return std::nullopt;
    }
    error(p, "expected " + expected + " (got " + shown(v) + ")");
    return std::nullopt;
  }

  template <typename T>
  std::optional<T> as_int(const json& v, const std::string& p) {
    auto n = as_integer(v, p, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
    if (!n) return std::nullopt;
    return static_cast<T>(*n);
  }

  std::optional<bool> as_bool(const json& v, const std::string& p) {
    if (v.is_boolean()) return v.get<bool>();
    wrong_type(p, v, "true or false");
    return std::nullopt;
  }

  std::optional<double> as_number(const json& v, const std::string& p) {
    if (v.is_number()) return v.get<double>();
    wrong_type(p, v, "a number");
    return std::nullopt;
  }

  // A duration in milliseconds: "500ms", "1s", "10m", "1h", or a bare number of seconds.
  std::optional<uint32_t> as_duration_ms(const json& v, const std::string& p) {
    std::optional<uint64_t> ms;
    if (v.is_number_unsigned()) {
      const uint64_t seconds = v.get<uint64_t>();
      if (seconds <= UINT32_MAX / 1000) ms = seconds * 1000;
    } else if (v.is_string()) {
      ms = zones::parse_duration_ms(v.get<std::string>());
    } else {
      wrong_type(p, v, "a duration such as 500ms, 1s or 10m");
      return std::nullopt;
    }
    if (!ms || *ms > UINT32_MAX) {
      error(p, "expected a duration such as 500ms, 1s or 10m (got " + shown(v) + ")");
      return std::nullopt;
    }
    return static_cast<uint32_t>(*ms);
  }

  // A TTL in seconds: a bare number, or a duration that is a whole number of seconds.
  std::optional<uint32_t> as_ttl(const json& v, const std::string& p) {
    if (v.is_number()) return as_int<uint32_t>(v, p);
    if (!v.is_string()) {
      wrong_type(p, v, "a TTL in seconds");
      return std::nullopt;
    }
    auto ms = zones::parse_duration_ms(v.get<std::string>());
    if (!ms || *ms % 1000 != 0 || *ms / 1000 > UINT32_MAX) {
      error(p, "expected a TTL: seconds, or a duration in whole seconds such as 30s or 5m (got " +
                   shown(v) + ")");
      return std::nullopt;
    }
    return static_cast<uint32_t>(*ms / 1000);
  }

  // Milliseconds: a bare number, or a duration string.
  std::optional<uint32_t> as_ms(const json& v, const std::string& p) {
    if (v.is_number()) return as_int<uint32_t>(v, p);
    if (v.is_string()) return as_duration_ms(v, p);
    wrong_type(p, v, "milliseconds");
    return std::nullopt;
  }

  template <typename E>
  std::optional<E> as_enum(const json& v, const std::string& p, EnumParser<E> parse,
                           const char* choices) {
    auto text = as_string(v, p);
    if (!text) return std::nullopt;
    if (auto value = parse(*text)) return value;
    error(p, std::string("expected one of ") + choices + " (got \"" + *text + "\")");
    return std::nullopt;
  }

  // ---- fields ----
  // Sets `out` from obj[key] through `convert`; absent or null leaves `out` as it is.
  template <typename T, typename Convert>
  void field(const json& obj, const std::string& path, std::string_view key, T& out,
             Convert convert, bool required = false) {
    const json* v = get(obj, path, key, required);
    if (v == nullptr) return;
    const std::string p = child_path(path, key);
    if (auto value = convert(*v, p)) out = std::move(*value);
  }

  void string_field(const json& obj, const std::string& path, std::string_view key,
                    std::string& out, bool required = false) {
    field(
        obj, path, key, out,
        [this](const json& v, const std::string& p) { return as_string(v, p); }, required);
  }

  template <typename T, typename Item>
  void list_field(const json& obj, const std::string& path, std::string_view key,
                  std::vector<T>& out, Item item) {
    const json* v = get(obj, path, key, false);
    if (v == nullptr) return;
    const std::string p = child_path(path, key);
    if (!v->is_array()) return wrong_type(p, *v, "a list");
    out.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      if (auto value = item((*v)[i], item_path(p, i))) out.push_back(std::move(*value));
    }
  }

  void string_list_field(const json& obj, const std::string& path, std::string_view key,
                         std::vector<std::string>& out) {
    list_field(obj, path, key, out,
               [this](const json& v, const std::string& p) { return as_string(v, p); });
  }

  // ---- objects ----
  std::optional<zones::Monitor> monitor(const json& node, const std::string& path);
  std::optional<zones::Region> region(const json& node, const std::string& path);
  std::optional<zones::Pool> pool(const json& node, const std::string& path);
  std::optional<zones::Member> member(const json& node, const std::string& path);
  std::optional<zones::Service> service(const json& node, const std::string& path);
  std::optional<zones::ServicePool> link(const json& node, const std::string& path);
  std::optional<zones::GeoEntry> geo(const json& node, const std::string& path);
  std::optional<zones::CidrOverride> cidr_override(const json& node, const std::string& path);
  std::optional<zones::ZoneContent> zone(const json& node, const std::string& path);

  const ConfigTree& tree_;
  const std::string& file_;
  const std::string& base_dir_;
  std::vector<std::pair<int, zones::Error>> errors_;  // with the line they sort by
};

std::optional<zones::Monitor> Walker::monitor(const json& node, const std::string& path) {
  if (!check_object(node, path, zones::monitor_keys())) {
    return std::nullopt;
  }
  auto str = [this](const json& v, const std::string& p) { return as_string(v, p); };
  auto u32 = [this](const json& v, const std::string& p) { return as_int<uint32_t>(v, p); };
  auto u16 = [this](const json& v, const std::string& p) { return as_int<uint16_t>(v, p); };
  auto duration = [this](const json& v, const std::string& p) { return as_duration_ms(v, p); };
  auto boolean = [this](const json& v, const std::string& p) { return as_bool(v, p); };
  zones::Monitor m;
  string_field(node, path, "name", m.name, true);
  string_field(node, path, "type", m.type, true);
  field(node, path, "port", m.port, u16, true);
  // http/https
  string_field(node, path, "method", m.method);
  string_field(node, path, "path", m.path);
  string_field(node, path, "host", m.host);
  list_field(node, path, "expect_status", m.expect_status, u16);
  field(node, path, "expect_body", m.expect_body, str);
  field(node, path, "tls_verify", m.tls_verify, boolean);
  field(node, path, "ca_file", m.ca_file, str);
  field(node, path, "follow_redirects", m.follow_redirects, boolean);
  field(node, path, "load_field", m.load_field, str);
  field(node, path, "load_header", m.load_header, str);
  // dns
  field(node, path, "query_name", m.query_name, str);
  string_field(node, path, "query_type", m.query_type);
  string_field(node, path, "expect_rcode", m.expect_rcode);
  field(node, path, "expect_answer", m.expect_answer, boolean);
  // scheduling
  field(node, path, "interval", m.interval_ms, duration);
  field(node, path, "timeout", m.timeout_ms, duration);
  field(node, path, "jitter", m.jitter_ms, duration);
  field(node, path, "rise", m.rise, u32);
  field(node, path, "fall", m.fall, u32);
  field(node, path, "max_concurrent", m.max_concurrent, u32);
  return m;
}

std::optional<zones::Region> Walker::region(const json& node, const std::string& path) {
  if (!check_object(node, path, {"name", "lat", "lon", "continent", "country"})) {
    return std::nullopt;
  }
  auto number = [this](const json& v, const std::string& p) { return as_number(v, p); };
  zones::Region r;
  string_field(node, path, "name", r.name, true);
  field(node, path, "lat", r.latitude, number, true);
  field(node, path, "lon", r.longitude, number, true);
  string_field(node, path, "continent", r.continent);
  string_field(node, path, "country", r.country);
  return r;
}

std::optional<zones::Member> Walker::member(const json& node, const std::string& path) {
  if (!check_object(node, path, {"address", "name", "weight", "admin_state"})) {
    return std::nullopt;
  }
  zones::Member m;
  string_field(node, path, "address", m.address, true);
  string_field(node, path, "name", m.name);
  field(node, path, "weight", m.weight,
        [this](const json& v, const std::string& p) { return as_int<uint32_t>(v, p); });
  field(node, path, "admin_state", m.admin, [this](const json& v, const std::string& p) {
    return as_enum(v, p, zones::parse_admin_state, "enabled | drain | fail");
  });
  return m;
}

std::optional<zones::Pool> Walker::pool(const json& node, const std::string& path) {
  if (!check_object(node, path,
                    {"name", "region", "monitor", "min_healthy", "admin_state", "members"})) {
    return std::nullopt;
  }
  zones::Pool pool;
  string_field(node, path, "name", pool.name, true);
  string_field(node, path, "region", pool.region, true);
  string_field(node, path, "monitor", pool.monitor);
  field(node, path, "min_healthy", pool.min_healthy,
        [this](const json& v, const std::string& p) { return as_int<uint32_t>(v, p); });
  field(node, path, "admin_state", pool.admin, [this](const json& v, const std::string& p) {
    return as_enum(v, p, zones::parse_admin_state, "enabled | drain | fail");
  });
  list_field(node, path, "members", pool.members,
             [this](const json& v, const std::string& p) { return member(v, p); });
  return pool;
}

std::optional<zones::ServicePool> Walker::link(const json& node, const std::string& path) {
  if (!check_object(node, path, {"pool", "priority", "weight", "bias"})) return std::nullopt;
  zones::ServicePool link;
  string_field(node, path, "pool", link.pool, true);
  field(node, path, "priority", link.priority,
        [this](const json& v, const std::string& p) { return as_int<int32_t>(v, p); });
  field(node, path, "weight", link.weight,
        [this](const json& v, const std::string& p) { return as_int<uint32_t>(v, p); });
  field(node, path, "bias", link.bias_km,
        [this](const json& v, const std::string& p) { return as_number(v, p); });
  return link;
}

std::optional<zones::GeoEntry> Walker::geo(const json& node, const std::string& path) {
  if (!check_object(node, path, {"match", "pools"})) return std::nullopt;
  zones::GeoEntry entry;
  string_field(node, path, "match", entry.match, true);
  get(node, path, "pools", true);
  string_list_field(node, path, "pools", entry.pools);
  return entry;
}

std::optional<zones::CidrOverride> Walker::cidr_override(const json& node,
                                                         const std::string& path) {
  if (!check_object(node, path, {"network", "region"})) return std::nullopt;
  zones::CidrOverride o;
  string_field(node, path, "network", o.network, true);
  string_field(node, path, "region", o.region, true);
  return o;
}

std::optional<zones::Service> Walker::service(const json& node, const std::string& path) {
  if (!check_object(node, path,
                    {"name", "policy", "ttl", "degraded_ttl", "max_answers", "when_all_down",
                     "when_unknown", "fallback", "affinity", "tolerance_ms", "load_threshold",
                     "pools", "geo", "overrides"})) {
    return std::nullopt;
  }
  auto ttl = [this](const json& v, const std::string& p) { return as_ttl(v, p); };
  zones::Service s;
  field(
      node, path, "name", s.name,
      [this](const json& v, const std::string& p) -> std::optional<std::string> {
        auto text = as_string(v, p);
        if (!text) return std::nullopt;
        auto name = zones::canonical_name(*text, ".", p);
        if (!name) {
          error(p, name.error().message);
          return std::nullopt;
        }
        return *name;
      },
      true);
  field(node, path, "policy", s.policy, [this](const json& v, const std::string& p) {
    return as_enum(v, p, zones::parse_policy,
                   "failover | weighted | geo | proximity | latency | all");
  });
  field(node, path, "ttl", s.ttl, ttl);
  field(node, path, "degraded_ttl", s.degraded_ttl, ttl);
  field(node, path, "max_answers", s.max_answers,
        [this](const json& v, const std::string& p) { return as_int<uint32_t>(v, p); });
  field(node, path, "when_all_down", s.when_all_down, [this](const json& v, const std::string& p) {
    return as_enum(v, p, zones::parse_when_all_down, "fail-open | nodata | fallback");
  });
  field(node, path, "when_unknown", s.when_unknown, [this](const json& v, const std::string& p) {
    return as_enum(v, p, parse_up_or_down, "up | down");
  });
  string_list_field(node, path, "fallback", s.fallback);
  field(node, path, "affinity", s.affinity, [this](const json& v, const std::string& p) {
    return as_enum(v, p, zones::parse_affinity, "none | subnet");
  });
  field(node, path, "tolerance_ms", s.tolerance_ms,
        [this](const json& v, const std::string& p) { return as_ms(v, p); });
  field(node, path, "load_threshold", s.load_threshold,
        [this](const json& v, const std::string& p) { return as_number(v, p); });
  list_field(node, path, "pools", s.pools,
             [this](const json& v, const std::string& p) { return link(v, p); });
  list_field(node, path, "geo", s.geo,
             [this](const json& v, const std::string& p) { return geo(v, p); });
  list_field(node, path, "overrides", s.overrides,
             [this](const json& v, const std::string& p) { return cidr_override(v, p); });
  return s;
}

std::optional<zones::ZoneContent> Walker::zone(const json& node, const std::string& path) {
  if (!check_object(node, path, {"name", "file", "content"})) return std::nullopt;
  const size_t errors_before = errors_.size();
  std::string name;
  std::optional<std::string> file;
  std::optional<std::string> content;
  auto str = [this](const json& v, const std::string& p) { return as_string(v, p); };
  string_field(node, path, "name", name, true);
  field(node, path, "file", file, str);
  field(node, path, "content", content, str);
  const bool has_file = get(node, path, "file", false) != nullptr;
  const bool has_content = get(node, path, "content", false) != nullptr;
  if (has_file && has_content) error(path, "give either \"file\" or \"content\", not both");
  if (!has_file && !has_content) {
    error(path, "missing \"file\" (a zone file) or \"content\" (the zone file's text)");
  }
  std::string apex;
  if (!name.empty()) {
    auto canonical = zones::canonical_name(name, ".", child_path(path, "name"));
    if (canonical) {
      apex = *canonical;
    } else {
      error(child_path(path, "name"), canonical.error().message);
    }
  }
  if (errors_.size() != errors_before || apex.empty() || (!file && !content)) return std::nullopt;

  // The zone's own errors carry their own file:line; they sort with this entry.
  const int line = tree_.line_of(path);
  zones::Result<zones::ZoneContent> parsed;
  if (file) {
    std::filesystem::path zone_path(*file);
    if (zone_path.is_relative() && !base_dir_.empty()) zone_path = base_dir_ / zone_path;
    std::ifstream in(zone_path, std::ios::binary);
    if (!in) {
      error(child_path(path, "file"), "cannot read the zone file " + zone_path.string());
      return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    parsed = zones::parse_zone_text(text.str(), zone_path.string(), apex);
  } else {
    parsed = zones::parse_zone_text(*content, file_ + ":" + child_path(path, "content"), apex);
  }
  if (!parsed) {
    // join_errors put several problems in one message, one per line: split them again.
    std::istringstream lines(parsed.error().text());
    for (std::string text; std::getline(lines, text);) {
      errors_.push_back({line, {zones::ErrorCode::kInvalid, "", text}});
    }
    return std::nullopt;
  }
  return std::move(*parsed);
}

ConfigFile Walker::walk() {
  ConfigFile config;
  const json& root = tree_.root;
  if (root.is_null()) return config;  // an empty document: nothing is desired
  if (!root.is_object()) {
    error("", std::string("expected a map of zones, monitors, regions, pools, services and "
                          "overrides, not ") +
                  kind_of(root));
    return config;
  }
  if (!check_object(root, "", {"zones", "monitors", "regions", "pools", "services", "overrides"})) {
    return config;
  }
  zones::GslbConfig& g = config.gslb;
  list_field(root, "", "zones", config.zones,
             [this](const json& v, const std::string& p) { return zone(v, p); });
  list_field(root, "", "monitors", g.monitors,
             [this](const json& v, const std::string& p) { return monitor(v, p); });
  list_field(root, "", "regions", g.regions,
             [this](const json& v, const std::string& p) { return region(v, p); });
  list_field(root, "", "pools", g.pools,
             [this](const json& v, const std::string& p) { return pool(v, p); });
  list_field(root, "", "services", g.services,
             [this](const json& v, const std::string& p) { return service(v, p); });
  list_field(root, "", "overrides", g.overrides,
             [this](const json& v, const std::string& p) { return cidr_override(v, p); });
  return config;
}

std::vector<zones::Error> Walker::errors() {
  errors_.insert(errors_.begin(), tree_.errors.begin(), tree_.errors.end());
  std::stable_sort(errors_.begin(), errors_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<zones::Error> out;
  for (auto& [line, e] : errors_) out.push_back(std::move(e));
  return out;
}

}  // namespace

ConfigFormat format_for_name(std::string_view file_name) {
  return file_name.ends_with(".json") || file_name.ends_with(".JSON") ? ConfigFormat::kJson
                                                                      : ConfigFormat::kYaml;
}

std::optional<ConfigFormat> parse_format(std::string_view text) {
  if (text == "yaml" || text == "yml") return ConfigFormat::kYaml;
  if (text == "json") return ConfigFormat::kJson;
  if (text == "auto") return ConfigFormat::kAuto;
  return std::nullopt;
}

zones::Result<ConfigFile> parse_config(std::string_view text, ConfigFormat format,
                                       const std::string& base_dir, const std::string& file_name) {
  if (format == ConfigFormat::kAuto) format = format_for_name(file_name);
  ConfigTree tree = format == ConfigFormat::kJson ? read_json_tree(text, file_name)
                                                  : read_yaml_tree(text, file_name);
  std::vector<zones::Error> errors;
  ConfigFile config;
  if (tree.root.is_null() && !tree.errors.empty()) {
    for (auto& [line, e] : tree.errors) errors.push_back(std::move(e));  // a syntax error
  } else {
    Walker walker(tree, file_name, base_dir);
    config = walker.walk();
    errors = walker.errors();
    // Text that is not UTF-8 cannot be stored or shown as JSON (config_tree.h).
    if (errors.empty())
      for (auto& [line, e] : tree.not_utf8) errors.push_back(std::move(e));
  }
  config.file_name = file_name;
  config.lines = std::move(tree.lines);
  if (!errors.empty()) {
    zones::Error joined = zones::join_errors(errors);
    joined.code = zones::ErrorCode::kInvalid;
    return std::unexpected(std::move(joined));
  }
  return config;
}

zones::Error locate_in_file(const zones::Error& error, const ConfigFile& config) {
  std::vector<zones::Error> placed;
  std::istringstream lines(error.text());
  for (std::string text; std::getline(lines, text);) {
    zones::Error e{error.code, "", text};
    // "path: message", the path inside a list item of the file (or the item itself).
    if (size_t colon = text.find(": "); colon != std::string::npos) {
      std::string path = text.substr(0, colon);
      while (path.find('[') != std::string::npos) {
        if (auto it = config.lines.find(path); it != config.lines.end()) {
          e.where = config.file_name + ":" + std::to_string(it->second);
          break;
        }
        path = path.substr(0, path.find_last_of(".["));
      }
    }
    placed.push_back(std::move(e));
  }
  if (placed.empty()) return error;
  zones::Error joined = zones::join_errors(placed);
  joined.code = error.code;
  return joined;
}

zones::Result<ConfigFile> read_config_file(const std::string& path, ConfigFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return zones::fail(zones::ErrorCode::kIo, path, "cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (format == ConfigFormat::kAuto) format = format_for_name(path);
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  return parse_config(text.str(), format, base_dir, path);
}

}  // namespace admin
