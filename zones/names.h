// Domain names as the store keeps them: absolute, lowercase, with the trailing dot
// ("www.example.com."), escaped the way ldns prints them.
#pragma once

#include <string>
#include <string_view>

#include "zones/ldns_util.h"
#include "zones/result.h"

namespace zones {

// Parses `text` into canonical form. `text` is absolute (trailing dot), "@" for `origin`, or
// relative to `origin` (itself canonical). Labels must be at most 63 octets and the name at
// most 255 octets in wire form. `where` names the field in errors ("record.owner").
Result<std::string> canonical_name(std::string_view text, std::string_view origin,
                                   std::string_view where);

// Canonical text of an ldns dname (lowercased copy).
std::string name_text(const ldns_rdf* dname);

// True when `name` is `zone` or below it; both canonical.
bool in_zone(std::string_view name, std::string_view zone);

// `name` for display inside `origin`: "@" for the apex, "www" below it, else absolute.
std::string relative_name(std::string_view name, std::string_view origin);

// A byte string whose plain comparison is the DNS canonical order of RFC 4034 section 6.1:
// lowercased labels from the root down, each ended by 0x00 (octets 0x00 and 0x01 inside a
// label are escaped as 0x01 0x01 and 0x01 0x02, so a shorter label still sorts first).
std::string name_sort_key(std::string_view name);

}  // namespace zones
