// fuzz_api_json: an admin API request body in, through the real resource routes (called as
// functions, as tests/unit/test_api_fixture.h does) over a store made once per process. The
// first byte picks the method and resource, the rest is the body. Writes really happen, so
// later inputs meet what earlier ones made; every answer must be a status the API documents
// with a JSON object body, and a 4xx must say what is wrong.
#include <map>
#include <string>
#include <vector>

#include "admin/api/routes.h"
#include "tests/fuzz/fuzz_store.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

struct Target {
  const char* method;
  const char* path;
  std::map<std::string, std::string> query;
};

// Every route that reads a body, on objects docs/examples/demo.yaml creates.
const std::vector<Target> kTargets = {
    {"POST", "/v1/zones", {}},
    {"PUT", "/v1/zones/gslb.example.", {}},
    {"POST", "/v1/zones/gslb.example./records", {}},
    {"DELETE", "/v1/zones/gslb.example./records", {}},
    {"POST", "/v1/regions", {}},
    {"PUT", "/v1/regions/us-east", {}},
    {"PATCH", "/v1/regions/eu-west", {}},
    {"POST", "/v1/monitors", {}},
    {"PUT", "/v1/monitors/lb-health", {}},
    {"PATCH", "/v1/monitors/lb-health", {}},
    {"POST", "/v1/pools", {}},
    {"PUT", "/v1/pools/us-east", {}},
    {"PATCH", "/v1/pools/eu-west", {}},
    {"POST", "/v1/services", {}},
    {"PUT", "/v1/services/app.gslb.example.", {}},
    {"PATCH", "/v1/services/login.gslb.example.", {}},
    {"POST", "/v1/pools/us-east/members", {}},
    {"PUT", "/v1/pools/us-east/members/127.0.0.11", {}},
    {"PATCH", "/v1/pools/eu-west/members/127.0.0.21", {}},
    {"PUT", "/v1/services/app.gslb.example./geo", {}},
    {"POST", "/v1/overrides", {}},
    {"POST", "/v1/drills", {}},
    {"POST", "/v1/apply", {{"dry_run", "true"}}},
    {"POST", "/v1/apply", {{"format", "json"}, {"dry_run", "true"}}},
    {"POST", "/v1/apply", {{"prune", "true"}, {"dry_run", "true"}}},
    {"POST", "/v1/apply", {}},
};

struct Api {
  fuzz::FuzzStore store;
  admin::api::ApiContext context;
  std::vector<admin::api::Route> routes;
  Api() {
    context.db_path = store.db_path;
    routes = admin::api::resource_routes(context);
  }
};

void check_response(const admin::api::ApiResponse& r) {
  fuzz::check(r.status >= 200 && r.status < 600, "an HTTP status");
  fuzz::check(r.status != 500, "no internal error from a request body");
  fuzz::check(r.body.is_object(), "a JSON object body");
  if (r.status >= 400) fuzz::check(r.body.contains("error"), "an error says what is wrong");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Api api;
  if (size == 0) return -1;
  const Target& target = kTargets[data[0] % kTargets.size()];
  admin::api::ApiRequest request;
  request.method = target.method;
  request.path = target.path;
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  request.actor = "fuzz";
  const admin::api::Route* route =
      admin::api::match_route(api.routes, request.method, request.path, request.params);
  fuzz::check(route != nullptr, "every target has a route");
  request.params.insert(target.query.begin(), target.query.end());
  check_response(route->handler(request));
  return 0;
}
