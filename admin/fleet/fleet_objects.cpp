// The configuration as etcd objects (see fleet_objects.h).
#include "admin/fleet/fleet_objects.h"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "admin/config_file.h"
#include "admin/fleet/fleet_keys.h"
#include "zones/drills.h"
#include "zones/gslb_json.h"
#include "zones/gslb_store.h"
#include "zones/store.h"
#include "zones/zonefile.h"

namespace admin::fleet {
namespace {

using json = nlohmann::json;
using zones::ErrorCode;

// A drill as every node agrees on it: expiry is each node's own doing, an abort is shared.
json drill_object(const zones::Drill& drill) {
  zones::Drill shared = drill;
  if (shared.end_reason != zones::DrillEndReason::kAborted) {
    shared.ended_at_ms.reset();
    shared.end_reason.reset();
  }
  json j = zones::drill_json(shared, false);
  j.erase("duration");  // derived
  return j;
}

zones::Result<void> export_gslb(zones::Db& db, Objects& out) {
  auto config = zones::GslbStore(db).load();
  if (!config) return std::unexpected(config.error());
  for (const auto& monitor : config->monitors)
    out[object_key("monitor", monitor.name)] = zones::gslb_json(monitor).dump();
  for (const auto& region : config->regions)
    out[object_key("region", region.name)] = zones::gslb_json(region).dump();
  for (const auto& pool : config->pools)
    out[object_key("pool", pool.name)] = zones::gslb_json(pool).dump();
  for (const auto& service : config->services)
    out[object_key("service", service.name)] = zones::gslb_json(service).dump();
  if (!config->overrides.empty()) {
    json list = json::array();
    for (const auto& override_ : config->overrides) list.push_back(zones::gslb_json(override_));
    out[std::string(kConfigDir) + "overrides"] = list.dump();
  }
  return {};
}

// The kind of a config key ("pool" for "config/pool/x"), "" for others.
std::string kind_of(const std::string& key) {
  if (!key.starts_with(kConfigDir)) return "";
  const std::string rest = key.substr(kConfigDir.size());
  return rest.substr(0, rest.find('/'));
}

// Which key each list item of the assembled document came from ("pools[2]" -> its key).
using ItemKeys = std::map<std::string, std::string>;

// "pools[2].region: ..." -> "config/pool/eu.region: ...": problems named by etcd key.
zones::Error named_by_key(zones::Error error, const ItemKeys& keys) {
  for (const auto& [item, key] : keys) {
    for (std::string* text : {&error.where, &error.message}) {
      for (size_t at = text->find(item); at != std::string::npos; at = text->find(item, at)) {
        text->replace(at, item.size(), key);
        at += key.size();
      }
    }
  }
  return error;
}

// The config document the objects make, as `gslbadm apply` reads it.
zones::Result<ConfigFile> parse_objects(const Objects& objects, ItemKeys& keys) {
  static const std::map<std::string, std::string> kLists = {{"zone", "zones"},
                                                            {"monitor", "monitors"},
                                                            {"region", "regions"},
                                                            {"pool", "pools"},
                                                            {"service", "services"}};
  json doc = json::object();
  for (const auto& [key, value] : objects) {
    const std::string kind = kind_of(key);
    if (kind == "drill" || kind == "_write" || kind.empty()) continue;
    json parsed = json::parse(value, nullptr, false);
    if (parsed.is_discarded())
      return zones::fail(ErrorCode::kInvalid, key, "the stored object is not JSON");
    if (kind == "overrides") {
      doc["overrides"] = std::move(parsed);
      continue;
    }
    auto list = kLists.find(kind);
    if (list == kLists.end())
      return zones::fail(ErrorCode::kInvalid, key, "unknown kind of object \"" + kind + "\"");
    json& items = doc[list->second];
    keys[list->second + "[" + std::to_string(items.size()) + "]"] = key;
    items.push_back(std::move(parsed));
  }
  auto parsed = parse_config(doc.dump(), ConfigFormat::kJson, "", "etcd");
  if (!parsed) return std::unexpected(named_by_key(parsed.error(), keys));
  return parsed;
}

zones::Result<void> delete_other_zones(zones::Db& db, const std::vector<zones::ZoneContent>& keep,
                                       std::string_view actor) {
  std::set<std::string> kept;
  for (const auto& zone : keep) kept.insert(zone.info.name);
  zones::Store store(db);
  auto stored = store.list_zones();
  if (!stored) return std::unexpected(stored.error());
  for (const auto& zone : *stored) {
    if (kept.contains(zone.info.name)) continue;
    if (auto ok = store.delete_zone(zone.info.name, actor); !ok) return ok;
  }
  return {};
}

zones::Result<void> replicate_drills(zones::Db& db, const Objects& objects, std::string_view actor,
                                     int64_t now_ms) {
  zones::DrillStore drills(db);
  for (const auto& [key, value] : objects) {
    if (kind_of(key) != "drill") continue;
    auto drill = zones::drill_from_json(json::parse(value, nullptr, false));
    if (!drill) {
      zones::Error error = drill.error();
      error.message = key + ": " + error.text();
      error.where = "etcd";
      return std::unexpected(error);
    }
    if (auto ok = drills.replicate(*drill, now_ms, actor); !ok) return ok;
  }
  return {};
}

}  // namespace

zones::Result<Objects> export_objects(zones::Db& db) {
  auto tx = zones::Transaction::begin(db, zones::TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  Objects out;
  auto zone_list = zones::Store(db).load_zones();
  if (!zone_list) return std::unexpected(zone_list.error());
  for (const auto& zone : *zone_list) {
    out[object_key("zone", zone.info.name)] =
        json{{"name", zone.info.name}, {"content", zones::format_zone(zone)}}.dump();
  }
  if (auto ok = export_gslb(db, out); !ok) return std::unexpected(ok.error());
  auto drills = zones::DrillStore(db).list(std::numeric_limits<int64_t>::max());
  if (!drills) return std::unexpected(drills.error());
  for (const auto& drill : *drills)
    out[object_key("drill", std::to_string(drill.id))] = drill_object(drill).dump();
  return out;
}

zones::Result<void> materialize(zones::Db& db, const Objects& objects, std::string_view actor,
                                int64_t now_ms) {
  ItemKeys keys;
  auto config = parse_objects(objects, keys);
  if (!config) return std::unexpected(config.error());
  auto tx = zones::Transaction::begin(db, zones::TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  zones::ApplyOptions options;
  options.prune = true;
  auto applied = zones::GslbStore(db).apply(config->gslb, options, actor, config->zones);
  if (!applied) return std::unexpected(named_by_key(applied.error(), keys));
  if (auto ok = delete_other_zones(db, config->zones, actor); !ok) return ok;
  if (auto ok = replicate_drills(db, objects, actor, now_ms); !ok) return ok;
  return tx->commit();
}

}  // namespace admin::fleet
