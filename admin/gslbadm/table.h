// Human output of gslbadm: aligned columns, and "key  value" blocks.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gslbadm {

using Row = std::vector<std::string>;

// A header row and data rows, columns padded to their widest cell; the last column is not
// padded so long rdata does not leave trailing spaces.
void print_table(std::ostream& out, const Row& header, const std::vector<Row>& rows);

// One "key  value" pair per line, keys aligned.
void print_fields(std::ostream& out,
                  const std::vector<std::pair<std::string, std::string>>& fields);

// A JSON object's field as a cell: strings as they are, other values as JSON, and `none`
// when the field is missing, null or an empty string.
std::string field_text(const nlohmann::json& object, const char* key, const char* none = "-");

// A unix time in milliseconds as UTC, to the second: "2024-05-01T10:00:00Z".
std::string utc_text(int64_t unix_ms);

}  // namespace gslbadm
