// match_route and methods_for_path: literal and {param} segments, the {param...} tail.
#include <doctest/doctest.h>

#include "admin/api/routes.h"

namespace {

using admin::api::Route;

std::vector<Route> sample_routes() {
  auto ok = [](const admin::api::ApiRequest&) { return admin::api::ApiResponse{}; };
  return {{"GET", "/v1/pools", false, ok},
          {"GET", "/v1/pools/{pool}/members/{address}", false, ok},
          {"DELETE", "/v1/pools/{pool}/members/{address}", true, ok},
          {"DELETE", "/v1/overrides/{cidr...}", true, ok}};
}

}  // namespace

TEST_CASE("match_route fills path parameters by their names") {
  const auto routes = sample_routes();
  std::map<std::string, std::string> params{{"pool", "from-query"}};
  const Route* route =
      admin::api::match_route(routes, "GET", "/v1/pools/us-east/members/2001:db8::1", params);
  REQUIRE(route == &routes[1]);
  CHECK(params["pool"] == "us-east");  // the path parameter wins over the query's
  CHECK(params["address"] == "2001:db8::1");
}

TEST_CASE("a {param...} tail takes the rest of the path, slashes included") {
  const auto routes = sample_routes();
  std::map<std::string, std::string> params;
  REQUIRE(admin::api::match_route(routes, "DELETE", "/v1/overrides/10.0.0.0/8", params) ==
          &routes[3]);
  CHECK(params["cidr"] == "10.0.0.0/8");
}

TEST_CASE("no route matches a wrong method, an unknown path or a missing segment") {
  const auto routes = sample_routes();
  std::map<std::string, std::string> params;
  CHECK(admin::api::match_route(routes, "POST", "/v1/pools/x/members/y", params) == nullptr);
  CHECK(admin::api::match_route(routes, "GET", "/v1/pool", params) == nullptr);
  CHECK(admin::api::match_route(routes, "GET", "/v1/pools/x/members", params) == nullptr);
  CHECK(admin::api::match_route(routes, "DELETE", "/v1/overrides", params) == nullptr);
  CHECK(params.empty());
  CHECK(admin::api::methods_for_path(routes, "/v1/pools/a/members/b") ==
        std::vector<std::string>{"GET", "DELETE"});
}
