// Row-level SQL for the store (internal to zones/): callers hold the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zones/db.h"
#include "zones/model.h"
#include "zones/result.h"

namespace zones::rows {

Result<std::optional<ZoneInfo>> find_zone(Db& db, std::string_view name);
// kNotFound at "zone" when missing. `name` may lack the trailing dot.
Result<ZoneInfo> require_zone(Db& db, std::string_view name);
Result<std::vector<ZoneInfo>> all_zones(Db& db);
Result<int64_t> insert_zone(Db& db, const ZoneInfo& zone);
Result<void> update_zone(Db& db, const ZoneInfo& zone);
Result<void> delete_zone(Db& db, int64_t zone_id);

struct RecordFilter {
  std::optional<std::string> owner;
  std::optional<uint16_t> type;
};
Result<std::vector<RecordRow>> select_records(Db& db, int64_t zone_id, const RecordFilter& filter);
Result<int64_t> count_records(Db& db, int64_t zone_id);
Result<int64_t> insert_record(Db& db, int64_t zone_id, const RecordRow& record);
Result<void> delete_record(Db& db, int64_t record_id);
Result<void> delete_all_records(Db& db, int64_t zone_id);

// Zone import in the caller's transaction (Store::replace_zone, GslbStore::apply).
// checked_zone validates and canonicalises `content` (names, TTLs, the zone rules, exact
// duplicates merged); import_zone writes a checked zone: a new row, or the old row with the
// new SOA fields and serial (import_serial) and all records replaced, plus the audit row.
Result<ZoneContent> checked_zone(const ZoneContent& content);
Result<ZoneInfo> import_zone(Db& db, ZoneContent zone, std::string_view actor);
// Every zone with its records in canonical order.
Result<std::vector<ZoneContent>> load_all_zones(Db& db);

// The end of every write to a zone: next serial, then the audit row.
Result<uint32_t> bump_serial(Db& db, const ZoneInfo& zone);
Result<void> audit(Db& db, std::string_view actor, std::string_view action, std::string_view object,
                   const std::string& before, const std::string& after);

}  // namespace zones::rows
