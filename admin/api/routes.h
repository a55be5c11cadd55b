// The admin API's routes as plain functions: a request in, a status and a
// JSON body out. The HTTP server (api_server.h) matches method and path,
// checks the bearer token, and calls them; the resource handlers know
// nothing of HTTP, so they are unit-tested without a socket.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/health_view.h"

namespace admin::fleet {
class FleetWriter;
class Syncer;
}  // namespace admin::fleet
#include "zones/drills.h"
#include "zones/result.h"

namespace admin::api {

struct ApiRequest {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;    // "/v1/pools/us-east" (decoded)
  // Path parameters by the names in the route's pattern ("name" for
  // "/v1/pools/{name}") and query parameters ("?pool=x" -> "pool"); path
  // parameters win on a clash.
  std::map<std::string, std::string> params;
  std::string body;   // raw; handlers parse it (parse_body below)
  std::string actor;  // the token's NAME, recorded in the audit log as who
  // Fleet mode: the If-Match header, the configuration revision the write is based on.
  std::string if_match;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  // Non-JSON bodies (the metrics text): when set, sent as is with this type.
  std::string raw;
  std::string content_type;
  std::map<std::string, std::string> headers;  // extra response headers
};

using Handler = std::function<ApiResponse(const ApiRequest&)>;

struct Route {
  std::string method;
  // Literal segments and {param} segments: "/v1/pools/{pool}/members/{address}".
  // A {param} matches one segment (no '/'), except a last segment declared
  // {param...}, which matches the rest (record owners and CIDRs hold '/').
  std::string pattern;
  bool writes = false;  // needs a read-write token
  Handler handler;
};

// What every handler needs from gslbd. Handlers may run on several HTTP
// threads at once: each opens its own store connection (open_db).
struct ApiContext {
  std::string db_path;
  std::string geoip;  // for explain; empty = none
  server::Quorum health_quorum;
  uint8_t ecs_max_prefix_v4 = 24;
  uint8_t ecs_max_prefix_v6 = 56;
  // Called after every successful write, so gslbd reloads at once instead of
  // at its next poll (may be empty).
  std::function<void()> config_written;
  // gslbd's live report of a running drill (answers counted so far, see
  // server/drill_watch.h); unset in tests, nullopt when gslbd tracks no
  // such drill. Ended drills carry their final report in the store.
  std::function<std::optional<nlohmann::json>(const zones::Drill&)> drill_report;
  // The status page's sample clients (--status-vantage NAME=ADDRESS), in flag order; none:
  // the page shows the answers for a client of unknown location.
  std::vector<std::pair<std::string, std::string>> status_vantages;
  // Fleet mode (gslbd --etcd): writes go to etcd through this writer (fleet_write.h), and
  // responses carry the configuration revision. Both null on a single node.
  admin::fleet::FleetWriter* fleet_writer = nullptr;
  const admin::fleet::Syncer* fleet_syncer = nullptr;
};

// Errors, always this shape: {"error": "...", "field": "..."} ("field"
// only when one field is to blame: "ttl", "members[1].address").
ApiResponse error_response(int status, const std::string& message, const std::string& field = "");
// A zones::Error mapped to its status: kInvalid 400, kNotFound 404,
// kConflict 409, kBusy 503, anything else 500. The field is taken from the
// error's `where` when it names one.
ApiResponse error_response(const zones::Error& error);
// The body as a JSON object, or a 400 naming what is wrong with it.
zones::Result<nlohmann::json> parse_body(const ApiRequest& request);

// The route whose method and pattern match, with its path parameters put
// into `params`; nullptr when none does. `methods_for_path` lists the
// methods some route allows on `path` (for 405 and its Allow header).
const Route* match_route(const std::vector<Route>& routes, const std::string& method,
                         const std::string& path, std::map<std::string, std::string>& params);
std::vector<std::string> methods_for_path(const std::vector<Route>& routes,
                                          const std::string& path);

// Every resource route (zones, records, regions, monitors, pools, members,
// services, geo maps, overrides, drills, health, explain, audit):
// admin/api/resources_*.cpp.
std::vector<Route> resource_routes(const ApiContext& context);

}  // namespace admin::api
