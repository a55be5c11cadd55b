// The checks every write must pass: TTL and type syntax, and the zone rules of RFC 1034/2181
// (owner inside the zone, CNAME alone at its name, one TTL per RRset, no duplicates).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "zones/model.h"
#include "zones/result.h"

namespace zones {

inline constexpr int64_t kMaxTtl = 2147483647;  // RFC 2181 section 8

// A TTL written as decimal digits, 0..kMaxTtl.
Result<uint32_t> parse_ttl(std::string_view text, std::string_view where);
Result<uint32_t> check_ttl(int64_t ttl, std::string_view where);

// A type mnemonic or TYPEnnn (RFC 3597), refusing what cannot be stored as a record: meta
// types (ANY, AXFR, OPT, ...) and SOA, which comes from the zone's own fields.
Result<uint16_t> parse_type(std::string_view text, std::string_view where);
Result<void> check_type(uint16_t type, std::string_view where);

// `owner` must be `zone` or below it.
Result<void> check_owner(std::string_view zone, std::string_view owner);

// Problems `added` would cause in `zone`, given the records already at its owner
// (check_owner is separate). A duplicate is reported as kConflict "already exists".
std::vector<Error> check_record(std::string_view zone, const std::vector<RecordRow>& at_owner,
                                const RecordRow& added);

// One Error holding every problem, one "where: message" per line; the first one's code.
Error join_errors(const std::vector<Error>& errors);

// Collects the failure of `result`, if any, into `errors`.
template <typename T>
void collect(const Result<T>& result, std::vector<Error>& errors) {
  if (!result) errors.push_back(result.error());
}

}  // namespace zones

namespace zones {

// Checks a whole zone one record at a time, as an import reads it: each record is checked
// against those accepted before it. Exact duplicates (same owner, type, TTL and rdata) are
// merged silently, since an RRset is a set.
class ZoneChecker {
 public:
  explicit ZoneChecker(std::string zone) : zone_(std::move(zone)) {}

  // The problems `record` has; when there are none it is accepted (or merged).
  std::vector<Error> add(const RecordRow& record);

  // Problems of the zone as a whole (no NS at the apex), once every record was added.
  std::vector<Error> finish() const;

  const std::vector<RecordRow>& records() const { return records_; }

 private:
  std::string zone_;
  std::vector<RecordRow> records_;
  std::unordered_map<std::string, std::vector<RecordRow>> by_owner_;
};

}  // namespace zones
