// Client location and the ECS scope rules.
#include "server/selector/locate.h"

#include <algorithm>
#include <cstring>

namespace server::selector {
namespace {

uint8_t family_bits(uint8_t family) {
  return family == 1 ? 32 : 128;
}

// Leading bits that `a` and `b` share, at most `limit`.
uint8_t common_bits(const uint8_t* a, const uint8_t* b, uint8_t limit) {
  uint8_t bits = 0;
  for (unsigned i = 0; bits < limit; ++i) {
    const uint8_t diff = a[i] ^ b[i];
    if (diff == 0) {
      bits = static_cast<uint8_t>(bits + 8);
      continue;
    }
    bits = static_cast<uint8_t>(bits + __builtin_clz(diff) - 24);
    break;
  }
  return std::min(bits, limit);
}

// Lengthens `scope` so that the client's /scope network does not contain
// `net` unless `net` would give the same answer (RFC 7871 §7.3.1: the scope
// must cover only clients that get this answer).
uint8_t lengthen_for(const zones::Network& net, const Client& client, uint8_t scope) {
  if (net.family != client.family || net.prefix_len <= scope) return scope;
  const uint8_t common = common_bits(client.address, net.address, net.prefix_len);
  if (common < scope) return scope;  // not inside the client's /scope network
  return std::max<uint8_t>(scope, std::min<uint8_t>(common + 1, net.prefix_len));
}

}  // namespace

bool network_matches(const zones::Network& net, const Client& client) {
  return net.family == client.family && net.prefix_len <= client.source_prefix &&
         net.contains(client.family, client.address);
}

const zones::CompiledOverride* match_override(const zones::ServiceTable& table, uint32_t begin,
                                              uint32_t count, const Client& client) {
  const zones::CompiledOverride* best = nullptr;
  for (uint32_t i = begin; i < begin + count; ++i) {
    const zones::CompiledOverride& o = table.overrides[i];
    if (!network_matches(o.network, client)) continue;
    if (!best || o.network.prefix_len > best->network.prefix_len) best = &o;
  }
  return best;
}

void locate(Context& ctx) {
  ClientLocation& loc = ctx.location;
  if (loc.looked_up) return;
  loc.looked_up = true;
  const Client& client = ctx.client;
  if (client.family != 1 && client.family != 2) return;
  const zones::CompiledOverride* o =
      match_override(ctx.table, ctx.service.overrides_begin, ctx.service.overrides_count, client);
  loc.source = LocationSource::kServiceOverride;
  if (!o) {
    o = match_override(ctx.table, ctx.table.global_overrides_begin,
                       ctx.table.global_overrides_count, client);
    loc.source = LocationSource::kGlobalOverride;
  }
  if (o) {
    const zones::CompiledRegion& region = ctx.table.regions[o->region];
    loc.override = o;
    loc.found = loc.has_coordinates = true;
    loc.latitude = region.latitude;
    loc.longitude = region.longitude;
    std::memcpy(loc.continent, region.continent, sizeof loc.continent);
    std::memcpy(loc.country, region.country, sizeof loc.country);
    loc.prefix_len = o->network.prefix_len;
    return;
  }
  loc.source = LocationSource::kNone;
  if (!ctx.geodb) return;
  loc.source = LocationSource::kGeoDb;
  const geo::Location g = ctx.geodb->lookup(client.family, client.address);
  if (!g.found) {
    // Unknown to the database: every client of the source network may be
    // placed differently, so the answer is only good for that network.
    loc.prefix_len = client.source_prefix;
    return;
  }
  loc.found = true;
  loc.has_coordinates = g.has_coordinates;
  loc.latitude = g.latitude;
  loc.longitude = g.longitude;
  std::memcpy(loc.continent, g.continent, sizeof loc.continent);
  std::memcpy(loc.country, g.country, sizeof loc.country);
  loc.prefix_len = std::min(g.prefix_len, family_bits(client.family));
}

void use_location(Context& ctx) {
  locate(ctx);
  ctx.scope_basis = ScopeBasis::kLocation;
  ctx.location_used = true;
}

uint8_t ecs_scope(const Context& ctx) {
  const Client& client = ctx.client;
  if (client.family != 1 && client.family != 2) return 0;
  uint8_t scope = 0;
  if (ctx.scope_basis == ScopeBasis::kLocation) scope = ctx.location.prefix_len;
  if (ctx.scope_basis == ScopeBasis::kPrefix) scope = ctx.scope_prefix;
  scope = std::min(scope, client.source_prefix);
  // Networks that did not match the client but would have changed the
  // answer had they matched: the answer must not be cached for them.
  const uint8_t base = scope;
  auto consider = [&](const zones::Network& net) {
    scope = std::max(scope, lengthen_for(net, client, base));
  };
  if (ctx.location_used) {
    const zones::CompiledService& svc = ctx.service;
    for (uint32_t i = svc.overrides_begin; i < svc.overrides_begin + svc.overrides_count; ++i)
      consider(ctx.table.overrides[i].network);
    if (ctx.location.source != LocationSource::kServiceOverride)
      for (uint32_t i = ctx.table.global_overrides_begin;
           i < ctx.table.global_overrides_begin + ctx.table.global_overrides_count; ++i)
        consider(ctx.table.overrides[i].network);
  }
  if (ctx.geo_cidr_used) {
    const zones::CompiledService& svc = ctx.service;
    for (uint32_t i = svc.geo_begin; i < svc.geo_begin + svc.geo_count; ++i)
      if (ctx.table.geo[i].kind == zones::GeoMatchKind::kCidr) consider(ctx.table.geo[i].network);
  }
  return std::min(scope, client.source_prefix);
}

}  // namespace server::selector
