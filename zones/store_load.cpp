// Store: whole zones in and out: what the snapshot compiler reads, and zone import.
#include "zones/gslb_internal.h"
#include "zones/json.h"
#include "zones/names.h"
#include "zones/records.h"
#include "zones/serial.h"
#include "zones/store.h"
#include "zones/store_rows.h"
#include "zones/validate.h"

namespace zones {
namespace {

Result<ZoneContent> content_of(Db& db, ZoneInfo info) {
  auto records = rows::select_records(db, info.id, {});
  if (!records) return std::unexpected(records.error());
  sort_canonical(*records);
  return ZoneContent{std::move(info), std::move(*records)};
}

nlohmann::json summary_json(const ZoneInfo& info, size_t records) {
  nlohmann::json j = zone_json(info);
  j["record_count"] = records;
  return j;
}

// Makes the zone row match `content`: a new row, or the old row with the new SOA fields.
// Returns the audit "before" text.
Result<std::string> upsert_zone(Db& db, ZoneInfo& info) {
  auto existing = rows::find_zone(db, info.name);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) {
    auto id = rows::insert_zone(db, info);
    if (!id) return std::unexpected(id.error());
    info.id = *id;
    return std::string();
  }
  auto count = rows::count_records(db, (*existing)->id);
  if (!count) return std::unexpected(count.error());
  info.id = (*existing)->id;
  info.soa.serial = import_serial(info.soa.serial, (*existing)->soa.serial);
  if (auto ok = rows::update_zone(db, info); !ok) return std::unexpected(ok.error());
  if (auto ok = rows::delete_all_records(db, info.id); !ok) return std::unexpected(ok.error());
  return summary_json(**existing, static_cast<size_t>(*count)).dump();
}

// Services in the zone being imported must still be able to live there: no static
// CNAME/A/AAAA at their names, no delegation above them (kConflict, naming the service).
Result<void> keeps_services(Db& db, const ZoneContent& zone) {
  auto names = gslb::service_names(db);
  if (!names) return std::unexpected(names.error());
  std::vector<std::string> inside;
  for (const std::string& name : *names) {
    if (in_zone(name, zone.info.name)) inside.push_back(name);
  }
  if (inside.empty()) return {};
  auto zones = rows::load_all_zones(db);
  if (!zones) return std::unexpected(zones.error());
  std::erase_if(*zones, [&](const ZoneContent& z) { return z.info.name == zone.info.name; });
  zones->push_back(zone);
  std::vector<Error> errors;
  for (const std::string& name : inside) {
    for (Error& e : gslb::check_placement(name, *zones, "zone")) {
      e.code = ErrorCode::kConflict;
      e.message = "conflicts with service " + name + ": " + e.message;
      errors.push_back(std::move(e));
    }
  }
  if (errors.empty()) return {};
  return std::unexpected(join_errors(errors));
}

}  // namespace

namespace rows {

// The import's zone, checked like any other write: names canonical, TTLs in range, and the
// records one by one (exact duplicates merged).
Result<ZoneContent> checked_zone(const ZoneContent& in) {
  std::vector<Error> errors;
  auto name = canonical_name(in.info.name, ".", "zone.name");
  collect(name, errors);
  collect(canonical_name(in.info.soa.mname, ".", "zone.mname"), errors);
  collect(canonical_name(in.info.soa.rname, ".", "zone.rname"), errors);
  collect(check_ttl(in.info.soa_ttl, "zone.soa_ttl"), errors);
  collect(check_ttl(in.info.default_ttl, "zone.default_ttl"), errors);
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  ZoneChecker checker(*name);
  for (const RecordRow& r : in.records) {
    auto problems = checker.add(r);
    errors.insert(errors.end(), problems.begin(), problems.end());
  }
  auto whole = checker.finish();
  errors.insert(errors.end(), whole.begin(), whole.end());
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  ZoneContent out{in.info, checker.records()};
  out.info.name = *name;
  return out;
}

Result<ZoneInfo> import_zone(Db& db, ZoneContent zone, std::string_view actor) {
  auto before = upsert_zone(db, zone.info);
  if (!before) return std::unexpected(before.error());
  for (const RecordRow& r : zone.records) {
    if (auto ok = rows::insert_record(db, zone.info.id, r); !ok) {
      return std::unexpected(ok.error());
    }
  }
  std::string after = summary_json(zone.info, zone.records.size()).dump();
  auto logged = rows::audit(db, actor, "zone.import", "zone/" + zone.info.name, *before, after);
  if (!logged) return std::unexpected(logged.error());
  return zone.info;
}

Result<std::vector<ZoneContent>> load_all_zones(Db& db) {
  auto zones = rows::all_zones(db);
  if (!zones) return std::unexpected(zones.error());
  std::vector<ZoneContent> out;
  out.reserve(zones->size());
  for (ZoneInfo& info : *zones) {
    auto content = content_of(db, std::move(info));
    if (!content) return std::unexpected(content.error());
    out.push_back(std::move(*content));
  }
  return out;
}

}  // namespace rows

Result<std::vector<ZoneContent>> Store::load_zones() {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  return rows::load_all_zones(db_);
}

Result<ZoneContent> Store::load_zone(std::string_view name) {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  auto info = rows::require_zone(db_, name);
  if (!info) return std::unexpected(info.error());
  return content_of(db_, std::move(*info));
}

Result<ZoneInfo> Store::replace_zone(const ZoneContent& content, std::string_view actor) {
  auto zone = rows::checked_zone(content);
  if (!zone) return std::unexpected(zone.error());
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  if (auto ok = keeps_services(db_, *zone); !ok) return std::unexpected(ok.error());
  auto info = rows::import_zone(db_, std::move(*zone), actor);
  if (!info) return info;
  // A new zone below an existing one takes over the services under its apex.
  if (auto ok = gslb::rehome_services(db_); !ok) return std::unexpected(ok.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return info;
}

}  // namespace zones
