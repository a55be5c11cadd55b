// Every resource route, group by group (resources.h).
#include "admin/api/resources.h"

namespace admin::api {

std::vector<Route> resource_routes(const ApiContext& context) {
  std::vector<Route> routes;
  for (auto group : {gslb_object_routes, member_routes, geo_routes, zone_routes, report_routes,
                     drill_routes, config_routes}) {
    auto more = group(context);
    routes.insert(routes.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  }
  return routes;
}

}  // namespace admin::api
