// Placeholder until the resource handlers land (resources_*.cpp).
#include "admin/api/routes.h"

namespace admin::api {

std::vector<Route> resource_routes(const ApiContext&) {
  return {};
}

}  // namespace admin::api
