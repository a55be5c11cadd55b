// The config file as a JSON value, whichever format it was written in, plus what the walker
// (config_parse.cpp) needs for good messages: the line of every key and list item, and the
// text of YAML plain scalars that read as numbers or booleans (so `name: 2024` can still be
// a string). Paths are written as the errors show them: "services[1].pools[0].pool".
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "zones/result.h"

namespace admin {

struct ConfigTree {
  nlohmann::json root;                                 // null for an empty document
  std::unordered_map<std::string, int> lines;          // path -> 1-based line
  std::unordered_map<std::string, std::string> plain;  // path -> YAML plain scalar text
  // Problems found while reading (syntax, duplicate keys), "file:line" in `where`, each with
  // its line (0 when unknown). After a syntax error `root` is null.
  std::vector<std::pair<int, zones::Error>> errors;
  // YAML scalars that are not UTF-8 (the JSON parser refuses those itself), kept as they are.
  // parse_config reports them only when nothing else is wrong: the walker's own messages
  // already show such a value when it is the wrong type.
  std::vector<std::pair<int, zones::Error>> not_utf8;

  // The line of `path`, or of its nearest ancestor that has one; 0 when unknown.
  int line_of(const std::string& path) const;
};

std::string child_path(const std::string& path, std::string_view key);  // "a.b" ("b" at the top)
std::string item_path(const std::string& path, size_t index);           // "a[3]"

// YAML through yaml-cpp, plain scalars resolved as in the YAML 1.2 core schema (null, true,
// false, integers, floats; anything else, and anything quoted, is a string).
// A YAML plain scalar read by the core schema: null, a boolean or a number; nullopt for a
// string. The emitter quotes strings for which this is not nullopt.
std::optional<nlohmann::json> resolve_plain_scalar(const std::string& text);

ConfigTree read_yaml_tree(std::string_view text, const std::string& file_name);
ConfigTree read_json_tree(std::string_view text, const std::string& file_name);

}  // namespace admin
