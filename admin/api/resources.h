// The resource groups that resource_routes (routes.h) puts together, one file each.
#pragma once

#include <vector>

#include "admin/api/routes.h"

namespace admin::api {

// regions, monitors, pools, services: list, get, create, replace, merge-patch, delete.
std::vector<Route> gslb_object_routes(const ApiContext& context);
// /v1/pools/{pool}/members[/{address}].
std::vector<Route> member_routes(const ApiContext& context);
// /v1/services/{name}/geo and /v1/overrides.
std::vector<Route> geo_routes(const ApiContext& context);
// /v1/zones (and a zone's file: import, export) and /v1/zones/{zone}/records.
std::vector<Route> zone_routes(const ApiContext& context);
// /v1/health, /v1/explain, /v1/audit (read only).
std::vector<Route> report_routes(const ApiContext& context);
// /v1/drills: start (or dry-run), list, get (with the live report), abort.
std::vector<Route> drill_routes(const ApiContext& context);
// /v1/apply and /v1/export: the whole configuration as a config file (config_file.h).
std::vector<Route> config_routes(const ApiContext& context);

}  // namespace admin::api
