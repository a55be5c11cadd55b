// /v1/drills: start (or dry-run) a failover drill, list them, read one (with gslbd's live
// report while it runs) and abort one. The DrillStore does the validation and the writes;
// these handlers check the body's shape and map the store's answers to statuses.
#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "admin/drill_dry_run.h"
#include "zones/clock.h"
#include "zones/drills.h"

namespace admin::api {
namespace {

using nlohmann::json;

constexpr int64_t kListDefault = 50;
constexpr int64_t kListMax = 1000;

zones::Error invalid(const std::string& field, std::string message) {
  return zones::Error{zones::ErrorCode::kInvalid, field, std::move(message)};
}

// Copies a string or boolean member of `body` into `out`; the wrong type names the field.
std::optional<zones::Error> take(const json& body, const char* key, std::string& out) {
  const auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) return invalid(key, "must be a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<zones::Error> take(const json& body, const char* key, bool& out) {
  const auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (!it->is_boolean()) return invalid(key, "must be true or false");
  out = it->get<bool>();
  return std::nullopt;
}

// The body as a DrillSpec. Missing keys stay empty: the store then names them ("target: ...").
zones::Result<zones::DrillSpec> parse_spec(const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return std::unexpected(body.error());
  static const char* const kKeys[] = {"target", "action",  "duration",
                                      "note",   "dry_run", "allow_total_outage"};
  for (const auto& [key, value] : body->items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
      return std::unexpected(invalid(key, "unknown field"));
  }
  zones::DrillSpec spec;
  for (const auto& problem :
       {take(*body, "target", spec.target), take(*body, "action", spec.action),
        take(*body, "duration", spec.duration), take(*body, "note", spec.note),
        take(*body, "dry_run", spec.dry_run),
        take(*body, "allow_total_outage", spec.allow_total_outage)}) {
    if (problem) return std::unexpected(*problem);
  }
  return spec;
}

// A whole number in [1, max] from the query or path parameter `name`; `fallback` when absent.
zones::Result<int64_t> positive_param(const ApiRequest& request, const std::string& name,
                                      int64_t fallback, int64_t max) {
  const std::string text = param(request, name);
  if (text.empty()) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max)
    return std::unexpected(invalid(name, "expected a whole number 1.." + std::to_string(max)));
  return value;
}

// Drills whose end passed are closed before anything reads or starts one, so that a listing
// never shows a drill as running after its end. gslbd does the same on its own timer and
// rebuilds then, so this bookkeeping does not call config_written.
std::optional<zones::Error> close_expired(zones::DrillStore& drills, int64_t now_ms) {
  auto closed = drills.close_expired(now_ms);
  if (!closed) return closed.error();
  return std::nullopt;
}

json started_json(const zones::DrillStarted& started) {
  json body = zones::drill_json(started.drill);
  body["services_out"] = started.services_out;
  return body;
}

ApiResponse start(const ApiContext& context, const ApiRequest& request) {
  auto spec = parse_spec(request);
  if (!spec) return error_response(spec.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::DrillStore drills(*db);
  const int64_t now = zones::unix_ms();
  if (auto e = close_expired(drills, now)) return error_response(*e);
  auto started = drills.start(*spec, now, request.actor);
  if (!started) return error_response(started.error());
  json body = started_json(*started);
  if (spec->dry_run) {
    auto changes = drill_dry_run(*db, started->drill, context.health_quorum, now);
    if (!changes) return error_response(changes.error());
    body["dry_run"] = true;
    body.update(*changes);
    return json_response(200, std::move(body));
  }
  written(context);
  return json_response(201, std::move(body));
}

ApiResponse list_drills(const ApiContext& context, const ApiRequest& request) {
  auto limit = positive_param(request, "limit", kListDefault, kListMax);
  if (!limit) return error_response(limit.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::DrillStore drills(*db);
  if (auto e = close_expired(drills, zones::unix_ms())) return error_response(*e);
  auto found = drills.list(*limit);
  if (!found) return error_response(found.error());
  json items = json::array();
  for (const zones::Drill& d : *found) items.push_back(zones::drill_json(d));
  return json_response(200, {{"drills", std::move(items)}});
}

// The {id} path parameter: any drill id the store could hold.
zones::Result<int64_t> drill_id(const ApiRequest& request) {
  return positive_param(request, "id", 0, std::numeric_limits<int64_t>::max());
}

ApiResponse get(const ApiContext& context, const ApiRequest& request) {
  auto id = drill_id(request);
  if (!id) return error_response(id.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::DrillStore drills(*db);
  const int64_t now = zones::unix_ms();
  if (auto e = close_expired(drills, now)) return error_response(*e);
  auto drill = drills.get(*id);
  if (!drill) return error_response(drill.error());
  json body = zones::drill_json(*drill);
  const bool running = drill->running_at(now);
  body["running"] = running;
  if (running && context.drill_report) {
    if (auto live = context.drill_report(*drill)) body["report"] = std::move(*live);
  }
  return json_response(200, std::move(body));
}

ApiResponse abort(const ApiContext& context, const ApiRequest& request) {
  auto id = drill_id(request);
  if (!id) return error_response(id.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::DrillStore drills(*db);
  const int64_t now = zones::unix_ms();
  if (auto e = close_expired(drills, now)) return error_response(*e);
  auto ended = drills.abort(*id, now, request.actor);
  if (!ended) return error_response(ended.error());
  written(context);
  return json_response(200, zones::drill_json(*ended));
}

}  // namespace

std::vector<Route> drill_routes(const ApiContext& context) {
  return {
      {"POST", "/v1/drills", true, [=](const ApiRequest& r) { return start(context, r); }},
      {"GET", "/v1/drills", false, [=](const ApiRequest& r) { return list_drills(context, r); }},
      {"GET", "/v1/drills/{id}", false, [=](const ApiRequest& r) { return get(context, r); }},
      {"POST", "/v1/drills/{id}/abort", true,
       [=](const ApiRequest& r) { return abort(context, r); }},
  };
}

}  // namespace admin::api
