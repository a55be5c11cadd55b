// The admin API's routes in fleet mode (gslbd --etcd): a write route's handler runs through
// the node's FleetWriter (admin/fleet/fleet_writer.h), so its effect goes to etcd, not
// straight into the store, and reaches every node through their syncers; a conflict or an
// etcd that cannot take writes is the request's error and nothing is written. Every
// response carries X-Gslb-Revision, the configuration revision the node serves (after a
// write, the write's), which a later write may send back as If-Match.
#pragma once

#include "admin/api/routes.h"

namespace admin::api {

// The route's handler for `request`: directly on a single node, through the fleet writer
// when `context` has one.
ApiResponse serve_route(const ApiContext& context, const Route& route, const ApiRequest& request);

}  // namespace admin::api
