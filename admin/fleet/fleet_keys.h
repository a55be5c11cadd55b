// Where fleet mode keeps things in etcd, relative to the prefix (default "/gslb/"):
//
//   config/zone/<apex>              a zone: {"name", "content": zone file text}
//   config/monitor/<name>           a monitor, region, pool (with its members and admin
//   config/region/<name>            states) or service (with its links, geo map and
//   config/pool/<name>              overrides), each in the config file's JSON form
//   config/service/<name>
//   config/overrides                the global CIDR overrides, a JSON list
//   config/drill/<id>               a drill (zones::drill_json without its report)
//   config/_write                   the write marker: every configuration write puts it
//                                   ({"by", "at_ms", "objects"}) and compares its
//                                   mod_revision, so writes are serialised
//   health/<pool>/<address>/<vantage>   a vantage's report on a member, on its lease
//   vantage/<name>                  a live vantage, on its lease
//
// Name segments are escaped ('%' and '/' as %25 and %2F) so that any name stays one segment.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace admin::fleet {

inline constexpr std::string_view kConfigDir = "config/";
inline constexpr std::string_view kHealthDir = "health/";
inline constexpr std::string_view kVantageDir = "vantage/";
inline constexpr std::string_view kWriteMarker = "config/_write";

std::string escape_segment(std::string_view name);
std::string unescape_segment(std::string_view segment);

// "config/pool/us-east"
std::string object_key(std::string_view kind, std::string_view name);

struct HealthKey {
  std::string pool;
  std::string address;
  std::string vantage;
};
std::string health_key(const HealthKey& key);
// nullopt unless `relative` is "health/<pool>/<address>/<vantage>".
std::optional<HealthKey> parse_health_key(std::string_view relative);

std::string vantage_key(std::string_view vantage);
// The vantage named by "vantage/<name>", else nullopt.
std::optional<std::string> parse_vantage_key(std::string_view relative);

// A prefix as given (--etcd-prefix) made canonical: starts and ends with '/'.
std::string canonical_prefix(std::string_view prefix);

}  // namespace admin::fleet
