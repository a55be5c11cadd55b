// Explain text. Only reached when select() was given a Trace.
#include "server/selector/trace.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <functional>

#include "geo/distance.h"
#include "server/selector/locate.h"
#include "server/selector/pool_state.h"

namespace server::selector {
namespace {

std::string state_text(const Context& ctx, const PoolView& v) {
  const zones::CompiledPool& pool = ctx.pool(v);
  std::string text;
  switch (v.health_status) {
    case PoolStatus::kFailed:
      return "failed";
    case PoolStatus::kDrained:
      return "drained";
    case PoolStatus::kDown:
      text = format("down (%u/%u healthy, min %u)", v.healthy, v.members,
                    std::max<uint32_t>(pool.min_healthy, 1));
      if (v.status == PoolStatus::kUp) text += ", answered as up (fail-open)";
      break;
    case PoolStatus::kUp:
      text = format("up (%u/%u healthy)", v.healthy, v.members);
      break;
  }
  if (v.status == PoolStatus::kUp && v.family_members == 0)
    text += format(", no %s member", family_name(ctx.family));
  else if (v.status == PoolStatus::kUp && v.usable_family == 0)
    text += format(", no usable %s member", family_name(ctx.family));
  return text;
}

std::string location_text(const Context& ctx) {
  const Client& c = ctx.client;
  if (c.family != 1 && c.family != 2) return "unknown client";
  std::string text = zones::address_text(c.family, c.address);
  if (c.from_ecs) text += format(" (ECS /%u)", c.source_prefix);
  const ClientLocation& loc = ctx.location;
  if (!loc.found) return text + ": location unknown";
  text +=
      format(": %s/%s", loc.continent[0] ? loc.continent : "-", loc.country[0] ? loc.country : "-");
  if (loc.has_coordinates) text += format(" %.2f,%.2f", loc.latitude, loc.longitude);
  return text + format(" (network /%u)", loc.prefix_len);
}

std::string location_source_text(const Context& ctx) {
  const ClientLocation& loc = ctx.location;
  switch (loc.source) {
    case LocationSource::kServiceOverride:
    case LocationSource::kGlobalOverride:
      return format("%s %s -> %s",
                    loc.source == LocationSource::kServiceOverride ? "service cidr override"
                                                                   : "cidr override",
                    network_text(loc.override->network).c_str(),
                    ctx.table.regions[loc.override->region].name.c_str());
    case LocationSource::kGeoDb:
      return ctx.client.from_ecs ? "ecs" : "source address";
    case LocationSource::kNone:
      break;
  }
  return "none";
}

}  // namespace

std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return std::string(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

std::string network_text(const zones::Network& net) {
  return format("%s/%u", zones::address_text(net.family, net.address).c_str(), net.prefix_len);
}

const std::string& pool_name(const Context& ctx, const PoolView& v) {
  return ctx.pool(v).name;
}

void note(Context& ctx, const char* text) {
  if (ctx.trace) ctx.trace->notes.emplace_back(text);
}

const char* missing_location_reason(const Context& ctx) {
  const ClientLocation& loc = ctx.location;
  if (ctx.client.family != 1 && ctx.client.family != 2)
    return "client address unknown: default order";
  if (loc.found) return "client location has no coordinates: default order";
  if (loc.source == LocationSource::kGeoDb)
    return "client not in the GeoIP database: default order";
  return "no GeoIP database: default order";
}

void finish_trace(Context& ctx, const Selection& sel) {
  Trace& t = *ctx.trace;
  const bool used = ctx.location.looked_up;
  locate(ctx);  // for the record: a policy that does not use it did not look
  t.location = location_text(ctx);
  t.location_source = location_source_text(ctx);
  if (!used) t.location += " (not used by this policy)";
  t.pools.clear();
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    const PoolView& v = ctx.pools[i];
    const zones::CompiledLink& link = ctx.link(v);
    const zones::CompiledRegion& region = ctx.region(v);
    const ClientLocation& loc = ctx.location;
    t.pools.push_back({.pool = ctx.pool(v).name,
                       .region = region.name,
                       .state = state_text(ctx, v),
                       .distance_km = loc.found && loc.has_coordinates
                                          ? geo::great_circle_km(loc.latitude, loc.longitude,
                                                                 region.latitude, region.longitude)
                                          : -1,
                       .bias_km = link.bias_km,
                       .latency_ms = v.latency_ms,
                       .load = v.load,
                       .weight = link.weight,
                       .priority = link.priority,
                       .chosen = v.chosen});
  }
  if (ctx.pools_capped)
    t.notes.push_back(format("the service links %u pools: only the first %u by priority count",
                             ctx.service.link_count, kMaxPools));
  t.members.clear();
  for (uint32_t a = 0; a < sel.count; ++a) {
    const zones::CompiledMember& m = *sel.answers[a];
    const std::less<const void*> before;
    const bool fallback = !ctx.table.fallback.empty() && !before(&m, ctx.table.fallback.data()) &&
                          before(&m, ctx.table.fallback.data() + ctx.table.fallback.size());
    std::string text = (fallback ? std::string("fallback") : ctx.table.pools[m.pool].name) + "/" +
                       zones::address_text(m);
    if (!m.label.empty() && m.label != zones::address_text(m)) text += " (" + m.label + ")";
    t.members.push_back(std::move(text));
  }
}

}  // namespace server::selector
