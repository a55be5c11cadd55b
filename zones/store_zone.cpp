// Store: creating, reading and deleting zones (see store.h).
#include "zones/gslb_internal.h"
#include "zones/json.h"
#include "zones/ldns_util.h"
#include "zones/names.h"
#include "zones/records.h"
#include "zones/store.h"
#include "zones/store_rows.h"
#include "zones/validate.h"

namespace zones {
namespace {

// "hostmaster@example.com" is how people write a mailbox; the SOA wants it as a name
// whose first label is the local part (dots in it escaped).
std::string mailbox_as_name(std::string_view text) {
  size_t at = text.find('@');
  if (at == std::string_view::npos || text == "@") return std::string(text);
  std::string local;
  for (char c : text.substr(0, at)) {
    if (c == '.') local += '\\';
    local += c;
  }
  std::string domain(text.substr(at + 1));
  if (!domain.ends_with('.')) domain += '.';
  return local + "." + domain;
}

// Validates everything a new zone is made of, reporting every problem at once.
Result<ZoneContent> build_zone(std::string_view name, const SoaFields& soa, uint32_t soa_ttl,
                               uint32_t default_ttl, const std::vector<std::string>& ns) {
  std::vector<Error> errors;
  auto apex = canonical_name(name, ".", "zone.name");
  collect(apex, errors);
  collect(check_ttl(soa_ttl, "zone.soa_ttl"), errors);
  collect(check_ttl(default_ttl, "zone.default_ttl"), errors);
  if (ns.empty()) errors.push_back({ErrorCode::kInvalid, "zone.ns", "at least one NS is needed"});
  const std::string apex_name = apex.value_or(".");
  // Flags name hosts the way people write them: absolute, with or without the dot.
  std::string mname = soa.mname.empty() && !ns.empty() ? ns.front() : soa.mname;
  std::string rname = soa.rname.empty() ? "hostmaster." + apex_name : mailbox_as_name(soa.rname);
  auto mname_c = canonical_name(mname, ".", "zone.mname");
  auto rname_c = canonical_name(rname, ".", "zone.rname");
  if (!ns.empty()) collect(mname_c, errors);
  collect(rname_c, errors);
  ZoneChecker checker(apex_name);
  for (size_t i = 0; i < ns.size(); ++i) {
    auto host = canonical_name(ns[i], ".", "zone.ns[" + std::to_string(i) + "]");
    collect(host, errors);
    if (!host || !errors.empty()) continue;
    auto row = parse_record(apex_name, LDNS_RR_TYPE_NS, default_ttl, *host, apex_name);
    if (row) checker.add(*row);
  }
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  ZoneContent zone;
  zone.info.name = apex_name;
  zone.info.soa = soa;
  zone.info.soa.mname = *mname_c;
  zone.info.soa.rname = *rname_c;
  zone.info.soa_ttl = soa_ttl;
  zone.info.default_ttl = default_ttl;
  zone.records = checker.records();
  return zone;
}

std::string zone_object(std::string_view name) {
  return "zone/" + std::string(name);
}

}  // namespace

Result<ZoneInfo> Store::create_zone(std::string_view name, const SoaFields& soa, uint32_t soa_ttl,
                                    uint32_t default_ttl, const std::vector<std::string>& ns,
                                    std::string_view actor) {
  auto zone = build_zone(name, soa, soa_ttl, default_ttl, ns);
  if (!zone) return std::unexpected(zone.error());
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto existing = rows::find_zone(db_, zone->info.name);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    return fail(ErrorCode::kConflict, "zone.name", "zone " + zone->info.name + " already exists");
  }
  auto id = rows::insert_zone(db_, zone->info);
  if (!id) return std::unexpected(id.error());
  zone->info.id = *id;
  for (const RecordRow& r : zone->records) {
    if (auto ok = rows::insert_record(db_, *id, r); !ok) return std::unexpected(ok.error());
  }
  nlohmann::json after = zone_json(zone->info);
  after["records"] = records_json(zone->records);
  auto logged =
      rows::audit(db_, actor, "zone.create", zone_object(zone->info.name), "", after.dump());
  if (!logged) return std::unexpected(logged.error());
  // A zone below an existing one takes over the services under its apex.
  if (auto ok = gslb::rehome_services(db_); !ok) return std::unexpected(ok.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return zone->info;
}

Result<std::vector<ZoneSummary>> Store::list_zones() {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  auto zones = rows::all_zones(db_);
  if (!zones) return std::unexpected(zones.error());
  std::vector<ZoneSummary> out;
  for (ZoneInfo& info : *zones) {
    auto count = rows::count_records(db_, info.id);
    if (!count) return std::unexpected(count.error());
    out.push_back({std::move(info), *count});
  }
  return out;
}

Result<ZoneInfo> Store::get_zone(std::string_view name) {
  return rows::require_zone(db_, name);
}

Result<int64_t> Store::count_records(std::string_view zone) {
  auto info = rows::require_zone(db_, zone);
  if (!info) return std::unexpected(info.error());
  return rows::count_records(db_, info->id);
}

Result<void> Store::delete_zone(std::string_view name, std::string_view actor) {
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto zone = rows::require_zone(db_, name);
  if (!zone) return std::unexpected(zone.error());
  auto services = gslb::count_services(db_, zone->id);
  if (!services) return std::unexpected(services.error());
  if (*services > 0) {
    return fail(
        ErrorCode::kConflict, "zone",
        "zone " + zone->name + " has " + std::to_string(*services) +
            (*services == 1 ? " service: delete it first" : " services: delete them first"));
  }
  auto count = rows::count_records(db_, zone->id);
  if (!count) return std::unexpected(count.error());
  nlohmann::json before = zone_json(*zone);
  before["record_count"] = *count;
  if (auto ok = rows::delete_zone(db_, zone->id); !ok) return ok;
  auto logged = rows::audit(db_, actor, "zone.delete", zone_object(zone->name), before.dump(), "");
  if (!logged) return logged;
  return tx->commit();
}

}  // namespace zones
