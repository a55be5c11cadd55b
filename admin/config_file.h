// The declarative config file of `gslbadm apply -f` and `gslbadm export` (docs/config.md):
// one YAML or JSON document holding zones, monitors, regions, pools, services and overrides.
// The parser checks syntax, types and keys only, and reports every problem at once, each
// with its place and path ("gslb.yaml:14: services[1].pols: unknown key"); whether the
// objects make sense together (names referred to, ranges) is zones::validate_gslb's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zones/gslb_model.h"
#include "zones/model.h"
#include "zones/result.h"

namespace admin {

enum class ConfigFormat { kAuto, kYaml, kJson };

// kJson for a name ending in ".json", else kYaml (YAML also reads JSON).
ConfigFormat format_for_name(std::string_view file_name);
// "yaml" | "yml" | "json" | "auto"; nullopt otherwise.
std::optional<ConfigFormat> parse_format(std::string_view text);

struct ConfigFile {
  zones::GslbConfig gslb;
  std::vector<zones::ZoneContent> zones;  // the `zones:` entries, parsed, in file order
  // Where it came from, to place later errors: the file name and the line of every path.
  std::string file_name;
  std::unordered_map<std::string, int> lines;
};

// Parses one config document. kAuto picks by `file_name` (format_for_name). Zone files named
// by `file:` are read relative to `base_dir`; `file_name` is used in error messages. Every
// problem is returned in one Error (code kInvalid), one "where: path: message" per line.
zones::Result<ConfigFile> parse_config(std::string_view text, ConfigFormat format,
                                       const std::string& base_dir, const std::string& file_name);

// Reads and parses a file (kAuto: by its name); base_dir is the file's directory.
zones::Result<ConfigFile> read_config_file(const std::string& path,
                                           ConfigFormat format = ConfigFormat::kAuto);

// `error` (from GslbStore::apply, whose paths index the file's lists: "services[1].ttl") with
// each problem placed in the file: "gslb.yaml:14: services[1].ttl: ...". Problems whose path
// the file does not hold (objects only in the store) are left as they are.
zones::Error locate_in_file(const zones::Error& error, const ConfigFile& config);

// The whole state in the same format (zones inline as `content`), so that parsing the text
// gives back the same objects. Deterministic: the same state always gives the same text.
// kAuto means YAML.
std::string emit_config(const zones::GslbConfig& gslb, const std::vector<zones::ZoneContent>& zones,
                        ConfigFormat format);

}  // namespace admin
