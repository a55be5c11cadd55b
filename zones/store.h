// The store: every read and write of zones and records goes through here. Each write is one
// transaction, validated first, bumps the zone's SOA serial and appends an audit row; a
// refused write changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zones/db.h"
#include "zones/model.h"
#include "zones/result.h"

namespace zones {

struct ZoneSummary {
  ZoneInfo info;
  int64_t record_count = 0;  // without the SOA
};

class Store {
 public:
  // The Db must be migrated (see migrate.h) and outlive the Store.
  explicit Store(Db& db) : db_(db) {}

  // Creates a zone with its apex NS records. Empty soa.mname defaults to the first NS, empty
  // soa.rname to hostmaster.<zone>. NS, mname and rname are absolute names (the trailing dot
  // is optional); rname may be written as a mailbox, "hostmaster@example.com".
  Result<ZoneInfo> create_zone(std::string_view name, const SoaFields& soa, uint32_t soa_ttl,
                               uint32_t default_ttl, const std::vector<std::string>& ns,
                               std::string_view actor);
  Result<std::vector<ZoneSummary>> list_zones();
  Result<ZoneInfo> get_zone(std::string_view name);
  Result<int64_t> count_records(std::string_view zone);
  Result<void> delete_zone(std::string_view name, std::string_view actor);

  // Adds one record. `owner` is relative to the zone, "@", or absolute; without `ttl` the
  // record takes its RRset's TTL, else the zone's default.
  Result<RecordRow> add_record(std::string_view zone, std::string_view owner, std::string_view type,
                               std::optional<int64_t> ttl, std::string_view rdata,
                               std::string_view actor);

  // Deletes the RRset at owner/type, or only the record with `rdata`; returns how many went.
  // kNotFound when nothing matched; refuses to remove the zone's last apex NS.
  Result<int64_t> delete_records(std::string_view zone, std::string_view owner,
                                 std::string_view type, std::optional<std::string_view> rdata,
                                 std::string_view actor);

  // Records in canonical order (names, then type, then rdata), optionally filtered.
  Result<std::vector<RecordRow>> list_records(std::string_view zone,
                                              std::optional<std::string_view> owner = {},
                                              std::optional<std::string_view> type = {});

  // Every zone with its records in canonical order: what the snapshot compiler reads.
  Result<std::vector<ZoneContent>> load_zones();
  Result<ZoneContent> load_zone(std::string_view name);

  // Creates `content.info.name` or replaces its SOA fields and all its records (zone import).
  // When replacing, the serial is the file's if newer, else the old one + 1 (RFC 1982).
  Result<ZoneInfo> replace_zone(const ZoneContent& content, std::string_view actor);

  Db& db() { return db_; }

 private:
  Db& db_;
};

}  // namespace zones
