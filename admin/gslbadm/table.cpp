// Aligned text tables for gslbadm (see table.h).
#include "admin/gslbadm/table.h"

#include <algorithm>
#include <ctime>

#include "zones/clock.h"

namespace gslbadm {
namespace {

void print_row(std::ostream& out, const Row& row, const std::vector<size_t>& widths) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i + 1 == row.size()) {
      out << row[i];
    } else {
      out << row[i] << std::string(widths[i] - row[i].size() + 2, ' ');
    }
  }
  out << "\n";
}

}  // namespace

void print_table(std::ostream& out, const Row& header, const std::vector<Row>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) widths[i] = header[i].size();
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  print_row(out, header, widths);
  for (const Row& row : rows) print_row(out, row, widths);
}

void print_fields(std::ostream& out,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size());
  for (const auto& [key, value] : fields) {
    out << key << std::string(width - key.size() + 2, ' ') << value << "\n";
  }
}

std::string field_text(const nlohmann::json& object, const char* key, const char* none) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return none;
  if (it->is_string()) return it->get<std::string>().empty() ? none : it->get<std::string>();
  return it->dump();
}

std::string utc_text(int64_t unix_ms) {
  return zones::utc_text(unix_ms);
}

}  // namespace gslbadm
