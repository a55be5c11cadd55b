// Resource records in the store's form (RecordRow): parsed and printed by ldns, ordered
// canonically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zones/ldns_util.h"
#include "zones/model.h"
#include "zones/result.h"

namespace zones {

// The mnemonic ("A", "MX") or RFC 3597 name ("TYPE65280") of a type.
std::string type_name(uint16_t type);

// Builds a row from an ldns RR: canonical owner, rdata as ldns prints it, uncompressed wire.
RecordRow record_from_rr(const ldns_rr* rr);

// Parses `rdata` (presentation format, RFC 3597 "\# len hex" accepted for any type) for a
// record at `owner` (canonical); relative names in the rdata are resolved against `origin`.
// Errors are placed at "record.rdata".
Result<RecordRow> parse_record(std::string_view owner, uint16_t type, uint32_t ttl,
                               std::string_view rdata, std::string_view origin);

// Sorts by owner in DNS canonical order, then type, then rdata wire (RFC 4034 section 6).
void sort_canonical(std::vector<RecordRow>& records);

}  // namespace zones
