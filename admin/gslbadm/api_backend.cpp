// gslbd's admin API as gslbadm's backend (--api; see backend.h). GSLB objects are read
// with the list routes and parsed by the config file parser, the command's Edit runs on
// that copy, and only what it changed is written back, each request atomic on the server
// (the API validates the result whole, as the store does for --db, and audits it under the
// token's name): new objects are POSTed, gone ones DELETEd, a changed object is PATCHed
// with a merge patch (RFC 7396) of just its changed keys, a pool's members go one by one
// through the member routes and a service's geo map alone through its own route. So two
// commands editing different fields or members of one object at once both land. Objects
// go in dependency order (monitors and regions before the pools using them, deletes of
// users before what they use). Zones, records, apply and export map one to one onto their
// routes.
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>

#include "admin/config_file.h"
#include "admin/config_tree.h"
#include "admin/gslbadm/backend.h"
#include "zones/gslb_json.h"
#include "zones/zonefile.h"

namespace gslbadm {
namespace {

using nlohmann::json;

// A GSLB object kind: its list in the config file and the API, and where it lives.
template <typename T>
struct Kind {
  const char* list;
  std::vector<T> zones::GslbConfig::*items;
};

constexpr Kind<zones::Monitor> kMonitors{"monitors", &zones::GslbConfig::monitors};
constexpr Kind<zones::Region> kRegions{"regions", &zones::GslbConfig::regions};
constexpr Kind<zones::Pool> kPools{"pools", &zones::GslbConfig::pools};
constexpr Kind<zones::Service> kServices{"services", &zones::GslbConfig::services};

template <typename T>
std::map<std::string, json> by_name(const std::vector<T>& items) {
  std::map<std::string, json> out;
  for (const T& item : items) out.emplace(item.name, zones::gslb_json(item));
  return out;
}

std::map<std::string, json> by_network(const std::vector<zones::CidrOverride>& items) {
  std::map<std::string, json> out;
  for (const zones::CidrOverride& o : items) out.emplace(o.network, zones::gslb_json(o));
  return out;
}

std::map<std::string, json> by_address(const json& members) {
  std::map<std::string, json> out;
  for (const json& member : members) out.emplace(member.value("address", ""), member);
  return out;
}

// The RFC 7396 merge patch that turns `from` into `to`: changed and new keys, removed ones
// as null, nested objects patched key by key, anything else (lists too) replaced whole.
json merge_patch(const json& from, const json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  json patch = json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    const auto was = from.find(key);
    if (was == from.end()) {
      patch[key] = value;
    } else if (*was != value) {
      patch[key] = merge_patch(*was, value);
    }
  }
  return patch;
}

// Whether two pools' JSON hold the same members, in any order.
bool same_members(const json& a, const json& b) {
  return by_address(a.value("members", json::array())) ==
         by_address(b.value("members", json::array()));
}

std::optional<int64_t> optional_int(const json& value) {
  if (value.is_number()) return value.get<int64_t>();
  return std::nullopt;
}

std::string text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The document as POST /v1/apply takes it. gslbd reads no files for its callers, so zones
// given by `file:` are inlined as `content` and the document goes as JSON (whose lines the
// store's refusals then name); any other document goes as it was written.
ConfigSource inlined(const ConfigSource& source) {
  admin::ConfigTree tree = source.format == admin::ConfigFormat::kJson
                               ? admin::read_json_tree(source.text, source.name)
                               : admin::read_yaml_tree(source.text, source.name);
  if (!tree.root.is_object() || !tree.root.contains("zones") || !tree.root["zones"].is_array())
    return source;
  bool changed = false;
  for (json& zone : tree.root["zones"]) {
    if (!zone.is_object() || !zone.contains("file")) continue;
    std::filesystem::path path = zone["file"].get<std::string>();
    if (path.is_relative() && !source.base_dir.empty()) path = source.base_dir / path;
    zone["content"] = text_file(path);
    zone.erase("file");
    changed = true;
  }
  if (!changed) return source;
  return {tree.root.dump(2) + "\n", admin::ConfigFormat::kJson, source.name, ""};
}

zones::ChangeKind change_kind(const std::string& action) {
  if (action == "change") return zones::ChangeKind::kChange;
  if (action == "delete") return zones::ChangeKind::kDelete;
  return zones::ChangeKind::kCreate;
}

// An object of the plan as the store keeps it: JSON text, "" for none.
std::string object_text(const json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// admin::plan_json read back, for admin::format_plan and plan_json again.
zones::Plan plan_from_json(const json& j) {
  zones::Plan plan;
  for (const json& c : j.value("changes", json::array())) {
    plan.changes.push_back({change_kind(c.value("action", "")), c.value("object", ""),
                            c.value("fields", std::vector<std::string>{}),
                            object_text(c.value("before", json())),
                            object_text(c.value("after", json()))});
  }
  return plan;
}

class ApiBackend final : public Backend {
 public:
  explicit ApiBackend(ApiClient& api) : api_(api) {}

  zones::Result<Stored> load(bool with_health) override {
    Stored stored;
    auto config = fetch_config();
    if (!config) return std::unexpected(config.error());
    stored.config = std::move(*config);
    if (with_health) {
      if (auto health = fetch_health(stored); !health) return std::unexpected(health.error());
    }
    return stored;
  }

  zones::Result<zones::Plan> edit(const Edit& edit) override {
    auto current = fetch_config();
    if (!current) return std::unexpected(current.error());
    zones::GslbConfig desired = *current;
    if (auto edited = edit(desired); !edited) return std::unexpected(edited.error());
    zones::normalise_gslb(desired);
    zones::Plan plan = zones::plan_gslb(*current, desired);
    if (plan.empty()) return plan;
    if (auto written = write(*current, desired); !written) return std::unexpected(written.error());
    return plan;
  }

  zones::Result<admin::ExplainResult> explain(const admin::ExplainRequest& request) override {
    std::string path = "/v1/explain?name=" + escape(request.name) +
                       "&type=" + escape(request.type) + "&client=" + escape(request.client);
    if (request.ecs) path += "&ecs=" + escape(*request.ecs);
    auto answer = api_.get(path);
    if (!answer) return std::unexpected(answer.error());
    return explain_result(*answer);
  }

  zones::Result<json> start_drill(const zones::DrillSpec& spec) override {
    json body = {{"target", spec.target}, {"action", spec.action}, {"duration", spec.duration}};
    if (!spec.note.empty()) body["note"] = spec.note;
    if (spec.allow_total_outage) body["allow_total_outage"] = true;
    if (spec.dry_run) body["dry_run"] = true;
    return api_.call("POST", "/v1/drills", &body);
  }

  zones::Result<json> list_drills(int64_t limit) override {
    return api_.get("/v1/drills?limit=" + std::to_string(limit));
  }

  zones::Result<json> get_drill(int64_t id) override {
    return api_.get("/v1/drills/" + std::to_string(id));
  }

  zones::Result<json> abort_drill(int64_t id) override {
    return api_.call("POST", "/v1/drills/" + std::to_string(id) + "/abort");
  }

  zones::Result<json> audit(int64_t limit) override {
    return api_.get("/v1/audit?limit=" + std::to_string(limit));
  }

  zones::Result<json> create_zone(const ZoneSpec& z) override {
    json body = {{"name", z.name},
                 {"ns", z.ns},
                 {"ttl", z.ttl},
                 {"soa_ttl", z.soa_ttl},
                 {"refresh", z.soa.refresh},
                 {"retry", z.soa.retry},
                 {"expire", z.soa.expire},
                 {"minimum", z.soa.minimum}};
    if (!z.soa.mname.empty()) body["mname"] = z.soa.mname;
    if (!z.soa.rname.empty()) body["rname"] = z.soa.rname;
    return api_.call("POST", "/v1/zones", &body);
  }

  // Parsed here first, for the zone's name and the same messages as --db; PUT creates or
  // replaces it (POST would refuse a zone that exists).
  zones::Result<json> import_zone(const std::string& path, const std::string& origin) override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return zones::fail(zones::ErrorCode::kIo, path, "cannot open the zone file");
    const std::string text = text_file(path);
    std::optional<std::string_view> apex;
    if (!origin.empty()) apex = origin;
    auto zone = zones::parse_zone_text(text, path, apex);
    if (!zone) return std::unexpected(zone.error());
    const json body = {{"content", text}};
    return api_.call("PUT", "/v1/zones/" + escape(zone->info.name), &body);
  }

  zones::Result<json> list_zones() override { return api_.get("/v1/zones"); }

  zones::Result<json> get_zone(const std::string& name) override {
    return api_.get("/v1/zones/" + escape(name));
  }

  // The zone is read first for its name as stored ("Example.COM" deletes example.com.).
  zones::Result<std::string> delete_zone(const std::string& name) override {
    auto zone = get_zone(name);
    if (!zone) return std::unexpected(zone.error());
    const std::string apex = zone->value("name", name);
    if (auto gone = api_.call("DELETE", "/v1/zones/" + escape(apex)); !gone)
      return std::unexpected(gone.error());
    return apex;
  }

  zones::Result<std::string> zone_file(const std::string& name) override {
    return api_.call_text("GET", "/v1/zones/" + escape(name) + "/file");
  }

  zones::Result<json> list_records(const RecordSpec& f) override {
    std::string query;
    if (!f.owner.empty()) query += "&owner=" + escape(f.owner);
    if (!f.type.empty()) query += "&type=" + escape(f.type);
    if (!query.empty()) query[0] = '?';
    return api_.get(records_path(f.zone) + query);
  }

  zones::Result<json> add_record(const RecordSpec& r) override {
    json body = {{"owner", r.owner}, {"type", r.type}, {"rdata", r.rdata}};
    if (r.ttl) body["ttl"] = *r.ttl;
    return api_.call("POST", records_path(r.zone), &body);
  }

  zones::Result<int64_t> delete_records(const RecordSpec& r) override {
    std::string path =
        records_path(r.zone) + "?owner=" + escape(r.owner) + "&type=" + escape(r.type);
    if (!r.rdata.empty()) path += "&rdata=" + escape(r.rdata);
    auto deleted = api_.call("DELETE", path);
    if (!deleted) return std::unexpected(deleted.error());
    return deleted->value("deleted", int64_t{0});
  }

  // Parsed here first: a bad file gets the same messages as with --db, without a request.
  zones::Result<zones::Plan> apply(const ConfigSource& source,
                                   const zones::ApplyOptions& options) override {
    auto config = admin::parse_config(source.text, source.format, source.base_dir, source.name);
    if (!config) return std::unexpected(config.error());
    const ConfigSource sent = inlined(source);
    const bool json_format = sent.format == admin::ConfigFormat::kJson;
    const std::string path =
        std::string("/v1/apply?dry_run=") + (options.dry_run ? "true" : "false") +
        "&prune=" + (options.prune ? "true" : "false") +
        "&format=" + (json_format ? "json" : "yaml") + "&name=" + escape(sent.name);
    auto answer =
        api_.call_text("POST", path, &sent.text, json_format ? "application/json" : "text/yaml");
    if (!answer) return std::unexpected(answer.error());
    const json plan = json::parse(*answer, nullptr, false);
    if (!plan.is_object())
      return zones::fail(zones::ErrorCode::kInternal, kApiWhere,
                         "the admin API sent no plan for POST /v1/apply");
    return plan_from_json(plan);
  }

  zones::Result<std::string> export_config(admin::ConfigFormat format) override {
    const bool json_format = format == admin::ConfigFormat::kJson;
    return api_.call_text("GET",
                          std::string("/v1/export?format=") + (json_format ? "json" : "yaml"));
  }

 private:
  static std::string records_path(const std::string& zone) {
    return "/v1/zones/" + escape(zone) + "/records";
  }

  // The configuration as the store holds it: the four lists and the global overrides
  // (a service's own overrides come with the service), parsed as one config document.
  zones::Result<zones::GslbConfig> fetch_config() {
    json doc = json::object();
    for (const char* list : {kMonitors.list, kRegions.list, kPools.list, kServices.list}) {
      auto items = api_.get(std::string("/v1/") + list);
      if (!items) return std::unexpected(items.error());
      doc[list] = std::move(*items);
    }
    auto overrides = api_.get("/v1/overrides");
    if (!overrides) return std::unexpected(overrides.error());
    json global = json::array();
    for (json o : *overrides) {
      if (!o.value("service", json()).is_null()) continue;
      o.erase("service");
      global.push_back(std::move(o));
    }
    if (!global.empty()) doc["overrides"] = std::move(global);
    auto parsed = admin::parse_config(doc.dump(), admin::ConfigFormat::kJson, "", "admin API");
    if (!parsed) {
      return zones::fail(
          zones::ErrorCode::kInternal, kApiWhere,
          "cannot read the configuration the admin API sent: " + parsed.error().text());
    }
    return std::move(parsed->gslb);
  }

  // GET /v1/health back into the rows and heartbeats it was made of, so that the reading
  // commands judge health (age, staleness, quorum) by the same code as with --db.
  zones::Result<void> fetch_health(Stored& stored) {
    auto report = api_.get("/v1/health");
    if (!report) return std::unexpected(report.error());
    for (const json& member : report->value("members", json::array())) {
      for (const json& v : member.value("vantages", json::array())) {
        zones::HealthRow row;
        row.pool = member.value("pool", "");
        row.address = member.value("address", "");
        row.vantage = v.value("vantage", "");
        row.state =
            zones::parse_health_state(v.value("state", "")).value_or(zones::HealthState::kUnknown);
        row.rtt_us = optional_int(v.value("rtt_us", json()));
        row.rtt_ewma_us = optional_int(v.value("rtt_ewma_us", json()));
        if (v.value("load", json()).is_number()) row.load = v["load"].get<double>();
        row.checked_at_ms = v.value("checked_at_ms", int64_t{0});
        row.changed_at_ms = v.value("changed_at_ms", int64_t{0});
        row.reason = v.value("reason", "");
        stored.health.push_back(std::move(row));
      }
    }
    for (const json& v : report->value("vantages", json::array())) {
      stored.vantages.push_back({v.value("name", ""), v.value("seen_at_ms", int64_t{0}),
                                 v.value("started_at_ms", int64_t{0}), v.value("version", "")});
    }
    return {};
  }

  zones::Result<void> send(const std::string& method, const std::string& path,
                           const json* body = nullptr) {
    auto answer = api_.call(method, path, body);
    if (!answer) return std::unexpected(answer.error());
    return {};
  }

  // POST what is new; PATCH what differs with just its changed keys (see change()).
  template <typename T>
  zones::Result<void> upsert(const Kind<T>& kind, const zones::GslbConfig& current,
                             const zones::GslbConfig& desired) {
    const auto before = by_name(current.*kind.items);
    const std::string all = std::string("/v1/") + kind.list;
    for (const auto& [name, object] : by_name(desired.*kind.items)) {
      const auto was = before.find(name);
      if (was != before.end() && was->second == object) continue;
      auto sent = was == before.end() ? send("POST", all, &object)
                                      : change(kind, all + "/" + escape(name), was->second, object);
      if (!sent) return sent;
    }
    return {};
  }

  // A changed region, monitor or service: a merge patch of its changed keys; a service
  // whose geo map alone changed: that map through its own route.
  template <typename T>
  zones::Result<void> change(const Kind<T>&, const std::string& path, const json& before,
                             const json& after) {
    const json patch = merge_patch(before, after);
    if (patch.empty()) return {};
    if (std::is_same_v<T, zones::Service> && patch.size() == 1 && patch.contains("geo")) {
      const json body = {{"geo", after.value("geo", json::array())}};
      return send("PUT", path + "/geo", &body);
    }
    return send("PATCH", path, &patch);
  }

  // A changed pool: its members one by one (added, then changed with a merge patch of
  // their changed keys, then removed) and its own fields as a merge patch without them, so
  // that members others add or change meanwhile are kept. Members only put in another
  // order go as the pool's whole list.
  zones::Result<void> change(const Kind<zones::Pool>&, const std::string& path, const json& before,
                             const json& after) {
    json patch = merge_patch(before, after);
    if (patch.size() == 1 && patch.contains("members") && same_members(before, after))
      return send("PATCH", path, &patch);
    patch.erase("members");
    const auto old_members = by_address(before.value("members", json::array()));
    const auto new_members = by_address(after.value("members", json::array()));
    const std::string members = path + "/members";
    const json listed = after.value("members", json::array());  // in the pool's order
    for (const json& member : listed) {
      if (old_members.contains(member.value("address", ""))) continue;
      if (auto sent = send("POST", members, &member); !sent) return sent;
    }
    for (const json& member : listed) {
      const std::string address = member.value("address", "");
      const auto was = old_members.find(address);
      if (was == old_members.end() || was->second == member) continue;
      const json member_patch = merge_patch(was->second, member);
      if (auto sent = send("PATCH", members + "/" + escape(address), &member_patch); !sent)
        return sent;
    }
    if (!patch.empty()) {
      if (auto sent = send("PATCH", path, &patch); !sent) return sent;
    }
    for (const auto& [address, member] : old_members) {
      if (new_members.contains(address)) continue;
      if (auto sent = send("DELETE", members + "/" + escape(address)); !sent) return sent;
    }
    return {};
  }

  template <typename T>
  zones::Result<void> remove(const Kind<T>& kind, const zones::GslbConfig& current,
                             const zones::GslbConfig& desired) {
    const auto after = by_name(desired.*kind.items);
    for (const auto& [name, object] : by_name(current.*kind.items)) {
      if (after.contains(name)) continue;
      if (auto sent = send("DELETE", std::string("/v1/") + kind.list + "/" + escape(name)); !sent)
        return sent;
    }
    return {};
  }

  // Overrides have no PUT: a changed one is deleted and added again. The network stays
  // unescaped: the route takes the rest of the path ("10.0.0.0/8").
  zones::Result<void> write_overrides(const zones::GslbConfig& current,
                                      const zones::GslbConfig& desired) {
    const auto before = by_network(current.overrides), after = by_network(desired.overrides);
    for (const auto& [network, object] : before) {
      const auto now = after.find(network);
      if (now != after.end() && now->second == object) continue;
      if (auto sent = send("DELETE", "/v1/overrides/" + network); !sent) return sent;
    }
    for (const auto& [network, object] : after) {
      const auto was = before.find(network);
      if (was != before.end() && was->second == object) continue;
      if (auto sent = send("POST", "/v1/overrides", &object); !sent) return sent;
    }
    return {};
  }

  zones::Result<void> write(const zones::GslbConfig& current, const zones::GslbConfig& desired) {
    for (auto step : {
             std::function([&] { return upsert(kMonitors, current, desired); }),
             std::function([&] { return upsert(kRegions, current, desired); }),
             std::function([&] { return upsert(kPools, current, desired); }),
             std::function([&] { return upsert(kServices, current, desired); }),
             std::function([&] { return write_overrides(current, desired); }),
             std::function([&] { return remove(kServices, current, desired); }),
             std::function([&] { return remove(kPools, current, desired); }),
             std::function([&] { return remove(kRegions, current, desired); }),
             std::function([&] { return remove(kMonitors, current, desired); }),
         }) {
      if (auto done = step(); !done) return done;
    }
    return {};
  }

  static std::vector<std::string> strings(const json& j, const char* key) {
    std::vector<std::string> out;
    for (const json& s : j.value(key, json::array())) out.push_back(s.get<std::string>());
    return out;
  }

  // admin::explain_json read back, for admin::explain_text.
  static admin::ExplainResult explain_result(const json& j) {
    admin::ExplainResult r;
    r.question = j.value("question", "");
    r.rcode = j.value("rcode", "");
    r.authoritative = j.value("authoritative", false);
    r.answer = strings(j, "answer");
    r.authority = strings(j, "authority");
    if (j.contains("ecs_scope")) r.ecs_scope = j["ecs_scope"].get<int>();
    r.ttl = j.value("ttl", 0u);
    r.service = j.value("service", "");
    r.policy = j.value("policy", "");
    const json trace = j.value("trace", json::object());
    r.trace.location = trace.value("location", "");
    r.trace.location_source = trace.value("location_source", "");
    r.trace.members = strings(trace, "members");
    r.trace.rule = trace.value("rule", "");
    r.trace.notes = strings(trace, "notes");
    for (const json& p : trace.value("pools", json::array())) {
      server::TracePool pool;
      pool.pool = p.value("pool", "");
      pool.region = p.value("region", "");
      pool.state = p.value("state", "");
      pool.weight = p.value("weight", 0u);
      pool.priority = p.value("priority", 0);
      pool.chosen = p.value("chosen", false);
      pool.distance_km = p.value("distance_km", -1.0);
      pool.bias_km = p.value("bias_km", 0.0);
      pool.latency_ms = p.value("latency_ms", -1.0);
      pool.load = p.value("load", -1.0);
      r.trace.pools.push_back(std::move(pool));
    }
    return r;
  }

  ApiClient& api_;
};

}  // namespace

std::unique_ptr<Backend> make_api_backend(ApiClient& api) {
  return std::make_unique<ApiBackend>(api);
}

}  // namespace gslbadm
