// Store: adding, deleting and listing records (see store.h).
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

struct RecordTarget {
  std::string owner;
  uint16_t type = 0;
};

std::string record_object(const RecordTarget& t) {
  return "record/" + t.owner + "/" + type_name(t.type);
}

// Owner and type of a write, both checked so that one call reports both problems.
Result<RecordTarget> parse_target(const ZoneInfo& zone, std::string_view owner,
                                  std::string_view type, std::vector<Error>& errors) {
  auto owner_c = canonical_name(owner, zone.name, "record.owner");
  auto type_c = parse_type(type, "record.type");
  collect(owner_c, errors);
  if (owner_c) collect(check_owner(zone.name, *owner_c), errors);
  collect(type_c, errors);
  if (!errors.empty()) return fail(ErrorCode::kInvalid, "", "");
  return RecordTarget{*owner_c, *type_c};
}

// Without an explicit TTL a record joins its RRset's TTL, else the zone default.
uint32_t ttl_for(const ZoneInfo& zone, const std::vector<RecordRow>& at_owner, uint16_t type) {
  for (const RecordRow& r : at_owner) {
    if (r.type == type) return r.ttl;
  }
  return zone.default_ttl;
}

// The record `add_record` would insert, with every problem found reported together.
Result<RecordRow> build_record(Db& db, const ZoneInfo& zone, std::string_view owner,
                               std::string_view type, std::optional<int64_t> ttl,
                               std::string_view rdata) {
  std::vector<Error> errors;
  auto target = parse_target(zone, owner, type, errors);
  std::optional<uint32_t> ttl_value;
  if (ttl) {
    auto checked = check_ttl(*ttl, "record.ttl");
    collect(checked, errors);
    if (checked) ttl_value = *checked;
  }
  if (!target) {
    // Still check the rdata syntax when the type is known, so its errors show too.
    auto known = parse_type(type, "record.type");
    if (known) collect(parse_record(zone.name, *known, 0, rdata, zone.name), errors);
    return std::unexpected(join_errors(errors));
  }
  auto at_owner = rows::select_records(db, zone.id, {target->owner, std::nullopt});
  if (!at_owner) return std::unexpected(at_owner.error());
  uint32_t use_ttl = ttl_value.value_or(ttl_for(zone, *at_owner, target->type));
  auto record = parse_record(target->owner, target->type, use_ttl, rdata, zone.name);
  collect(record, errors);
  if (record) {
    auto rules = check_record(zone.name, *at_owner, *record);
    errors.insert(errors.end(), rules.begin(), rules.end());
  }
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  return record;
}

// The rows a delete names: the RRset, or only the record whose rdata matches.
Result<std::vector<RecordRow>> matching_records(Db& db, const ZoneInfo& zone,
                                                const RecordTarget& target,
                                                std::optional<std::string_view> rdata) {
  auto rrset = rows::select_records(db, zone.id, {target.owner, target.type});
  if (!rrset || !rdata) return rrset;
  auto wanted = parse_record(target.owner, target.type, 0, *rdata, zone.name);
  if (!wanted) return std::unexpected(wanted.error());
  std::vector<RecordRow> matched;
  for (RecordRow& r : *rrset) {
    if (r.rdata_wire == wanted->rdata_wire) matched.push_back(std::move(r));
  }
  return matched;
}

// RFC 1034 4.2.1: a zone without NS at its apex cannot be delegated to.
Result<void> keeps_apex_ns(Db& db, const ZoneInfo& zone, const RecordTarget& target,
                           size_t deleting) {
  if (target.type != LDNS_RR_TYPE_NS || target.owner != zone.name) return {};
  auto all_ns = rows::select_records(db, zone.id, {zone.name, LDNS_RR_TYPE_NS});
  if (!all_ns) return std::unexpected(all_ns.error());
  if (all_ns->size() > deleting) return {};
  return fail(ErrorCode::kConflict, "record",
              "the zone must keep at least one NS record at its apex " + zone.name);
}

// A static record must not take a service's name (CNAME, A, AAAA) or cut it off from the
// zone (NS below the apex, DNAME above it).
Result<void> keeps_services(Db& db, const ZoneInfo& zone, const RecordRow& record) {
  auto names = gslb::service_names(db, zone.id);
  if (!names) return std::unexpected(names.error());
  std::vector<Error> errors;
  for (const std::string& name : *names) {
    if (!in_zone(name, record.owner)) continue;
    std::string problem = gslb::record_problem(name, zone.name, record);
    if (!problem.empty()) {
      errors.push_back(
          {ErrorCode::kConflict, "record", "conflicts with service " + name + ": " + problem});
    }
  }
  if (errors.empty()) return {};
  return std::unexpected(join_errors(errors));
}

std::string not_found_message(const RecordTarget& target, std::optional<std::string_view> rdata) {
  std::string what = target.owner + " " + type_name(target.type);
  if (rdata) return "no record " + what + " " + std::string(*rdata);
  return "no " + what + " records";
}

}  // namespace

Result<RecordRow> Store::add_record(std::string_view zone_name, std::string_view owner,
                                    std::string_view type, std::optional<int64_t> ttl,
                                    std::string_view rdata, std::string_view actor) {
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto zone = rows::require_zone(db_, zone_name);
  if (!zone) return std::unexpected(zone.error());
  auto record = build_record(db_, *zone, owner, type, ttl, rdata);
  if (!record) return record;
  if (auto ok = keeps_services(db_, *zone, *record); !ok) return std::unexpected(ok.error());
  auto id = rows::insert_record(db_, zone->id, *record);
  if (!id) return std::unexpected(id.error());
  record->id = *id;
  if (auto serial = rows::bump_serial(db_, *zone); !serial) {
    return std::unexpected(serial.error());
  }
  RecordTarget target{record->owner, record->type};
  auto logged =
      rows::audit(db_, actor, "record.add", record_object(target), "", record_json(*record).dump());
  if (!logged) return std::unexpected(logged.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return record;
}

Result<int64_t> Store::delete_records(std::string_view zone_name, std::string_view owner,
                                      std::string_view type, std::optional<std::string_view> rdata,
                                      std::string_view actor) {
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto zone = rows::require_zone(db_, zone_name);
  if (!zone) return std::unexpected(zone.error());
  std::vector<Error> errors;
  auto target = parse_target(*zone, owner, type, errors);
  if (!target) return std::unexpected(join_errors(errors));
  auto matched = matching_records(db_, *zone, *target, rdata);
  if (!matched) return std::unexpected(matched.error());
  if (matched->empty()) {
    return fail(ErrorCode::kNotFound, "record", not_found_message(*target, rdata));
  }
  if (auto ok = keeps_apex_ns(db_, *zone, *target, matched->size()); !ok) {
    return std::unexpected(ok.error());
  }
  for (const RecordRow& r : *matched) {
    if (auto ok = rows::delete_record(db_, r.id); !ok) return std::unexpected(ok.error());
  }
  if (auto serial = rows::bump_serial(db_, *zone); !serial) {
    return std::unexpected(serial.error());
  }
  auto logged = rows::audit(db_, actor, "record.delete", record_object(*target),
                            records_json(*matched).dump(), "");
  if (!logged) return std::unexpected(logged.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return static_cast<int64_t>(matched->size());
}

Result<std::vector<RecordRow>> Store::list_records(std::string_view zone_name,
                                                   std::optional<std::string_view> owner,
                                                   std::optional<std::string_view> type) {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  auto zone = rows::require_zone(db_, zone_name);
  if (!zone) return std::unexpected(zone.error());
  std::vector<Error> errors;
  rows::RecordFilter filter;
  if (owner) {
    auto o = canonical_name(*owner, zone->name, "record.owner");
    collect(o, errors);
    if (o) filter.owner = *o;
  }
  if (type) {
    // Listing may name any type, even one that cannot be added.
    uint16_t t = ldns_get_rr_type_by_name(std::string(*type).c_str());
    if (t == 0)
      errors.push_back(
          {ErrorCode::kInvalid, "record.type", "unknown type \"" + std::string(*type) + "\""});
    filter.type = t;
  }
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  auto records = rows::select_records(db_, zone->id, filter);
  if (records) sort_canonical(*records);
  return records;
}

}  // namespace zones
