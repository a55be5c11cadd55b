// proximity: the candidate nearest the client (great-circle distance minus
// the link's bias). When the nearest pool that could answer the family is not
// a candidate (down, failed, drained), its clients spread over the
// candidates within max(1000 km, 50 % of the nearest candidate's distance)
// beyond the nearest candidate, by link weight (gdnsd #126).
#include <algorithm>

#include "geo/distance.h"
#include "server/selector/locate.h"
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/trace.h"

namespace server::selector {

namespace {
constexpr double kSpreadMinKm = 1000;    // a dead region's clients spread at least this far
constexpr double kSpreadFraction = 0.5;  // or this share of the nearest up pool's distance
}  // namespace

void choose_proximity(Context& ctx, Selection& sel) {
  use_location(ctx);
  const ClientLocation& loc = ctx.location;
  if (!loc.has_coordinates) return choose_default_order(ctx, sel, "proximity");
  int nearest = -1, nearest_up = -1;
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    PoolView& v = ctx.pools[i];
    const zones::CompiledRegion& r = ctx.region(v);
    v.distance_km = geo::great_circle_km(loc.latitude, loc.longitude, r.latitude, r.longitude) -
                    ctx.link(v).bias_km;
    if (v.family_members == 0) continue;
    const PoolView* n = nearest < 0 ? nullptr : &ctx.pools[nearest];
    if (!n || v.distance_km < n->distance_km ||
        (v.distance_km == n->distance_km && v.candidate && !n->candidate))
      nearest = static_cast<int>(i);
    if (v.candidate && (nearest_up < 0 || v.distance_km < ctx.pools[nearest_up].distance_km))
      nearest_up = static_cast<int>(i);
  }
  if (ctx.pools[nearest].candidate) {
    PoolView& v = ctx.pools[nearest];
    answer_from_pool(ctx, v, sel, ctx.rng);
    if (ctx.trace)
      ctx.trace->rule = format("proximity: %s is the nearest up pool (%.0f km)",
                               pool_name(ctx, v).c_str(), v.distance_km);
    return;
  }
  // The nearest pool cannot answer: spread its clients by weight.
  const double d_up = ctx.pools[nearest_up].distance_km;
  const double reach = d_up + std::max(kSpreadMinKm, kSpreadFraction * d_up);
  uint32_t index[kMaxPools];
  double weight[kMaxPools];
  uint32_t n = 0;
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    const PoolView& v = ctx.pools[i];
    if (!v.candidate || v.distance_km > reach) continue;
    index[n] = i;
    weight[n++] = ctx.link(v).weight;
  }
  PoolView& v = ctx.pools[index[pick_weighted(weight, n, ctx.rng)]];
  answer_from_pool(ctx, v, sel, ctx.rng);
  if (ctx.trace)
    ctx.trace->rule = format(
        "proximity: the nearest pool %s (%.0f km) is not up, so its clients spread by weight over "
        "the %u up pools within %.0f km: %s (%.0f km, weight %u)",
        pool_name(ctx, ctx.pools[nearest]).c_str(), ctx.pools[nearest].distance_km, n, reach,
        pool_name(ctx, v).c_str(), v.distance_km, ctx.link(v).weight);
}

}  // namespace server::selector
