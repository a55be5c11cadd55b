// The admin API's resource routes called as functions (no HTTP): a migrated store holding the
// GSLB sample configuration, the routes over it, and a way to call them by method and path.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "admin/api/routes.h"
#include "tests/unit/test_gslb_store_fixture.h"
#include "zones/audit.h"

namespace apitest {

inline constexpr const char* kApiActor = "token:ops";

struct ApiFixture : gslbtest::GslbFixture {
  int reloads = 0;  // config_written calls
  admin::api::ApiContext context;
  std::vector<admin::api::Route> routes;

  ApiFixture() {
    apply(gslbtest::sample());
    context.db_path = (dir / "store.db").string();
    context.config_written = [this] { ++reloads; };
    routes = admin::api::resource_routes(context);
  }

  // `target` may carry a query: "/v1/audit?limit=5" (no %-decoding: tests do not need it).
  admin::api::ApiResponse call(const std::string& method, const std::string& target,
                               const std::string& body = "") {
    admin::api::ApiRequest request;
    request.method = method;
    request.path = target.substr(0, target.find('?'));
    request.body = body;
    request.actor = kApiActor;
    if (const size_t q = target.find('?'); q != std::string::npos)
      add_query(request, target.substr(q + 1));
    const admin::api::Route* route =
        admin::api::match_route(routes, method, request.path, request.params);
    REQUIRE_MESSAGE(route != nullptr, (method + " " + request.path + ": no route"));
    return route->handler(request);
  }

  admin::api::ApiResponse call(const std::string& method, const std::string& target,
                               const nlohmann::json& body) {
    return call(method, target, body.dump());
  }

  // Everything a write could change: the configuration, the zones and the audit log.
  std::string everything() {
    std::string all = gslbtest::shape(load());
    auto zones = store.load_zones();
    REQUIRE(zones.has_value());
    for (const auto& zone : *zones)
      all += zone.info.name + std::to_string(zone.info.soa.serial) +
             std::to_string(zone.records.size());
    return all + std::to_string(audit_rows());
  }

 private:
  static void add_query(admin::api::ApiRequest& request, const std::string& query) {
    size_t at = 0;
    while (at <= query.size()) {
      const size_t end = std::min(query.find('&', at), query.size());
      const std::string pair = query.substr(at, end - at);
      const size_t eq = pair.find('=');
      if (!pair.empty())
        request.params[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
      at = end + 1;
    }
  }
};

// The status, with the body shown when it is not the expected one.
#define CHECK_STATUS(response, expected) \
  do {                                   \
    const auto& r_ = (response);         \
    CAPTURE(r_.body.dump());             \
    CHECK(r_.status == (expected));      \
  } while (0)

}  // namespace apitest
