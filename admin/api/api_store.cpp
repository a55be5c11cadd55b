// The resource handlers' shared plumbing (see api_store.h).
#include "admin/api/api_store.h"

#include <cctype>
#include <optional>
#include <sstream>
#include <vector>

#include "admin/config_file.h"
#include "zones/validate.h"

namespace admin::api {

ExplainRequest gslbd_explain_request(const ApiContext& context, const std::string& name) {
  ExplainRequest question;
  question.name = name;
  question.geoip = context.geoip;
  question.ecs_max_prefix_v4 = context.ecs_max_prefix_v4;
  question.ecs_max_prefix_v6 = context.ecs_max_prefix_v6;
  question.health_quorum = context.health_quorum;
  return question;
}

namespace {
thread_local zones::Db* t_request_db = nullptr;
}  // namespace

RequestDbScope::RequestDbScope(zones::Db& db) : previous_(t_request_db) {
  t_request_db = &db;
}

RequestDbScope::~RequestDbScope() {
  t_request_db = previous_;
}

zones::Result<zones::Db> open_db(const ApiContext& context) {
  if (t_request_db != nullptr) return zones::Db::borrow(*t_request_db);
  zones::DbOptions options;
  options.mode = zones::OpenMode::kExisting;
  return zones::Db::open(context.db_path, options);
}

zones::Result<zones::GslbConfig> load_gslb(const ApiContext& context) {
  auto db = open_db(context);
  if (!db) return std::unexpected(db.error());
  return zones::GslbStore(*db).load();
}

void written(const ApiContext& context) {
  if (context.config_written) context.config_written();
}

zones::Result<zones::Plan> edit_gslb(const ApiContext& context, const ApiRequest& request,
                                     const GslbChange& change) {
  auto db = open_db(context);
  if (!db) return std::unexpected(db.error());
  // Like gslbadm's edit_config: the change's own refusals pass as they are; the store's are
  // renamed relative to the object the change touched, using the desired state it built.
  zones::GslbConfig desired;
  std::string focus;
  bool edited = false;
  auto plan = zones::GslbStore(*db).edit(
      [&](zones::GslbConfig& config) -> zones::Result<void> {
        if (auto r = change(config, focus); !r) return r;
        desired = config;
        edited = true;
        return {};
      },
      {}, request.actor);
  if (!plan) {
    if (!edited) return std::unexpected(plan.error());
    return std::unexpected(relative_to(plan.error(), focus, &desired));
  }
  if (!plan->empty()) written(context);
  return plan;
}

namespace {

struct Problem {
  std::string path;  // "" when the line names no path
  std::string message;
};

bool is_path(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '[' &&
        c != ']')
      return false;
  }
  return true;
}

// "body:1: pools[0].weight: expected ..." (the config parser places problems in the "file"
// named body) or "pools[3].weight: ..." (the store) -> {path, message}.
Problem problem_of(std::string line) {
  if (line.starts_with("body")) {
    const size_t colon = line.find(": ");
    if (colon != std::string::npos) line = line.substr(colon + 2);
  }
  const size_t colon = line.find(": ");
  if (colon != std::string::npos && is_path(line.substr(0, colon)))
    return {line.substr(0, colon), line.substr(colon + 2)};
  return {"", line};
}

// "services[2].pools[0].pool" -> "service/www.example.com. pools[0].pool".
std::string named_path(const std::string& path, const zones::GslbConfig& config) {
  const size_t open = path.find('['), close = path.find(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return path;
  const std::string kind = path.substr(0, open);
  const size_t i = std::stoul("0" + path.substr(open + 1, close - open - 1));
  std::string object;
  auto name_in = [&](const auto& items, const char* prefix) {
    if (i < items.size()) object = prefix + items[i].name;
  };
  if (kind == "monitors") name_in(config.monitors, "monitor/");
  if (kind == "regions") name_in(config.regions, "region/");
  if (kind == "pools") name_in(config.pools, "pool/");
  if (kind == "services") name_in(config.services, "service/");
  if (kind == "overrides" && i < config.overrides.size())
    object = "override/" + config.overrides[i].network;
  if (object.empty()) return path;
  const std::string rest = path.substr(close + 1);
  return rest.empty() ? object : object + " " + rest.substr(rest.starts_with('.') ? 1 : 0);
}

// The field inside `focus`, or nullopt when `path` is elsewhere.
std::optional<std::string> field_in(const std::string& path, std::string_view focus) {
  if (focus.empty() || !path.starts_with(focus)) return std::nullopt;
  const std::string rest = path.substr(focus.size());
  if (rest.empty()) return "";
  if (rest.front() == '.') return rest.substr(1);
  if (rest.front() == '[') return rest;
  return std::nullopt;
}

}  // namespace

zones::Error relative_to(const zones::Error& error, std::string_view focus,
                         const zones::GslbConfig* desired) {
  std::vector<zones::Error> problems;
  std::istringstream lines(error.text());
  for (std::string line; std::getline(lines, line);) {
    Problem p = problem_of(line);
    std::string field;
    if (auto inside = field_in(p.path, focus)) {
      field = *inside;
    } else if (!p.path.empty()) {
      p.message = (desired ? named_path(p.path, *desired) : p.path) + ": " + p.message;
    }
    problems.push_back({error.code, std::move(field), std::move(p.message)});
  }
  if (problems.empty()) return error;
  zones::Error joined = zones::join_errors(problems);
  joined.code = error.code;
  return joined;
}

zones::Result<zones::GslbConfig> parse_document(const nlohmann::json& document,
                                                std::string_view focus) {
  auto parsed = parse_config(document.dump(), ConfigFormat::kJson, "", "body");
  if (!parsed) return std::unexpected(relative_to(parsed.error(), focus));
  return std::move(parsed->gslb);
}

zones::Result<zones::GslbConfig> parse_as(std::string_view list, const nlohmann::json& object) {
  const nlohmann::json document = {{std::string(list), nlohmann::json::array({object})}};
  return parse_document(document, std::string(list) + "[0]");
}

zones::Error not_found(const std::string& object) {
  return {zones::ErrorCode::kNotFound, "", object + ": not found"};
}

zones::Error already_exists(const std::string& object) {
  return {zones::ErrorCode::kConflict, "", object + ": already exists"};
}

std::string stored_service_name(std::string_view text) {
  zones::GslbConfig config;
  config.services.push_back({});
  config.services[0].name = text;
  zones::normalise_gslb(config);
  return config.services[0].name;
}

std::string stored_address(std::string_view text) {
  zones::GslbConfig config;
  config.pools.push_back({});
  config.pools[0].members.push_back({});
  config.pools[0].members[0].address = text;
  zones::normalise_gslb(config);
  return config.pools[0].members[0].address;
}

std::string stored_network(std::string_view text) {
  zones::GslbConfig config;
  config.overrides.push_back({std::string(text), ""});
  zones::normalise_gslb(config);
  return config.overrides[0].network;
}

ApiResponse json_response(int status, nlohmann::json body) {
  ApiResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string param(const ApiRequest& request, const std::string& name) {
  auto it = request.params.find(name);
  return it == request.params.end() ? "" : it->second;
}

}  // namespace admin::api
