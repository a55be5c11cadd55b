// POST /v1/apply and GET /v1/export: the declarative config file of `gslbadm apply -f` and
// `gslbadm export` through the API. The body is parsed, applied and emitted by the very same
// code (config_file.h, GslbStore::apply, config_plan.h), so both take and give the same text.
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "admin/config_file.h"
#include "admin/config_plan.h"
#include "admin/config_tree.h"
#include "zones/store.h"
#include "zones/validate.h"

namespace admin::api {
namespace {

using nlohmann::json;

// The name the body goes by in messages ("body:14: services[1].pols: unknown key"), unless
// the request names it (?name=gslb.yaml, as gslbadm does, so that its messages name the file).
std::string document_name(const ApiRequest& request) {
  const std::string name = param(request, "name");
  return name.empty() ? "body" : name;
}

// ?dry_run=true|false (absent: false).
zones::Result<bool> flag(const ApiRequest& request, const std::string& name) {
  const std::string value = param(request, name);
  if (value.empty() || value == "false") return false;
  if (value == "true") return true;
  return zones::fail(zones::ErrorCode::kInvalid, name, "expected true or false");
}

// ?format=yaml|json (absent: yaml, which reads JSON too).
zones::Result<ConfigFormat> format_param(const ApiRequest& request) {
  const std::string value = param(request, "format");
  if (value.empty()) return ConfigFormat::kYaml;
  auto format = parse_format(value);
  if (!format || *format == ConfigFormat::kAuto)
    return zones::fail(zones::ErrorCode::kInvalid, "format", "expected yaml or json");
  return *format;
}

// A zone given by `file:` would make gslbd read a file of its own choosing for whoever holds a
// write token: refused, each with its place. gslbadm inlines such zones before sending.
zones::Result<void> refuse_zone_files(const std::string& text, ConfigFormat format,
                                      const std::string& name) {
  const ConfigTree tree =
      format == ConfigFormat::kJson ? read_json_tree(text, name) : read_yaml_tree(text, name);
  if (!tree.root.is_object() || !tree.root.contains("zones") || !tree.root["zones"].is_array())
    return {};  // not a document the parser accepts: it says why
  std::vector<zones::Error> errors;
  const json& entries = tree.root["zones"];
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].is_object() || !entries[i].contains("file")) continue;
    const std::string path = child_path(item_path("zones", i), "file");
    errors.push_back({zones::ErrorCode::kInvalid, name + ":" + std::to_string(tree.line_of(path)),
                      path + ": the admin API reads no files: give the zone's text as content"});
  }
  if (errors.empty()) return {};
  return std::unexpected(zones::join_errors(errors));
}

// "services[1].pols" from "services[1].pols: unknown key"; "" when the text names no path.
std::string path_of(const std::string& text) {
  const size_t colon = text.find(": ");
  if (colon == std::string::npos) return "";
  const std::string path = text.substr(0, colon);
  return path.find_first_of(" :/") == std::string::npos ? path : "";
}

// "gslb.yaml:14" (where the parser or locate_in_file placed a problem) rather than a path.
bool is_place(const std::string& where) {
  const size_t colon = where.rfind(':');
  return colon != std::string::npos && colon + 1 < where.size() &&
         where.find_first_not_of("0123456789", colon + 1) == std::string::npos;
}

// The parser's and the store's problems, "NAME:LINE: path: message" one per line as `gslbadm
// apply` prints them, with the status of their code; a single problem names its path as the
// field too.
ApiResponse config_refusal(const zones::Error& error) {
  ApiResponse response = error_response(error);
  response.body = {{"error", error.text()}};
  if (error.text().find('\n') != std::string::npos) return response;
  const std::string field = path_of(is_place(error.where) ? error.message : error.text());
  if (!field.empty()) response.body["field"] = field;
  return response;
}

struct ApplyParams {
  zones::ApplyOptions options;
  ConfigFormat format = ConfigFormat::kYaml;
  std::string name;
};

zones::Result<ApplyParams> apply_params(const ApiRequest& request) {
  ApplyParams p;
  auto dry_run = flag(request, "dry_run");
  if (!dry_run) return std::unexpected(dry_run.error());
  auto prune = flag(request, "prune");
  if (!prune) return std::unexpected(prune.error());
  auto format = format_param(request);
  if (!format) return std::unexpected(format.error());
  p.options = {.prune = *prune, .dry_run = *dry_run};
  p.format = *format;
  p.name = document_name(request);
  return p;
}

ApiResponse apply_config(const ApiContext& context, const ApiRequest& request) {
  auto params = apply_params(request);
  if (!params) return error_response(params.error());
  if (auto ok = refuse_zone_files(request.body, params->format, params->name); !ok)
    return config_refusal(ok.error());
  auto config = parse_config(request.body, params->format, "", params->name);
  if (!config) return config_refusal(config.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  auto plan =
      zones::GslbStore(*db).apply(config->gslb, params->options, request.actor, config->zones);
  if (!plan) return config_refusal(locate_in_file(plan.error(), *config));
  if (!params->options.dry_run && !plan->empty()) written(context);
  return json_response(200, plan_json(*plan, params->options.dry_run));
}

ApiResponse export_config(const ApiContext& context, const ApiRequest& request) {
  auto format = format_param(request);
  if (!format) return error_response(format.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  auto gslb = zones::GslbStore(*db).load();
  if (!gslb) return error_response(gslb.error());
  auto zone_list = zones::Store(*db).load_zones();
  if (!zone_list) return error_response(zone_list.error());
  ApiResponse response;
  response.raw = emit_config(*gslb, *zone_list, *format);
  response.content_type = *format == ConfigFormat::kJson ? "application/json" : "text/yaml";
  return response;
}

}  // namespace

std::vector<Route> config_routes(const ApiContext& context) {
  return {
      {"POST", "/v1/apply", true, [=](const ApiRequest& r) { return apply_config(context, r); }},
      {"GET", "/v1/export", false, [=](const ApiRequest& r) { return export_config(context, r); }},
  };
}

}  // namespace admin::api
