// Row-level SQL for zones and records (see store_rows.h).
#include "zones/store_rows.h"

#include "zones/audit.h"
#include "zones/names.h"
#include "zones/serial.h"

namespace zones::rows {
namespace {

constexpr const char* kZoneColumns =
    "id, name, mname, rname, serial, refresh, retry, expire, minimum, soa_ttl, default_ttl";

ZoneInfo zone_at(const Statement& s) {
  ZoneInfo z;
  z.id = s.int_at(0);
  z.name = s.text_at(1);
  z.soa.mname = s.text_at(2);
  z.soa.rname = s.text_at(3);
  z.soa.serial = static_cast<uint32_t>(s.int_at(4));
  z.soa.refresh = static_cast<uint32_t>(s.int_at(5));
  z.soa.retry = static_cast<uint32_t>(s.int_at(6));
  z.soa.expire = static_cast<uint32_t>(s.int_at(7));
  z.soa.minimum = static_cast<uint32_t>(s.int_at(8));
  z.soa_ttl = static_cast<uint32_t>(s.int_at(9));
  z.default_ttl = static_cast<uint32_t>(s.int_at(10));
  return z;
}

RecordRow record_at(const Statement& s) {
  return RecordRow{s.int_at(0),
                   s.text_at(1),
                   static_cast<uint16_t>(s.int_at(2)),
                   static_cast<uint32_t>(s.int_at(3)),
                   s.text_at(4),
                   s.blob_at(5)};
}

// Steps `stmt` to the end, turning each row into a T.
template <typename T, typename RowFn>
Result<std::vector<T>> read_all(Statement& stmt, RowFn row_fn) {
  std::vector<T> out;
  while (true) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(row_fn(stmt));
  }
}

void bind_zone_fields(Statement& s, const ZoneInfo& z) {
  s.bind(":name", z.name)
      .bind(":mname", z.soa.mname)
      .bind(":rname", z.soa.rname)
      .bind(":serial", int64_t{z.soa.serial})
      .bind(":refresh", int64_t{z.soa.refresh})
      .bind(":retry", int64_t{z.soa.retry})
      .bind(":expire", int64_t{z.soa.expire})
      .bind(":minimum", int64_t{z.soa.minimum})
      .bind(":soa_ttl", int64_t{z.soa_ttl})
      .bind(":default_ttl", int64_t{z.default_ttl});
}

}  // namespace

Result<std::optional<ZoneInfo>> find_zone(Db& db, std::string_view name) {
  auto canonical = canonical_name(name, ".", "zone");
  if (!canonical) return std::unexpected(canonical.error());
  auto stmt = db.prepare(std::string("SELECT ") + kZoneColumns + " FROM zone WHERE name = :name");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":name", *canonical);
  auto zones = read_all<ZoneInfo>(*stmt, zone_at);
  if (!zones) return std::unexpected(zones.error());
  if (zones->empty()) return std::optional<ZoneInfo>();
  return std::optional<ZoneInfo>(std::move(zones->front()));
}

Result<ZoneInfo> require_zone(Db& db, std::string_view name) {
  auto zone = find_zone(db, name);
  if (!zone) return std::unexpected(zone.error());
  if (!*zone) return fail(ErrorCode::kNotFound, "zone", "no zone " + std::string(name));
  return std::move(**zone);
}

Result<std::vector<ZoneInfo>> all_zones(Db& db) {
  auto stmt = db.prepare(std::string("SELECT ") + kZoneColumns + " FROM zone ORDER BY name");
  if (!stmt) return std::unexpected(stmt.error());
  return read_all<ZoneInfo>(*stmt, zone_at);
}

Result<int64_t> insert_zone(Db& db, const ZoneInfo& zone) {
  auto stmt = db.prepare(
      "INSERT INTO zone (name, mname, rname, serial, refresh, retry, expire, minimum, soa_ttl, "
      "default_ttl) VALUES (:name, :mname, :rname, :serial, :refresh, :retry, :expire, "
      ":minimum, :soa_ttl, :default_ttl)");
  if (!stmt) return std::unexpected(stmt.error());
  bind_zone_fields(*stmt, zone);
  if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
  return db.last_insert_id();
}

Result<void> update_zone(Db& db, const ZoneInfo& zone) {
  auto stmt = db.prepare(
      "UPDATE zone SET name = :name, mname = :mname, rname = :rname, serial = :serial, "
      "refresh = :refresh, retry = :retry, expire = :expire, minimum = :minimum, "
      "soa_ttl = :soa_ttl, default_ttl = :default_ttl WHERE id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  bind_zone_fields(*stmt, zone);
  stmt->bind(":id", zone.id);
  return stmt->run();
}

Result<void> delete_zone(Db& db, int64_t zone_id) {
  auto stmt = db.prepare("DELETE FROM zone WHERE id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(":id", zone_id).run();
}

Result<std::vector<RecordRow>> select_records(Db& db, int64_t zone_id, const RecordFilter& filter) {
  auto stmt = db.prepare(
      "SELECT id, owner, type, ttl, rdata_text, rdata_wire FROM record WHERE zone_id = :zone "
      "AND (:owner IS NULL OR owner = :owner) AND (:type IS NULL OR type = :type) ORDER BY id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":zone", zone_id);
  if (filter.owner) stmt->bind(":owner", *filter.owner);
  if (filter.type) stmt->bind(":type", int64_t{*filter.type});
  return read_all<RecordRow>(*stmt, record_at);
}

Result<int64_t> count_records(Db& db, int64_t zone_id) {
  auto stmt = db.prepare("SELECT count(*) FROM record WHERE zone_id = :zone");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":zone", zone_id);
  auto counts = read_all<int64_t>(*stmt, [](const Statement& s) { return s.int_at(0); });
  if (!counts) return std::unexpected(counts.error());
  return counts->empty() ? 0 : counts->front();
}

Result<int64_t> insert_record(Db& db, int64_t zone_id, const RecordRow& record) {
  auto stmt = db.prepare(
      "INSERT INTO record (zone_id, owner, type, ttl, rdata_text, rdata_wire) "
      "VALUES (:zone, :owner, :type, :ttl, :text, :wire)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":zone", zone_id)
      .bind(":owner", record.owner)
      .bind(":type", int64_t{record.type})
      .bind(":ttl", int64_t{record.ttl})
      .bind(":text", record.rdata_text)
      .bind_blob(":wire", record.rdata_wire);
  if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
  return db.last_insert_id();
}

Result<void> delete_record(Db& db, int64_t record_id) {
  auto stmt = db.prepare("DELETE FROM record WHERE id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(":id", record_id).run();
}

Result<void> delete_all_records(Db& db, int64_t zone_id) {
  auto stmt = db.prepare("DELETE FROM record WHERE zone_id = :zone");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(":zone", zone_id).run();
}

Result<uint32_t> bump_serial(Db& db, const ZoneInfo& zone) {
  uint32_t serial = next_serial(zone.soa.serial);
  auto stmt = db.prepare("UPDATE zone SET serial = :serial WHERE id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":serial", int64_t{serial}).bind(":id", zone.id);
  if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
  return serial;
}

Result<void> audit(Db& db, std::string_view actor, std::string_view action, std::string_view object,
                   const std::string& before, const std::string& after) {
  AuditEntry entry;
  entry.actor = actor;
  entry.action = action;
  entry.object = object;
  entry.before = before;
  entry.after = after;
  return append_audit(db, entry);
}

}  // namespace zones::rows
