// The difference between two GSLB states as object-level changes (see plan_gslb).
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "zones/gslb_internal.h"
#include "zones/gslb_json.h"

namespace zones::gslb {
namespace {

using nlohmann::json;

// A pool's own fields: its members are objects of their own.
json pool_json(const Pool& pool) {
  json j = gslb_json(pool);
  j.erase("members");
  return j;
}

// Fields are listed in the order the config file writes them.
const std::vector<std::string>& field_order(Kind kind) {
  static const std::vector<std::string> kMonitor(monitor_keys().begin(), monitor_keys().end());
  static const std::vector<std::string> kRegion{"name", "lat", "lon", "continent", "country"};
  static const std::vector<std::string> kPool{"name",        "region",      "monitor",
                                              "min_healthy", "admin_state", "member order"};
  static const std::vector<std::string> kMember{"address", "name", "weight", "admin_state"};
  static const std::vector<std::string> kService{
      "name",           "policy",       "ttl",      "degraded_ttl", "max_answers",
      "when_all_down",  "when_unknown", "fallback", "affinity",     "tolerance_ms",
      "load_threshold", "pools",        "geo",      "overrides"};
  static const std::vector<std::string> kOverride{"network", "region"};
  switch (kind) {
    case Kind::kMonitor:
      return kMonitor;
    case Kind::kRegion:
      return kRegion;
    case Kind::kPool:
      return kPool;
    case Kind::kMember:
      return kMember;
    case Kind::kService:
      return kService;
    case Kind::kOverride:
      return kOverride;
  }
  return kOverride;
}

// Fields the JSON leaves out while they hold their default (see gslb_json), with that
// default, so that a change reads "method: \"GET\" -> \"HEAD\"" rather than "(none)".
const json& omitted_defaults(Kind kind) {
  static const json kMonitor = [] {
    const Monitor m;
    return json{{"method", m.method},
                {"tls_verify", m.tls_verify},
                {"follow_redirects", m.follow_redirects},
                {"query_type", m.query_type},
                {"expect_rcode", m.expect_rcode},
                {"expect_answer", m.expect_answer},
                {"max_concurrent", m.max_concurrent}};
  }();
  static const json kService = json{{"when_unknown", to_string(Service{}.when_unknown)}};
  static const json kNone = json::object();
  switch (kind) {
    case Kind::kMonitor:
      return kMonitor;
    case Kind::kService:
      return kService;
    default:
      return kNone;
  }
}

std::string value_text(Kind kind, const json& object, const std::string& key) {
  if (auto it = object.find(key); it != object.end()) return it->dump();
  const json& defaults = omitted_defaults(kind);
  if (auto it = defaults.find(key); it != defaults.end()) return it->dump();
  return "(none)";
}

// "field: old -> new" for every field whose value differs.
std::vector<std::string> differing_fields(Kind kind, const json& before, const json& after) {
  std::vector<std::string> keys = field_order(kind);
  for (const json* side : {&before, &after}) {
    for (const auto& [key, value] : side->items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  std::vector<std::string> fields;
  for (const std::string& key : keys) {
    std::string old_text = value_text(kind, before, key);
    std::string new_text = value_text(kind, after, key);
    if (old_text != new_text) fields.push_back(key + ": " + old_text + " -> " + new_text);
  }
  return fields;
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::kMonitor:
      return "monitor";
    case Kind::kRegion:
      return "region";
    case Kind::kPool:
      return "pool";
    case Kind::kMember:
      return "member";
    case Kind::kService:
      return "service";
    case Kind::kOverride:
      return "override";
  }
  return "?";
}

class Planner {
 public:
  // A create or change (json differs) or nothing, for an object in `desired`.
  void upsert(Kind kind, std::string object, const json* before, const json& after, std::string key,
              std::string key2 = {}) {
    PlannedChange c;
    c.kind = kind;
    c.key = std::move(key);
    c.key2 = std::move(key2);
    c.change.object = std::move(object);
    c.change.after = after.dump();
    if (before == nullptr) {
      c.change.kind = ChangeKind::kCreate;
    } else {
      c.change.fields = differing_fields(kind, *before, after);
      if (c.change.fields.empty()) return;
      c.change.kind = ChangeKind::kChange;
      c.change.before = before->dump();
    }
    forward_.push_back(std::move(c));
  }

  void remove(Kind kind, std::string object, const json& before, std::string key,
              std::string key2 = {}) {
    PlannedChange c;
    c.kind = kind;
    c.key = std::move(key);
    c.key2 = std::move(key2);
    c.change.kind = ChangeKind::kDelete;
    c.change.object = std::move(object);
    c.change.before = before.dump();
    deletes_[static_cast<size_t>(kind)].push_back(std::move(c));
  }

  std::vector<PlannedChange> finish() {
    std::vector<PlannedChange> out = std::move(forward_);
    for (size_t k = deletes_.size(); k-- > 0;) {
      for (PlannedChange& c : deletes_[k]) out.push_back(std::move(c));
    }
    return out;
  }

 private:
  std::vector<PlannedChange> forward_;
  std::array<std::vector<PlannedChange>, 6> deletes_;
};

template <typename T>
std::map<std::string, const T*> by_name(const std::vector<T>& items) {
  std::map<std::string, const T*> out;
  for (const T& item : items) out.emplace(item.name, &item);
  return out;
}

// Named objects compared by their JSON, in name order.
template <typename T, typename ToJson>
void plan_named(Planner& planner, Kind kind, const std::vector<T>& current,
                const std::vector<T>& desired, ToJson to_json) {
  auto old_items = by_name(current);
  auto new_items = by_name(desired);
  std::set<std::string> names;
  for (const auto& [name, item] : old_items) names.insert(name);
  for (const auto& [name, item] : new_items) names.insert(name);
  for (const std::string& name : names) {
    std::string object = kind_name(kind) + "/" + name;
    auto was = old_items.find(name);
    auto now = new_items.find(name);
    if (now == new_items.end()) {
      planner.remove(kind, object, to_json(*was->second), name);
      continue;
    }
    if (was == old_items.end()) {
      planner.upsert(kind, object, nullptr, to_json(*now->second), name);
    } else {
      json before = to_json(*was->second);
      planner.upsert(kind, object, &before, to_json(*now->second), name);
    }
  }
}

// The addresses both lists hold, in each list's order.
std::pair<std::vector<std::string>, std::vector<std::string>> common_order(const Pool& a,
                                                                           const Pool& b) {
  std::set<std::string> in_a, in_b;
  for (const Member& m : a.members) in_a.insert(m.address);
  for (const Member& m : b.members) in_b.insert(m.address);
  std::pair<std::vector<std::string>, std::vector<std::string>> out;
  for (const Member& m : a.members) {
    if (in_b.contains(m.address)) out.first.push_back(m.address);
  }
  for (const Member& m : b.members) {
    if (in_a.contains(m.address)) out.second.push_back(m.address);
  }
  return out;
}

void plan_members(Planner& planner, const Pool* was, const Pool* now) {
  const std::string& pool = was ? was->name : now->name;
  auto object = [&](const Member& m) { return "member/" + pool + "/" + m.address; };
  std::map<std::string, const Member*> old_members;
  if (was) {
    for (const Member& m : was->members) old_members.emplace(m.address, &m);
  }
  std::set<std::string> kept;
  if (now) {
    for (const Member& m : now->members) {
      kept.insert(m.address);
      auto it = old_members.find(m.address);
      if (it == old_members.end()) {
        planner.upsert(Kind::kMember, object(m), nullptr, gslb_json(m), pool, m.address);
      } else {
        json before = gslb_json(*it->second);
        planner.upsert(Kind::kMember, object(m), &before, gslb_json(m), pool, m.address);
      }
    }
  }
  if (!was) return;
  for (const Member& m : was->members) {
    if (!kept.contains(m.address)) {
      planner.remove(Kind::kMember, object(m), gslb_json(m), pool, m.address);
    }
  }
}

void plan_pools(Planner& planner, const GslbConfig& current, const GslbConfig& desired) {
  // Pools first (their own fields), members after, so a new pool exists before its members.
  auto old_pools = by_name(current.pools);
  auto new_pools = by_name(desired.pools);
  plan_named(planner, Kind::kPool, current.pools, desired.pools, [&](const Pool& p) {
    json j = pool_json(p);
    auto was = old_pools.find(p.name);
    auto now = new_pools.find(p.name);
    if (was != old_pools.end() && now != new_pools.end()) {
      // The members' order is the pool's: shown only when members both sides hold moved.
      auto [old_order, new_order] = common_order(*was->second, *now->second);
      if (old_order != new_order) j["member order"] = &p == was->second ? old_order : new_order;
    }
    return j;
  });
  std::set<std::string> names;
  for (const auto& [name, pool] : old_pools) names.insert(name);
  for (const auto& [name, pool] : new_pools) names.insert(name);
  for (const std::string& name : names) {
    auto was = old_pools.find(name);
    auto now = new_pools.find(name);
    plan_members(planner, was == old_pools.end() ? nullptr : was->second,
                 now == new_pools.end() ? nullptr : now->second);
  }
}

void plan_overrides(Planner& planner, const std::vector<CidrOverride>& current,
                    const std::vector<CidrOverride>& desired) {
  std::map<std::string, const CidrOverride*> old_items;
  for (const CidrOverride& o : current) old_items.emplace(o.network, &o);
  std::set<std::string> kept;
  for (const CidrOverride& o : desired) {
    kept.insert(o.network);
    auto it = old_items.find(o.network);
    json before = it == old_items.end() ? json() : gslb_json(*it->second);
    planner.upsert(Kind::kOverride, "override/" + o.network,
                   it == old_items.end() ? nullptr : &before, gslb_json(o), o.network);
  }
  for (const CidrOverride& o : current) {
    if (!kept.contains(o.network)) {
      planner.remove(Kind::kOverride, "override/" + o.network, gslb_json(o), o.network);
    }
  }
}

}  // namespace

std::string action_of(Kind kind, ChangeKind change) {
  const char* verb = change == ChangeKind::kCreate   ? "create"
                     : change == ChangeKind::kChange ? "change"
                                                     : "delete";
  return kind_name(kind) + "." + verb;
}

std::vector<PlannedChange> plan(const GslbConfig& current, const GslbConfig& desired) {
  Planner planner;
  plan_named(planner, Kind::kMonitor, current.monitors, desired.monitors,
             [](const Monitor& m) { return gslb_json(m); });
  plan_named(planner, Kind::kRegion, current.regions, desired.regions,
             [](const Region& r) { return gslb_json(r); });
  plan_pools(planner, current, desired);
  plan_named(planner, Kind::kService, current.services, desired.services,
             [](const Service& s) { return gslb_json(s); });
  plan_overrides(planner, current.overrides, desired.overrides);
  return planner.finish();
}

}  // namespace zones::gslb

namespace zones {

Plan plan_gslb(const GslbConfig& current, const GslbConfig& desired) {
  Plan out;
  for (gslb::PlannedChange& c : gslb::plan(current, desired)) {
    out.changes.push_back(std::move(c.change));
  }
  return out;
}

}  // namespace zones
