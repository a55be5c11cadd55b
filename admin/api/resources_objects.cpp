// regions, monitors, pools and services: one set of handlers for the four, driven by a row
// per kind (the config file's list, the audit log's object name, where the list lives).
// Bodies are the config file's objects (docs/config.md), parsed by its own parser.
#include <algorithm>
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "zones/gslb_json.h"

namespace admin::api {
namespace {

using nlohmann::json;

template <typename T>
struct Kind {
  const char* list;    // "pools": the config file's key and the URL's segment
  const char* object;  // "pool": as the audit log names one
  std::vector<T> zones::GslbConfig::*items;
  std::string (*stored_name)(std::string_view);  // a name in a path as the store spells it
};

std::string as_given(std::string_view name) {
  return std::string(name);
}

template <typename T>
std::string object_name(const Kind<T>& kind, std::string_view name) {
  return std::string(kind.object) + "/" + kind.stored_name(name);
}

template <typename T>
T* find(const Kind<T>& kind, zones::GslbConfig& config, std::string_view name) {
  auto& items = config.*kind.items;
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return item.name == kind.stored_name(name); });
  return it == items.end() ? nullptr : &*it;
}

template <typename T>
std::string focus_of(const Kind<T>& kind, const zones::GslbConfig& config, const T* item) {
  return std::string(kind.list) + "[" + std::to_string(item - (config.*kind.items).data()) + "]";
}

// The body as the one object of its kind, refused when it names another object than `name`.
template <typename T>
zones::Result<T> parse_object(const Kind<T>& kind, json body, std::string_view name) {
  if (!name.empty()) {
    const auto given = body.find("name");
    if (given != body.end() && !given->is_null()) {
      if (!given->is_string() ||
          kind.stored_name(given->get<std::string>()) != kind.stored_name(name))
        return zones::fail(zones::ErrorCode::kInvalid, "name",
                           "must be the name in the path (" + std::string(name) + ") or absent");
    }
    body["name"] = std::string(name);
  }
  auto config = parse_as(kind.list, body);
  if (!config) return std::unexpected(config.error());
  return std::move(((*config).*kind.items).front());
}

// The stored object after a write, as GET returns it.
template <typename T>
ApiResponse stored(const ApiContext& context, const Kind<T>& kind, std::string_view name,
                   int status) {
  auto config = load_gslb(context);
  if (!config) return error_response(config.error());
  const T* item = find(kind, *config, name);
  if (item == nullptr) return error_response(not_found(object_name(kind, name)));
  return json_response(status, zones::gslb_json(*item));
}

template <typename T>
ApiResponse list(const ApiContext& context, const Kind<T>& kind) {
  auto config = load_gslb(context);
  if (!config) return error_response(config.error());
  json items = json::array();
  for (const T& item : (*config).*kind.items) items.push_back(zones::gslb_json(item));
  return json_response(200, std::move(items));
}

template <typename T>
ApiResponse create(const ApiContext& context, const ApiRequest& request, const Kind<T>& kind) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  auto item = parse_object(kind, *body, "");
  if (!item) return error_response(item.error());
  auto plan = edit_gslb(
      context, request, [&](zones::GslbConfig& config, std::string& focus) -> zones::Result<void> {
        if (find(kind, config, item->name))
          return std::unexpected(already_exists(object_name(kind, item->name)));
        (config.*kind.items).push_back(*item);
        focus =
            std::string(kind.list) + "[" + std::to_string((config.*kind.items).size() - 1) + "]";
        return {};
      });
  if (!plan) return error_response(plan.error());
  return stored(context, kind, item->name, 201);
}

// PUT (the body is the whole object) and PATCH (the body is merged onto the stored object's
// JSON, RFC 7396) both end in a whole object validated as a whole.
template <typename T>
ApiResponse update(const ApiContext& context, const ApiRequest& request, const Kind<T>& kind,
                   bool merge) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  const std::string name = param(request, "name");
  auto plan = edit_gslb(context, request,
                        [&](zones::GslbConfig& config, std::string& focus) -> zones::Result<void> {
                          T* item = find(kind, config, name);
                          if (item == nullptr)
                            return std::unexpected(not_found(object_name(kind, name)));
                          json wanted = *body;
                          if (merge) {
                            wanted = zones::gslb_json(*item);
                            wanted.merge_patch(*body);
                          }
                          auto replacement = parse_object(kind, std::move(wanted), item->name);
                          if (!replacement) return std::unexpected(replacement.error());
                          *item = std::move(*replacement);
                          focus = focus_of(kind, config, item);
                          return {};
                        });
  if (!plan) return error_response(plan.error());
  return stored(context, kind, name, 200);
}

template <typename T>
ApiResponse remove(const ApiContext& context, const ApiRequest& request, const Kind<T>& kind) {
  const std::string name = param(request, "name");
  auto plan = edit_gslb(context, request,
                        [&](zones::GslbConfig& config, std::string&) -> zones::Result<void> {
                          T* item = find(kind, config, name);
                          if (item == nullptr)
                            return std::unexpected(not_found(object_name(kind, name)));
                          auto& items = config.*kind.items;
                          items.erase(items.begin() + (item - items.data()));
                          return {};
                        });
  if (!plan) {
    // A delete has no body to be wrong: the store refusing it means something still uses it.
    zones::Error error = plan.error();
    if (error.code == zones::ErrorCode::kInvalid) error.code = zones::ErrorCode::kConflict;
    return error_response(error);
  }
  return json_response(200, {{"deleted", object_name(kind, name)}});
}

template <typename T>
void add_kind(std::vector<Route>& routes, const ApiContext& context, const Kind<T>& kind) {
  const std::string all = std::string("/v1/") + kind.list;
  const std::string one = all + "/{name}";
  routes.push_back({"GET", all, false, [=](const ApiRequest&) { return list(context, kind); }});
  routes.push_back({"GET", one, false, [=](const ApiRequest& r) {
                      return stored(context, kind, param(r, "name"), 200);
                    }});
  routes.push_back(
      {"POST", all, true, [=](const ApiRequest& r) { return create(context, r, kind); }});
  routes.push_back(
      {"PUT", one, true, [=](const ApiRequest& r) { return update(context, r, kind, false); }});
  routes.push_back(
      {"PATCH", one, true, [=](const ApiRequest& r) { return update(context, r, kind, true); }});
  routes.push_back(
      {"DELETE", one, true, [=](const ApiRequest& r) { return remove(context, r, kind); }});
}

}  // namespace

std::vector<Route> gslb_object_routes(const ApiContext& context) {
  std::vector<Route> routes;
  add_kind(routes, context,
           Kind<zones::Region>{"regions", "region", &zones::GslbConfig::regions, as_given});
  add_kind(routes, context,
           Kind<zones::Monitor>{"monitors", "monitor", &zones::GslbConfig::monitors, as_given});
  add_kind(routes, context,
           Kind<zones::Pool>{"pools", "pool", &zones::GslbConfig::pools, as_given});
  add_kind(routes, context,
           Kind<zones::Service>{"services", "service", &zones::GslbConfig::services,
                                stored_service_name});
  return routes;
}

}  // namespace admin::api
