// Zone files in RFC 1035 master format: import (parsed by ldns, all or nothing) and export
// (canonical order, so export then import reproduces the same rows).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "zones/model.h"
#include "zones/result.h"
#include "zones/store.h"

namespace zones {

// An import stops reading after this many errors.
inline constexpr size_t kMaxZoneFileErrors = 100;

// Parses a zone file. The apex is `origin` when given, else the owner of the SOA (which then
// must be absolute or follow a $ORIGIN). The file needs exactly one SOA, at the apex, and an
// NS there. $INCLUDE is refused. Every problem is reported, one "file:line: message" per line.
Result<ZoneContent> parse_zone_file(const std::string& path,
                                    std::optional<std::string_view> origin = {});
// The same for text in memory; `file_name` is used in error messages.
Result<ZoneContent> parse_zone_text(std::string_view text, std::string_view file_name,
                                    std::optional<std::string_view> origin = {});

// Parses the file and creates or replaces its zone in one transaction.
Result<ZoneInfo> import_zone_file(Store& store, const std::string& path,
                                  std::optional<std::string_view> origin, std::string_view actor);

// The zone as a file: $ORIGIN, $TTL, the SOA, then the records in canonical order.
std::string format_zone(const ZoneContent& zone);
Result<std::string> export_zone(Store& store, std::string_view name);

}  // namespace zones
