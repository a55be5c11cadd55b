// Reads zone-file text one RR at a time through ldns (internal to zones/), keeping the
// $ORIGIN, $TTL and previous-owner state and the line where each entry started.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "zones/ldns_util.h"

namespace zones {

class ZoneFileReader {
 public:
  ZoneFileReader(std::string_view text, std::string_view origin);
  ~ZoneFileReader();
  ZoneFileReader(const ZoneFileReader&) = delete;
  ZoneFileReader& operator=(const ZoneFileReader&) = delete;

  bool done() const;
  // The next entry: LDNS_STATUS_OK with `rr` set, a directive status
  // (LDNS_STATUS_SYNTAX_TTL, _ORIGIN, _INCLUDE, _EMPTY), or an error.
  ldns_status next(RrPtr& rr);

  int line() const { return start_line_; }  // where the last entry started (1-based)
  std::string line_text() const;            // that line, trimmed and shortened
  uint32_t default_ttl() const { return default_ttl_; }

 private:
  int first_content_line(int after) const;

  std::string text_;
  std::vector<std::string_view> lines_;
  FILE* fp_ = nullptr;
  uint32_t default_ttl_ = 3600;
  ldns_rdf* origin_ = nullptr;
  ldns_rdf* prev_ = nullptr;
  int line_ = 0;
  int start_line_ = 0;
};

}  // namespace zones
