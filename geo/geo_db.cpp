// MaxMind DB lookups with libmaxminddb: the official schema's
// continent.code, country.iso_code and location.latitude/longitude.
#include "geo/geo_db.h"

#include <arpa/inet.h>

#include <atomic>
#include <cstring>

namespace geo {
namespace {

// MMDB_aget_value with the path on the stack: the variadic MMDB_get_value callocs its path
// array on every call, and this runs on the query path (seen in bench/profile.sh --dynamic).
int get_value(MMDB_entry_s* entry, MMDB_entry_data_s& data, const char* map, const char* key) {
  const char* const path[] = {map, key, nullptr};
  return MMDB_aget_value(entry, &data, path);
}

void copy_code(MMDB_entry_s* entry, char (&out)[3], const char* map, const char* key) {
  MMDB_entry_data_s data{};
  if (get_value(entry, data, map, key) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size > 2)
    return;
  std::memcpy(out, data.utf8_string, data.data_size);
  out[data.data_size] = '\0';
}

bool read_double(MMDB_entry_s* entry, const char* key, double& out) {
  MMDB_entry_data_s data{};
  if (get_value(entry, data, "location", key) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_DOUBLE)
    return false;
  out = data.double_value;
  return true;
}

// A direct-mapped cache of decoded records, per thread (no locks), keyed by
// (database id, record offset). Static TLS: no allocation on first use.
struct CachedRecord {
  uint64_t db_id = 0;
  uint32_t offset = 0;
  Location location;
};
constexpr uint32_t kCacheSlots = 1024;
thread_local CachedRecord t_cache[kCacheSlots];

std::atomic<uint64_t> g_next_db_id{1};

}  // namespace

zones::Result<std::unique_ptr<GeoDb>> GeoDb::open(const std::string& path) {
  std::unique_ptr<GeoDb> db(new GeoDb);
  const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb_);
  if (rc != MMDB_SUCCESS) {
    std::string why = MMDB_strerror(rc);
    if (rc == MMDB_IO_ERROR) why += std::string(": ") + std::strerror(errno);
    return zones::fail(zones::ErrorCode::kIo, "--geoip " + path, why);
  }
  db->open_ = true;
  db->path_ = path;
  db->id_ = g_next_db_id.fetch_add(1, std::memory_order_relaxed);
  return db;
}

GeoDb::~GeoDb() {
  if (open_) MMDB_close(&mmdb_);
}

Location GeoDb::lookup(uint16_t family, const uint8_t* address) const {
  sockaddr_storage ss{};
  if (family == 1) {
    auto& sin = reinterpret_cast<sockaddr_in&>(ss);
    sin.sin_family = AF_INET;
    std::memcpy(&sin.sin_addr, address, 4);
  } else {
    auto& sin6 = reinterpret_cast<sockaddr_in6&>(ss);
    sin6.sin6_family = AF_INET6;
    std::memcpy(&sin6.sin6_addr, address, 16);
  }
  int error = 0;
  // libmaxminddb takes a non-const handle but does not modify it on lookup.
  auto* mmdb = const_cast<MMDB_s*>(&mmdb_);
  MMDB_lookup_result_s result =
      MMDB_lookup_sockaddr(mmdb, reinterpret_cast<const sockaddr*>(&ss), &error);
  Location loc;
  if (error != MMDB_SUCCESS || !result.found_entry) return loc;
  CachedRecord& slot = t_cache[(result.entry.offset * 2654435761u) >> 22];
  if (slot.db_id != id_ || slot.offset != result.entry.offset) {
    slot.location = decode(&result.entry);
    slot.db_id = id_;
    slot.offset = result.entry.offset;
  }
  loc = slot.location;
  // An IPv4 address in an IPv6 database matched an IPv6 network (::a.b.c.d/N).
  const int v4_in_v6 = family == 1 && mmdb_.metadata.ip_version == 6 ? 96 : 0;
  loc.prefix_len = static_cast<uint8_t>(result.netmask >= v4_in_v6 ? result.netmask - v4_in_v6 : 0);
  return loc;
}

Location GeoDb::decode(MMDB_entry_s* entry) const {
  Location loc;
  loc.found = true;
  copy_code(entry, loc.continent, "continent", "code");
  copy_code(entry, loc.country, "country", "iso_code");
  loc.has_coordinates = read_double(entry, "latitude", loc.latitude) &&
                        read_double(entry, "longitude", loc.longitude);
  return loc;
}

}  // namespace geo
