// The read-only reports: /v1/health (as `gslbadm health --json`), /v1/explain (as `gslbadm
// explain --json`) and /v1/audit (newest first).
#include <charconv>
#include <chrono>
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "admin/explain.h"
#include "admin/health_report.h"
#include "zones/audit.h"

namespace admin::api {
namespace {

using nlohmann::json;

constexpr int64_t kAuditDefault = 100;
constexpr int64_t kAuditMax = 1000;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

ApiResponse health(const ApiContext& context, const ApiRequest& request) {
  server::Quorum quorum = context.health_quorum;
  if (const std::string text = param(request, "quorum"); !text.empty()) {
    auto parsed = server::parse_quorum(text);
    if (!parsed) return error_response(400, "not majority, any, all or a number >= 1", "quorum");
    quorum = *parsed;
  }
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  zones::GslbStore store(*db);
  auto config = store.load();
  if (!config) return error_response(config.error());
  auto rows = store.health_since(0);
  if (!rows) return error_response(rows.error());
  auto vantages = store.vantages();
  if (!vantages) return error_response(vantages.error());
  std::optional<std::string> pool;
  if (const std::string name = param(request, "pool"); !name.empty()) {
    bool known = false;
    for (const zones::Pool& p : config->pools) known = known || p.name == name;
    if (!known) return error_response(not_found("pool/" + name));
    pool = name;
  }
  const HealthSources sources{*config, *rows, *vantages};
  const int64_t now = now_ms();
  return json_response(
      200, health_report_json(assess_health(sources, pool, quorum, now), sources, quorum, now));
}

// explain names its problems as gslbadm's flags ("--client", "NAME"); the API's are the query
// parameters. A bad --geoip is gslbd's own configuration, not the request's fault.
ApiResponse explain_refusal(zones::Error error) {
  if (error.where == "--geoip") error.code = zones::ErrorCode::kInternal;
  if (error.where.starts_with("--")) error.where = error.where.substr(2);
  if (error.where == "NAME") error.where = "name";
  return error_response(error);
}

ApiResponse explain(const ApiContext& context, const ApiRequest& request) {
  ExplainRequest question = gslbd_explain_request(context, param(request, "name"));
  question.client = param(request, "client");
  for (const char* key : {"name", "client"}) {
    if (param(request, key).empty()) return error_response(400, "required query parameter", key);
  }
  if (const std::string type = param(request, "type"); !type.empty()) question.type = type;
  if (const std::string ecs = param(request, "ecs"); !ecs.empty()) question.ecs = ecs;
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  auto answer = admin::explain(*db, question);
  if (!answer) return explain_refusal(answer.error());
  return json_response(200, explain_json(*answer));
}

zones::Result<int64_t> audit_limit(const ApiRequest& request) {
  const std::string text = param(request, "limit");
  if (text.empty()) return kAuditDefault;
  int64_t limit = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kAuditMax)
    return zones::fail(zones::ErrorCode::kInvalid, "limit",
                       "expected a whole number 1.." + std::to_string(kAuditMax));
  return limit;
}

ApiResponse audit(const ApiContext& context, const ApiRequest& request) {
  auto limit = audit_limit(request);
  if (!limit) return error_response(limit.error());
  auto db = open_db(context);
  if (!db) return error_response(db.error());
  auto entries = zones::list_audit(*db, *limit);
  if (!entries) return error_response(entries.error());
  return json_response(200, zones::audit_json(*entries));
}

}  // namespace

std::vector<Route> report_routes(const ApiContext& context) {
  return {
      {"GET", "/v1/health", false, [=](const ApiRequest& r) { return health(context, r); }},
      {"GET", "/v1/explain", false, [=](const ApiRequest& r) { return explain(context, r); }},
      {"GET", "/v1/audit", false, [=](const ApiRequest& r) { return audit(context, r); }},
  };
}

}  // namespace admin::api
