// Test cases as data: one case per line of `key=value` tokens, `#` starts a comment.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace testsupport {

struct CaseRow {
  std::string where;  // "differential.txt:12", for CAPTURE
  std::string text;   // the line as written
  std::map<std::string, std::string> fields;

  bool has(const std::string& key) const { return fields.count(key) != 0; }
  std::string get(const std::string& key, const std::string& fallback = "") const;
  int get_int(const std::string& key, int fallback) const;
};

// Throws std::runtime_error naming file:line for a token without '=' or a repeated key.
std::vector<CaseRow> read_case_table(const std::filesystem::path& path);

}  // namespace testsupport
