// Client location from a MaxMind DB (GeoIP2/GeoLite2 City or Country, or
// DB-IP lite files in the same schema), memory-mapped by libmaxminddb.
// Lookups read fixed fields into a fixed struct: no allocation, no locks.
// Decoding a record's fields (map walks with string compares, slow on full
// GeoLite2 City records) is cached per thread by the record's offset: many
// networks share one record, so a query usually costs just the tree walk.
#pragma once

#include <maxminddb.h>

#include <cstdint>
#include <memory>
#include <string>

#include "zones/result.h"

namespace geo {

// What the database says about one address. Codes are NUL-terminated ASCII
// ("EU", "DE"); empty when the database has no such field.
struct Location {
  bool found = false;
  char continent[3] = {};
  char country[3] = {};
  bool has_coordinates = false;
  double latitude = 0;
  double longitude = 0;
  // Prefix length of the database network that matched, in the address's
  // own family (e.g. /24 for IPv4): the widest the answer can be cached for.
  uint8_t prefix_len = 0;
};

class GeoDb {
 public:
  // Opens and maps the file; fails with a message naming the file when it
  // is missing, truncated or not a MaxMind DB.
  static zones::Result<std::unique_ptr<GeoDb>> open(const std::string& path);
  ~GeoDb();
  GeoDb(const GeoDb&) = delete;
  GeoDb& operator=(const GeoDb&) = delete;

  // `family` is 1 (IPv4, 4 address octets) or 2 (IPv6, 16 octets), as in ECS.
  Location lookup(uint16_t family, const uint8_t* address) const;

  const std::string& path() const { return path_; }
  std::string database_type() const { return mmdb_.metadata.database_type; }
  // When the database was built (unix seconds, from its metadata).
  int64_t build_epoch() const { return static_cast<int64_t>(mmdb_.metadata.build_epoch); }

 private:
  GeoDb() = default;
  Location decode(MMDB_entry_s* entry) const;

  MMDB_s mmdb_{};
  std::string path_;
  bool open_ = false;
  uint64_t id_ = 0;  // unique per opened database: keys the per-thread decode cache
};

}  // namespace geo
