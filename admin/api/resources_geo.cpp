// Where clients are sent: a service's geo map (/v1/services/{name}/geo, replaced whole) and
// the client location overrides (/v1/overrides, global or for one service with "service").
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "zones/gslb_json.h"

namespace admin::api {
namespace {

using nlohmann::json;

zones::Result<zones::Service*> find_service(zones::GslbConfig& config, const std::string& name) {
  for (zones::Service& service : config.services) {
    if (service.name == stored_service_name(name)) return &service;
  }
  return std::unexpected(not_found("service/" + stored_service_name(name)));
}

std::string index_of(const auto& items, const auto* item) {
  return "[" + std::to_string(item - items.data()) + "]";
}

ApiResponse get_geo(const ApiContext& context, const ApiRequest& request) {
  auto config = load_gslb(context);
  if (!config) return error_response(config.error());
  auto service = find_service(*config, param(request, "name"));
  if (!service) return error_response(service.error());
  return json_response(200, {{"geo", zones::gslb_json(**service)["geo"]}});
}

// {"geo": [...]} becomes the service's whole geo map; checked as part of the service.
ApiResponse put_geo(const ApiContext& context, const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  for (const auto& [key, value] : body->items()) {
    if (key != "geo") return error_response(400, "unknown key (known here: geo)", key);
  }
  auto plan = edit_gslb(context, request,
                        [&](zones::GslbConfig& config, std::string& focus) -> zones::Result<void> {
                          auto service = find_service(config, param(request, "name"));
                          if (!service) return std::unexpected(service.error());
                          json wanted = zones::gslb_json(**service);
                          wanted["geo"] = body->value("geo", json::array());
                          auto parsed = parse_as("services", wanted);
                          if (!parsed) return std::unexpected(parsed.error());
                          (*service)->geo = parsed->services.front().geo;
                          focus = "services" + index_of(config.services, *service);
                          return {};
                        });
  if (!plan) return error_response(plan.error());
  return get_geo(context, request);
}

json override_json(const zones::CidrOverride& o, const std::string& service) {
  json j = zones::gslb_json(o);
  j["service"] = service.empty() ? json(nullptr) : json(service);
  return j;
}

// Every override, the global ones first; with ?service=, that service's only.
ApiResponse list_overrides(const ApiContext& context, const ApiRequest& request) {
  auto config = load_gslb(context);
  if (!config) return error_response(config.error());
  json list = json::array();
  const std::string only = param(request, "service");
  if (only.empty()) {
    for (const auto& o : config->overrides) list.push_back(override_json(o, ""));
  }
  for (const zones::Service& s : config->services) {
    if (!only.empty() && s.name != stored_service_name(only)) continue;
    for (const auto& o : s.overrides) list.push_back(override_json(o, s.name));
  }
  return json_response(200, std::move(list));
}

// The global overrides, or the named service's; `path` is their place in the config.
struct OverrideList {
  std::vector<zones::CidrOverride>* items = nullptr;
  std::string path;
};

zones::Result<OverrideList> overrides_of(zones::GslbConfig& config, const std::string& service) {
  if (service.empty()) return OverrideList{&config.overrides, "overrides"};
  auto s = find_service(config, service);
  if (!s) return std::unexpected(s.error());
  return OverrideList{&(*s)->overrides, "services" + index_of(config.services, *s) + ".overrides"};
}

std::string override_object(const std::string& service, const std::string& network) {
  const std::string object = "override/" + stored_network(network);
  return service.empty() ? object : "service/" + stored_service_name(service) + "/" + object;
}

zones::CidrOverride* find_override(std::vector<zones::CidrOverride>& list,
                                   const std::string& network) {
  for (zones::CidrOverride& o : list) {
    if (o.network == stored_network(network)) return &o;
  }
  return nullptr;
}

ApiResponse add_override(const ApiContext& context, const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  const json service = body->value("service", json(nullptr));
  if (!service.is_null() && !service.is_string())
    return error_response(400, "expected a service name or null", "service");
  const std::string service_name = service.is_string() ? service.get<std::string>() : "";
  body->erase("service");
  auto parsed = parse_as("overrides", *body);
  if (!parsed) return error_response(parsed.error());
  const zones::CidrOverride wanted = parsed->overrides.front();
  auto plan = edit_gslb(
      context, request, [&](zones::GslbConfig& config, std::string& focus) -> zones::Result<void> {
        auto list = overrides_of(config, service_name);
        if (!list) return std::unexpected(list.error());
        if (find_override(*list->items, wanted.network))
          return std::unexpected(already_exists(override_object(service_name, wanted.network)));
        list->items->push_back(wanted);
        focus = list->path + "[" + std::to_string(list->items->size() - 1) + "]";
        return {};
      });
  if (!plan) return error_response(plan.error());
  auto stored = wanted;
  stored.network = stored_network(wanted.network);
  return json_response(
      201, override_json(stored, service_name.empty() ? "" : stored_service_name(service_name)));
}

ApiResponse delete_override(const ApiContext& context, const ApiRequest& request) {
  const std::string service = param(request, "service"), network = param(request, "cidr");
  auto plan = edit_gslb(context, request,
                        [&](zones::GslbConfig& config, std::string&) -> zones::Result<void> {
                          auto list = overrides_of(config, service);
                          if (!list) return std::unexpected(list.error());
                          zones::CidrOverride* o = find_override(*list->items, network);
                          if (o == nullptr)
                            return std::unexpected(not_found(override_object(service, network)));
                          list->items->erase(list->items->begin() + (o - list->items->data()));
                          return {};
                        });
  if (!plan) return error_response(plan.error());
  return json_response(200, {{"deleted", override_object(service, network)}});
}

}  // namespace

std::vector<Route> geo_routes(const ApiContext& context) {
  return {
      {"GET", "/v1/services/{name}/geo", false,
       [=](const ApiRequest& r) { return get_geo(context, r); }},
      {"PUT", "/v1/services/{name}/geo", true,
       [=](const ApiRequest& r) { return put_geo(context, r); }},
      {"GET", "/v1/overrides", false,
       [=](const ApiRequest& r) { return list_overrides(context, r); }},
      {"POST", "/v1/overrides", true,
       [=](const ApiRequest& r) { return add_override(context, r); }},
      {"DELETE", "/v1/overrides/{cidr...}", true,
       [=](const ApiRequest& r) { return delete_override(context, r); }},
  };
}

}  // namespace admin::api
