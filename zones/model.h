// Plain values that cross module boundaries: what the store holds for a zone,
// as read by the snapshot compiler and written by import/CRUD.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zones {

// One resource record as stored. Names are absolute, lowercase, with the
// trailing dot ("www.example.com."). rdata_wire is the uncompressed RDATA in
// wire format (names inside it keep the case they were written with).
struct RecordRow {
  int64_t id = 0;
  std::string owner;
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string rdata_text;  // presentation format, as ldns prints it
  std::string rdata_wire;  // binary
};

struct SoaFields {
  std::string mname;  // absolute
  std::string rname;  // absolute, mailbox in domain-name form
  uint32_t serial = 1;
  uint32_t refresh = 3600;
  uint32_t retry = 600;
  uint32_t expire = 604800;
  uint32_t minimum = 300;  // negative-caching TTL (RFC 2308)
};

struct ZoneInfo {
  int64_t id = 0;
  std::string name;  // apex, absolute lowercase
  SoaFields soa;
  uint32_t soa_ttl = 3600;
  uint32_t default_ttl = 3600;
};

// Everything the compiler needs to serve one zone. `records` excludes the SOA,
// which is synthesised from `info.soa` (so the serial bump is one UPDATE).
struct ZoneContent {
  ZoneInfo info;
  std::vector<RecordRow> records;
};

}  // namespace zones
