// Zones and their static records, through zones::Store (validated, serial bumped, audited as
// the request's actor), as `gslbadm zone` and `gslbadm record` do; a zone's file in (PUT, as
// `zone import`) and out (GET .../file, as `zone export`).
#include <algorithm>
#include <optional>
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "zones/json.h"
#include "zones/store.h"
#include "zones/validate.h"
#include "zones/zonefile.h"

namespace admin::api {
namespace {

using nlohmann::json;

// What POST /v1/zones takes: the SOA fields as `gslbadm zone add` takes them, or the zone
// file's text as `gslbadm zone import` does.
struct ZoneBody {
  std::string name;
  std::vector<std::string> ns;
  zones::SoaFields soa;
  uint32_t ttl = 3600, soa_ttl = 3600;
  std::optional<std::string> content;
};

constexpr std::string_view kZoneKeys[] = {"name",   "ns",      "mname",   "rname",
                                          "ttl",    "soa_ttl", "refresh", "retry",
                                          "expire", "minimum", "content"};

// Every problem of the body, each naming its key (as the config parser would).
class ZoneReader {
 public:
  explicit ZoneReader(const json& body) : body_(body) {}

  zones::Result<ZoneBody> read() {
    for (const auto& [key, value] : body_.items()) {
      if (std::find(std::begin(kZoneKeys), std::end(kZoneKeys), key) == std::end(kZoneKeys))
        problem(key, "unknown key");
    }
    ZoneBody zone;
    text("name", zone.name, true);
    text("mname", zone.soa.mname, false);
    text("rname", zone.soa.rname, false);
    names("ns", zone.ns);
    seconds("ttl", zone.ttl);
    seconds("soa_ttl", zone.soa_ttl);
    seconds("refresh", zone.soa.refresh);
    seconds("retry", zone.soa.retry);
    seconds("expire", zone.soa.expire);
    seconds("minimum", zone.soa.minimum);
    if (body_.contains("content")) text("content", zone.content.emplace(), true);
    if (!zone.content && zone.ns.empty()) problem("ns", "give the name servers, or \"content\"");
    if (!errors_.empty()) return std::unexpected(zones::join_errors(errors_));
    return zone;
  }

 private:
  void problem(const std::string& key, const std::string& message) {
    errors_.push_back({zones::ErrorCode::kInvalid, key, message});
  }
  void text(const char* key, std::string& out, bool required) {
    auto it = body_.find(key);
    if (it == body_.end()) {
      if (required) problem(key, "required");
    } else if (!it->is_string()) {
      problem(key, "expected a string");
    } else {
      out = it->get<std::string>();
    }
  }
  void names(const char* key, std::vector<std::string>& out) {
    auto it = body_.find(key);
    if (it == body_.end()) return;
    if (!it->is_array()) return problem(key, "expected a list of names");
    for (const json& name : *it) {
      if (!name.is_string()) return problem(key, "expected a list of names");
      out.push_back(name.get<std::string>());
    }
  }
  // Seconds as a number or a string, read by the same rule as gslbadm's flags (parse_ttl).
  void seconds(const char* key, uint32_t& out) {
    auto it = body_.find(key);
    if (it == body_.end()) return;
    const std::string value = it->is_string() ? it->get<std::string>() : it->dump();
    auto parsed = zones::parse_ttl(value, key);
    if (!parsed) return errors_.push_back(parsed.error());
    out = *parsed;
  }

  const json& body_;
  std::vector<zones::Error> errors_;
};

// The store names the fields it refuses as "record.rdata", "zone.mname"; the bodies call
// them "rdata", "mname" (and the zone's default TTL "ttl", as `gslbadm zone add --ttl`).
// Places that are not fields ("zone", "content:3") go into the message.
ApiResponse store_refusal(const zones::Error& error) {
  zones::Error named = error;
  if (named.where.starts_with("record.") || named.where.starts_with("zone.")) {
    named.where = named.where.substr(named.where.find('.') + 1);
    if (named.where == "default_ttl") named.where = "ttl";
  } else if (!named.where.empty()) {
    named.message = named.text();
    named.where.clear();
  }
  return error_response(named);
}

json zone_summary(const zones::ZoneInfo& zone, int64_t record_count) {
  json j = zones::zone_json(zone);
  j["record_count"] = record_count;
  return j;
}

ApiResponse list_zones(const ApiContext& context) {
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  auto zones = zones::Store(*db).list_zones();
  if (!zones) return store_refusal(zones.error());
  json list = json::array();
  for (const auto& z : *zones) list.push_back(zone_summary(z.info, z.record_count));
  return json_response(200, std::move(list));
}

ApiResponse get_zone(const ApiContext& context, const std::string& name, int status) {
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::Store store(*db);
  auto zone = store.get_zone(name);
  if (!zone) return store_refusal(zone.error());
  auto count = store.count_records(name);
  if (!count) return store_refusal(count.error());
  return json_response(status, zone_summary(*zone, *count));
}

zones::Result<zones::ZoneInfo> create_zone(zones::Store& store, const ZoneBody& body,
                                           const std::string& actor) {
  if (!body.content)
    return store.create_zone(body.name, body.soa, body.soa_ttl, body.ttl, body.ns, actor);
  auto content = zones::parse_zone_text(*body.content, "content", body.name);
  if (!content) return std::unexpected(content.error());
  return store.replace_zone(*content, actor);
}

ApiResponse post_zone(const ApiContext& context, const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  auto zone = ZoneReader(*body).read();
  if (!zone) return error_response(zone.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::Store store(*db);
  // Import replaces a zone; a POST creates one, so an existing zone is a conflict.
  if (store.get_zone(zone->name))
    return error_response(409, "zone/" + zone->name + ": already exists");
  auto created = create_zone(store, *zone, request.actor);
  if (!created) return store_refusal(created.error());
  written(context);
  return get_zone(context, created->name, 201);
}

ApiResponse delete_zone(const ApiContext& context, const ApiRequest& request) {
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  const std::string name = param(request, "zone");
  if (auto ok = zones::Store(*db).delete_zone(name, request.actor); !ok)
    return store_refusal(ok.error());
  written(context);
  return json_response(200, {{"deleted", "zone/" + name}});
}

// {"content": zone file text}: creates the zone or replaces its SOA and records, as `gslbadm
// zone import` does (POST refuses a zone that exists). The path names the zone, the $ORIGIN.
ApiResponse put_zone(const ApiContext& context, const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  for (const auto& [key, value] : body->items()) {
    if (key != "content") return error_response(400, "unknown key", key);
  }
  if (!body->contains("content") || !(*body)["content"].is_string())
    return error_response(400, "required, a string: the zone file's text", "content");
  const std::string name = param(request, "zone");
  auto content = zones::parse_zone_text((*body)["content"].get<std::string>(), "content", name);
  if (!content) return store_refusal(content.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::Store store(*db);
  const bool existed = store.get_zone(content->info.name).has_value();
  auto replaced = store.replace_zone(*content, request.actor);
  if (!replaced) return store_refusal(replaced.error());
  written(context);
  return get_zone(context, replaced->name, existed ? 200 : 201);
}

// The zone as a zone file, as `gslbadm zone export` writes it.
ApiResponse zone_file(const ApiContext& context, const ApiRequest& request) {
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  auto zone = zones::Store(*db).load_zone(param(request, "zone"));
  if (!zone) return store_refusal(zone.error());
  ApiResponse response;
  response.raw = zones::format_zone(*zone);
  response.content_type = "text/dns";
  return response;
}

std::optional<std::string_view> given(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

ApiResponse list_records(const ApiContext& context, const ApiRequest& request) {
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  const std::string owner = param(request, "owner"), type = param(request, "type");
  auto records = zones::Store(*db).list_records(param(request, "zone"), given(owner), given(type));
  if (!records) return store_refusal(records.error());
  return json_response(200, zones::records_json(*records));
}

// {owner, type, ttl?, rdata}: one record, as `gslbadm record add` adds it.
ApiResponse add_record(const ApiContext& context, const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  for (const char* key : {"owner", "type", "rdata"}) {
    if (!body->contains(key) || !(*body)[key].is_string())
      return error_response(400, "required, a string", key);
  }
  std::optional<int64_t> ttl;
  if (auto it = body->find("ttl"); it != body->end() && !it->is_null()) {
    auto parsed = zones::parse_ttl(it->is_string() ? it->get<std::string>() : it->dump(), "ttl");
    if (!parsed) return error_response(parsed.error());
    ttl = *parsed;
  }
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  const auto text = [&](const char* key) { return (*body)[key].get<std::string>(); };
  auto record = zones::Store(*db).add_record(param(request, "zone"), text("owner"), text("type"),
                                             ttl, text("rdata"), request.actor);
  if (!record) return store_refusal(record.error());
  written(context);
  return json_response(201, zones::record_json(*record));
}

// ?owner=&type= deletes the RRset; with &rdata= only that record.
ApiResponse delete_records(const ApiContext& context, const ApiRequest& request) {
  const std::string owner = param(request, "owner"), type = param(request, "type");
  for (const char* key : {"owner", "type"}) {
    if (param(request, key).empty()) return error_response(400, "required query parameter", key);
  }
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  const std::string rdata = param(request, "rdata");
  auto deleted = zones::Store(*db).delete_records(param(request, "zone"), owner, type, given(rdata),
                                                  request.actor);
  if (!deleted) return store_refusal(deleted.error());
  written(context);
  return json_response(200, {{"deleted", *deleted}});
}

}  // namespace

std::vector<Route> zone_routes(const ApiContext& context) {
  const std::string records = "/v1/zones/{zone}/records";
  return {
      {"GET", "/v1/zones", false, [=](const ApiRequest&) { return list_zones(context); }},
      {"POST", "/v1/zones", true, [=](const ApiRequest& r) { return post_zone(context, r); }},
      {"GET", "/v1/zones/{zone}", false,
       [=](const ApiRequest& r) { return get_zone(context, param(r, "zone"), 200); }},
      {"PUT", "/v1/zones/{zone}", true, [=](const ApiRequest& r) { return put_zone(context, r); }},
      {"DELETE", "/v1/zones/{zone}", true,
       [=](const ApiRequest& r) { return delete_zone(context, r); }},
      {"GET", "/v1/zones/{zone}/file", false,
       [=](const ApiRequest& r) { return zone_file(context, r); }},
      {"GET", records, false, [=](const ApiRequest& r) { return list_records(context, r); }},
      {"POST", records, true, [=](const ApiRequest& r) { return add_record(context, r); }},
      {"DELETE", records, true, [=](const ApiRequest& r) { return delete_records(context, r); }},
  };
}

}  // namespace admin::api
