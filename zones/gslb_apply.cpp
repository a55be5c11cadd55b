// GslbStore::apply: zones first, then the merged desired state validated whole, planned and
// written, all in one transaction (see gslb_store.h).
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "zones/gslb_internal.h"
#include "zones/json.h"
#include "zones/records.h"
#include "zones/serial.h"
#include "zones/store_rows.h"
#include "zones/validate.h"

namespace zones {
namespace {

// `wanted` first, in its order (so errors carry the caller's indices), then the stored
// objects it does not name, labelled by name.
template <typename T>
std::vector<T> merged(const std::vector<T>& stored, const std::vector<T>& wanted,
                      std::vector<std::string>& labels) {
  std::set<std::string> named;
  std::vector<T> out = wanted;
  for (size_t i = 0; i < wanted.size(); ++i) {
    named.insert(wanted[i].name);
    labels.push_back(std::to_string(i));
  }
  for (const T& item : stored) {
    if (named.contains(item.name)) continue;
    out.push_back(item);
    labels.push_back(item.name);
  }
  return out;
}

// Global overrides merge by network: stored order, replaced in place, new ones appended.
std::vector<CidrOverride> merged_overrides(const std::vector<CidrOverride>& stored,
                                           const std::vector<CidrOverride>& wanted,
                                           std::vector<std::string>& labels) {
  std::map<std::string, size_t> wanted_at;
  for (size_t i = 0; i < wanted.size(); ++i) wanted_at.emplace(wanted[i].network, i);
  std::vector<CidrOverride> out;
  std::set<size_t> used;
  for (const CidrOverride& o : stored) {
    auto it = wanted_at.find(o.network);
    if (it == wanted_at.end()) {
      out.push_back(o);
      labels.push_back(o.network);
    } else {
      out.push_back(wanted[it->second]);
      labels.push_back(std::to_string(it->second));
      used.insert(it->second);
    }
  }
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (used.contains(i)) continue;
    out.push_back(wanted[i]);
    labels.push_back(std::to_string(i));
  }
  return out;
}

GslbConfig merge(const GslbConfig& stored, const GslbConfig& wanted, gslb::PathLabels& labels) {
  GslbConfig out;
  out.monitors = merged(stored.monitors, wanted.monitors, labels.monitors);
  out.regions = merged(stored.regions, wanted.regions, labels.regions);
  out.pools = merged(stored.pools, wanted.pools, labels.pools);
  out.services = merged(stored.services, wanted.services, labels.services);
  out.overrides = merged_overrides(stored.overrides, wanted.overrides, labels.overrides);
  return out;
}

nlohmann::json zone_summary(const ZoneInfo& info, size_t records) {
  nlohmann::json j = zone_json(info);
  j["record_count"] = records;
  return j;
}

bool same_records(std::vector<RecordRow> a, std::vector<RecordRow> b) {
  if (a.size() != b.size()) return false;
  sort_canonical(a);
  sort_canonical(b);
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].owner != b[i].owner || a[i].type != b[i].type || a[i].ttl != b[i].ttl ||
        a[i].rdata_wire != b[i].rdata_wire) {
      return false;
    }
  }
  return true;
}

// The change importing `zone` makes to `stored` (nullptr: a new zone), if any.
std::optional<Change> zone_change(const ZoneContent* stored, const ZoneContent& zone) {
  Change c;
  c.object = "zone/" + zone.info.name;
  if (stored == nullptr) {
    c.kind = ChangeKind::kCreate;
    c.after = zone_summary(zone.info, zone.records.size()).dump();
    return c;
  }
  const SoaFields& a = stored->info.soa;
  const SoaFields& b = zone.info.soa;
  auto field = [&](const char* name, const auto& old_value, const auto& new_value) {
    if (old_value != new_value) {
      c.fields.push_back(std::string(name) + ": " + nlohmann::json(old_value).dump() + " -> " +
                         nlohmann::json(new_value).dump());
    }
  };
  field("mname", a.mname, b.mname);
  field("rname", a.rname, b.rname);
  field("refresh", a.refresh, b.refresh);
  field("retry", a.retry, b.retry);
  field("expire", a.expire, b.expire);
  field("minimum", a.minimum, b.minimum);
  field("soa_ttl", stored->info.soa_ttl, zone.info.soa_ttl);
  field("default_ttl", stored->info.default_ttl, zone.info.default_ttl);
  if (!same_records(stored->records, zone.records)) {
    c.fields.push_back("records: " + std::to_string(stored->records.size()) + " -> " +
                       std::to_string(zone.records.size()));
  }
  // A file whose serial moved forward is a change even when nothing else did.
  if (c.fields.empty() && !serial_newer(b.serial, a.serial)) return std::nullopt;
  ZoneInfo after = zone.info;
  after.soa.serial = import_serial(b.serial, a.serial);
  c.fields.push_back("serial: " + std::to_string(a.serial) + " -> " +
                     std::to_string(after.soa.serial));
  c.kind = ChangeKind::kChange;
  c.before = zone_summary(stored->info, stored->records.size()).dump();
  c.after = zone_summary(after, zone.records.size()).dump();
  return c;
}

}  // namespace

Result<Plan> GslbStore::apply(const GslbConfig& desired, const ApplyOptions& options,
                              std::string_view actor, const std::vector<ZoneContent>& zones) {
  auto tx = Transaction::begin(db_, options.dry_run ? TxMode::kRead : TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  return apply_locked(desired, options, actor, zones, *tx);
}

Result<Plan> GslbStore::edit(const std::function<Result<void>(GslbConfig&)>& change,
                             const ApplyOptions& options, std::string_view actor) {
  // The write lock is taken before reading, so no other writer can slip in
  // between the read and the write and have its change undone.
  auto tx = Transaction::begin(db_, options.dry_run ? TxMode::kRead : TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto config = gslb::load_config(db_);
  if (!config) return std::unexpected(config.error());
  if (auto changed = change(*config); !changed) return std::unexpected(changed.error());
  ApplyOptions whole = options;
  whole.prune = true;
  return apply_locked(*config, whole, actor, {}, *tx);
}

Result<Plan> GslbStore::apply_locked(const GslbConfig& desired, const ApplyOptions& options,
                                     std::string_view actor, const std::vector<ZoneContent>& zones,
                                     Transaction& tx) {
  std::vector<Error> errors;

  // The zones as they will be: stored ones, with those given replaced or added.
  auto view = rows::load_all_zones(db_);
  if (!view) return std::unexpected(view.error());
  std::vector<ZoneContent> imports;
  std::vector<Change> zone_changes;
  std::set<std::string> given;
  for (size_t i = 0; i < zones.size(); ++i) {
    const std::string where = "zones[" + std::to_string(i) + "]";
    auto zone = rows::checked_zone(zones[i]);
    if (!zone) {
      errors.push_back({ErrorCode::kInvalid, where, zone.error().text()});
      continue;
    }
    if (!given.insert(zone->info.name).second) {
      errors.push_back({ErrorCode::kInvalid, where, "zone " + zone->info.name + " given twice"});
      continue;
    }
    auto stored = std::find_if(view->begin(), view->end(), [&](const ZoneContent& z) {
      return z.info.name == zone->info.name;
    });
    auto change = zone_change(stored == view->end() ? nullptr : &*stored, *zone);
    if (!change) continue;
    zone_changes.push_back(std::move(*change));
    imports.push_back(*zone);
    if (stored == view->end()) {
      view->push_back(std::move(*zone));
    } else {
      stored->records = std::move(zone->records);
      stored->info.soa = zone->info.soa;
    }
  }

  auto current = gslb::load_config(db_);
  if (!current) return std::unexpected(current.error());
  GslbConfig wanted = desired;
  normalise_gslb(wanted);
  gslb::PathLabels labels;
  GslbConfig effective = options.prune ? std::move(wanted) : merge(*current, wanted, labels);
  gslb::ValidateContext context{&labels, &*current};
  auto problems = gslb::validate(effective, *view, context);
  errors.insert(errors.end(), problems.begin(), problems.end());
  if (!errors.empty()) return std::unexpected(join_errors(errors));

  auto planned = gslb::plan(*current, effective);
  Plan plan;
  plan.changes = std::move(zone_changes);
  for (const gslb::PlannedChange& c : planned) plan.changes.push_back(c.change);
  if (options.dry_run || plan.empty()) return plan;

  for (ZoneContent& zone : imports) {
    if (auto ok = rows::import_zone(db_, std::move(zone), actor); !ok) {
      return std::unexpected(ok.error());
    }
  }
  auto infos = rows::all_zones(db_);
  if (!infos) return std::unexpected(infos.error());
  if (auto ok = gslb::write_changes(db_, planned, effective, *infos, actor); !ok) {
    return std::unexpected(ok.error());
  }
  if (!imports.empty()) {
    if (auto ok = gslb::rehome_services(db_); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  return plan;
}

}  // namespace zones
