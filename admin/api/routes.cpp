// The error shape and body parsing every route shares (see routes.h).
#include "admin/api/routes.h"

#include <algorithm>
#include <string_view>

namespace admin::api {

ApiResponse error_response(int status, const std::string& message, const std::string& field) {
  ApiResponse response;
  response.status = status;
  response.body = {{"error", message}};
  if (!field.empty()) response.body["field"] = field;
  return response;
}

namespace {

int status_for(zones::ErrorCode code) {
  switch (code) {
    case zones::ErrorCode::kInvalid:
      return 400;
    case zones::ErrorCode::kNotFound:
      return 404;
    case zones::ErrorCode::kConflict:
      return 409;
    case zones::ErrorCode::kBusy:
      return 503;
    case zones::ErrorCode::kNoSpace:
      return 507;  // Insufficient Storage (RFC 4918)
    default:
      return 500;
  }
}

}  // namespace

ApiResponse error_response(const zones::Error& error) {
  return error_response(status_for(error.code), error.message, error.where);
}

zones::Result<nlohmann::json> parse_body(const ApiRequest& request) {
  if (request.body.empty())
    return zones::fail(zones::ErrorCode::kInvalid, "body", "a JSON object is required");
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return zones::fail(zones::ErrorCode::kInvalid, "body", "not valid JSON");
  if (!body.is_object())
    return zones::fail(zones::ErrorCode::kInvalid, "body", "must be a JSON object");
  return body;
}

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    const size_t end = std::min(path.find('/', at), path.size());
    out.push_back(path.substr(at, end - at));
    at = end;
  }
  return out;
}

// Matches `path` against `pattern`, filling params; "{x...}" as the last
// pattern segment takes the rest of the path, slashes included.
bool matches(std::string_view pattern, std::string_view path,
             std::map<std::string, std::string>& params) {
  const auto want = segments(pattern);
  const auto have = segments(path);
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string_view w = want[i];
    const bool param = w.size() > 2 && w.front() == '{' && w.back() == '}';
    if (param && w.ends_with("...}") && i + 1 == want.size()) {
      if (i >= have.size()) return false;
      const size_t from = static_cast<size_t>(have[i].data() - path.data());
      found[std::string(w.substr(1, w.size() - 5))] = std::string(path.substr(from));
      params.insert(found.begin(), found.end());
      return true;
    }
    if (i >= have.size()) return false;
    if (param) {
      found[std::string(w.substr(1, w.size() - 2))] = std::string(have[i]);
    } else if (w != have[i]) {
      return false;
    }
  }
  if (want.size() != have.size()) return false;
  for (auto& [key, value] : found) params[key] = value;
  return true;
}

}  // namespace

const Route* match_route(const std::vector<Route>& routes, const std::string& method,
                         const std::string& path, std::map<std::string, std::string>& params) {
  for (const Route& route : routes) {
    std::map<std::string, std::string> found;
    if (route.method == method && matches(route.pattern, path, found)) {
      for (auto& [key, value] : found) params[key] = value;
      return &route;
    }
  }
  return nullptr;
}

std::vector<std::string> methods_for_path(const std::vector<Route>& routes,
                                          const std::string& path) {
  std::vector<std::string> methods;
  for (const Route& route : routes) {
    std::map<std::string, std::string> ignored;
    if (matches(route.pattern, path, ignored) &&
        std::find(methods.begin(), methods.end(), route.method) == methods.end())
      methods.push_back(route.method);
  }
  return methods;
}

}  // namespace admin::api
