// A pool's members: /v1/pools/{pool}/members[/{address}]. A member is edited inside its pool
// (GslbStore::edit), so the pool's own fields and the other members are never touched;
// draining or failing one is a PATCH of its admin_state.
#include <string>

#include "admin/api/api_store.h"
#include "admin/api/resources.h"
#include "zones/gslb_json.h"

namespace admin::api {
namespace {

using nlohmann::json;

std::string member_object(const std::string& pool, const std::string& address) {
  return "member/" + pool + "/" + stored_address(address);
}

zones::Result<zones::Pool*> find_pool(zones::GslbConfig& config, const std::string& name) {
  for (zones::Pool& pool : config.pools) {
    if (pool.name == name) return &pool;
  }
  return std::unexpected(not_found("pool/" + name));
}

zones::Member* find_member(zones::Pool& pool, const std::string& address) {
  for (zones::Member& member : pool.members) {
    if (member.address == stored_address(address)) return &member;
  }
  return nullptr;
}

// The body as one member, parsed inside a stand-in pool so that the config file's member
// rules apply; problems are named by the member's own fields.
zones::Result<zones::Member> parse_member(const json& body) {
  const json document = {
      {"pools", json::array({{{"name", "p"}, {"region", "r"}, {"members", json::array({body})}}})}};
  auto config = parse_document(document, "pools[0].members[0]");
  if (!config) return std::unexpected(config.error());
  return config->pools.front().members.front();
}

std::string focus_of(const zones::GslbConfig& config, const zones::Pool* pool,
                     const zones::Member* member) {
  return "pools[" + std::to_string(pool - config.pools.data()) + "].members[" +
         std::to_string(member - pool->members.data()) + "]";
}

ApiResponse stored(const ApiContext& context, const std::string& pool_name,
                   const std::string& address, int status) {
  auto config = load_gslb(context);
  if (!config) return error_response(config.error());
  auto pool = find_pool(*config, pool_name);
  if (!pool) return error_response(pool.error());
  const zones::Member* member = find_member(**pool, address);
  if (member == nullptr) return error_response(not_found(member_object(pool_name, address)));
  return json_response(status, zones::gslb_json(*member));
}

ApiResponse list_members(const ApiContext& context, const ApiRequest& request) {
  auto config = load_gslb(context);
  if (!config) return error_response(config.error());
  auto pool = find_pool(*config, param(request, "pool"));
  if (!pool) return error_response(pool.error());
  json members = json::array();
  for (const zones::Member& m : (*pool)->members) members.push_back(zones::gslb_json(m));
  return json_response(200, std::move(members));
}

ApiResponse create(const ApiContext& context, const ApiRequest& request) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  auto member = parse_member(*body);
  if (!member) return error_response(member.error());
  const std::string pool_name = param(request, "pool");
  auto plan = edit_gslb(
      context, request, [&](zones::GslbConfig& config, std::string& focus) -> zones::Result<void> {
        auto pool = find_pool(config, pool_name);
        if (!pool) return std::unexpected(pool.error());
        if (find_member(**pool, member->address))
          return std::unexpected(already_exists(member_object(pool_name, member->address)));
        (*pool)->members.push_back(*member);
        focus = focus_of(config, *pool, &(*pool)->members.back());
        return {};
      });
  if (!plan) return error_response(plan.error());
  return stored(context, pool_name, member->address, 201);
}

// The body as the member named in the path: its address must match or be absent.
zones::Result<zones::Member> replacement(json body, const std::string& address) {
  const auto given = body.find("address");
  if (given != body.end() && !given->is_null() &&
      (!given->is_string() || stored_address(given->get<std::string>()) != address))
    return zones::fail(zones::ErrorCode::kInvalid, "address",
                       "must be the address in the path (" + address + ") or absent");
  body["address"] = address;
  return parse_member(body);
}

// PUT replaces the member; PATCH merges the body onto its stored JSON (RFC 7396).
ApiResponse update(const ApiContext& context, const ApiRequest& request, bool merge) {
  auto body = parse_body(request);
  if (!body) return error_response(body.error());
  const std::string pool_name = param(request, "pool"), address = param(request, "address");
  auto plan = edit_gslb(context, request,
                        [&](zones::GslbConfig& config, std::string& focus) -> zones::Result<void> {
                          auto pool = find_pool(config, pool_name);
                          if (!pool) return std::unexpected(pool.error());
                          zones::Member* member = find_member(**pool, address);
                          if (member == nullptr)
                            return std::unexpected(not_found(member_object(pool_name, address)));
                          json wanted = *body;
                          if (merge) {
                            wanted = zones::gslb_json(*member);
                            wanted.merge_patch(*body);
                          }
                          auto next = replacement(std::move(wanted), member->address);
                          if (!next) return std::unexpected(next.error());
                          *member = std::move(*next);
                          focus = focus_of(config, *pool, member);
                          return {};
                        });
  if (!plan) return error_response(plan.error());
  return stored(context, pool_name, address, 200);
}

ApiResponse remove(const ApiContext& context, const ApiRequest& request) {
  const std::string pool_name = param(request, "pool"), address = param(request, "address");
  auto plan = edit_gslb(context, request,
                        [&](zones::GslbConfig& config, std::string&) -> zones::Result<void> {
                          auto pool = find_pool(config, pool_name);
                          if (!pool) return std::unexpected(pool.error());
                          zones::Member* member = find_member(**pool, address);
                          if (member == nullptr)
                            return std::unexpected(not_found(member_object(pool_name, address)));
                          auto& members = (*pool)->members;
                          members.erase(members.begin() + (member - members.data()));
                          return {};
                        });
  if (!plan) return error_response(plan.error());
  return json_response(200, {{"deleted", member_object(pool_name, address)}});
}

}  // namespace

std::vector<Route> member_routes(const ApiContext& context) {
  const std::string all = "/v1/pools/{pool}/members", one = all + "/{address}";
  return {
      {"GET", all, false, [=](const ApiRequest& r) { return list_members(context, r); }},
      {"POST", all, true, [=](const ApiRequest& r) { return create(context, r); }},
      {"GET", one, false,
       [=](const ApiRequest& r) {
         return stored(context, param(r, "pool"), param(r, "address"), 200);
       }},
      {"PUT", one, true, [=](const ApiRequest& r) { return update(context, r, false); }},
      {"PATCH", one, true, [=](const ApiRequest& r) { return update(context, r, true); }},
      {"DELETE", one, true, [=](const ApiRequest& r) { return remove(context, r); }},
  };
}

}  // namespace admin::api
