// Parser for the whitespace-separated key=value case tables in tests/cases/.
#include "tests/support/case_table.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace testsupport {

std::string CaseRow::get(const std::string& key, const std::string& fallback) const {
  const auto it = fields.find(key);
  return it == fields.end() ? fallback : it->second;
}

int CaseRow::get_int(const std::string& key, int fallback) const {
  const auto it = fields.find(key);
  return it == fields.end() ? fallback : std::stoi(it->second);
}

std::vector<CaseRow> read_case_table(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<CaseRow> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string text = line.substr(0, line.find('#'));
    std::istringstream tokens(text);
    CaseRow row{path.filename().string() + ":" + std::to_string(number), text, {}};
    for (std::string token; tokens >> token;) {
      const auto eq = token.find('=');
      if (eq == std::string::npos || eq == 0 ||
          !row.fields.emplace(token.substr(0, eq), token.substr(eq + 1)).second)
        throw std::runtime_error(row.where + ": bad or repeated token \"" + token + "\"");
    }
    if (!row.fields.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace testsupport
