// The admin API's routes in fleet mode (see fleet_write.h).
#include "admin/api/fleet_write.h"

#include <charconv>

#include "admin/api/api_store.h"
#include "admin/fleet/fleet_writer.h"
#include "admin/fleet/syncer.h"

namespace admin::api {
namespace {

// If-Match: 57, "57" or W/"57" (one revision; a list of several is refused); nullopt when
// absent.
zones::Result<std::optional<int64_t>> if_match_revision(const std::string& header) {
  if (header.empty()) return std::optional<int64_t>{};
  std::string_view text = header;
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return zones::fail(zones::ErrorCode::kInvalid, "If-Match",
                       "\"" + header + "\" is not a configuration revision");
  }
  return std::optional<int64_t>(value);
}

ApiResponse with_revision(ApiResponse response, int64_t revision) {
  response.headers["X-Gslb-Revision"] = std::to_string(revision);
  return response;
}

ApiResponse fleet_write(const ApiContext& context, const Route& route, const ApiRequest& request) {
  auto if_revision = if_match_revision(request.if_match);
  if (!if_revision) return error_response(if_revision.error());
  ApiResponse response;
  auto receipt = context.fleet_writer->write(request.actor, *if_revision, [&](zones::Db& db) {
    RequestDbScope scope(db);
    response = route.handler(request);
    return response.status < 300;
  });
  if (!receipt) return error_response(receipt.error());
  if (!receipt->ran) return response;  // the handler's own refusal, as on a single node
  const int64_t revision =
      receipt->changed ? receipt->revision : context.fleet_syncer->status().config_revision;
  return with_revision(std::move(response), revision);
}

}  // namespace

ApiResponse serve_route(const ApiContext& context, const Route& route, const ApiRequest& request) {
  if (context.fleet_writer == nullptr) return route.handler(request);
  if (route.writes) return fleet_write(context, route, request);
  return with_revision(route.handler(request), context.fleet_syncer->status().config_revision);
}

}  // namespace admin::api
