// latency: estimated latency = distance / 100 km per ms (round trip in
// fibre) + the pool's measured response time. Pools reporting load above
// the service's threshold shed their traffic; the pools within tolerance_ms
// of the best share it in proportion to weight / latency².
#include <algorithm>

#include "geo/distance.h"
#include "server/selector/locate.h"
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/trace.h"

namespace server::selector {

namespace {

constexpr double kKmPerMs = 100;     // fibre: ~200 km/ms one way, so RTT = km / 100
constexpr double kMinLatencyMs = 1;  // floor in the weight / latency² share

// Mean RTT (ms) of the usable members that report one, and their highest
// load (0..1), over members of every family: pool-level measures.
void measure(const Context& ctx, PoolView& v) {
  const zones::CompiledPool& pool = ctx.pool(v);
  uint64_t rtt_sum = 0;
  uint32_t rtt_count = 0, load = 0;
  for (uint32_t m = pool.members_begin; m < pool.members_begin + pool.member_count; ++m) {
    if (!member_usable(ctx, m)) continue;
    const zones::MemberHealth& h = ctx.table.health[m];
    const uint32_t rtt = h.rtt_us.load(std::memory_order_relaxed);
    if (rtt > 0) {
      rtt_sum += rtt;
      ++rtt_count;
    }
    load = std::max<uint32_t>(load, h.load_permille.load(std::memory_order_relaxed));
  }
  const double rtt_ms = rtt_count ? static_cast<double>(rtt_sum) / rtt_count / 1000.0 : 0;
  v.latency_ms = std::max(0.0, v.distance_km) / kKmPerMs + rtt_ms;
  v.load = std::min(load, 1000u) / 1000.0;
}

}  // namespace

void choose_latency(Context& ctx, Selection& sel) {
  use_location(ctx);
  const ClientLocation& loc = ctx.location;
  if (!loc.has_coordinates) return choose_default_order(ctx, sel, "latency");
  const double threshold = ctx.service.load_threshold;
  int best = -1, least_loaded = -1;
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    PoolView& v = ctx.pools[i];
    const zones::CompiledRegion& r = ctx.region(v);
    v.distance_km = geo::great_circle_km(loc.latitude, loc.longitude, r.latitude, r.longitude) -
                    ctx.link(v).bias_km;
    if (!v.candidate) continue;
    measure(ctx, v);
    if (least_loaded < 0 || v.load < ctx.pools[least_loaded].load ||
        (v.load == ctx.pools[least_loaded].load &&
         v.latency_ms < ctx.pools[least_loaded].latency_ms))
      least_loaded = static_cast<int>(i);
    if (v.load <= threshold && (best < 0 || v.latency_ms < ctx.pools[best].latency_ms))
      best = static_cast<int>(i);
  }
  if (best < 0) {  // every candidate is over the threshold
    PoolView& v = ctx.pools[least_loaded];
    answer_from_pool(ctx, v, sel, ctx.rng);
    if (ctx.trace)
      ctx.trace->rule = format(
          "latency: every up pool reports load above %.2f, so the least loaded: %s (load %.2f)",
          threshold, pool_name(ctx, v).c_str(), v.load);
    return;
  }
  const double limit = ctx.pools[best].latency_ms + ctx.service.tolerance_ms;
  uint32_t index[kMaxPools];
  double weight[kMaxPools];
  uint32_t n = 0;
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    const PoolView& v = ctx.pools[i];
    if (!v.candidate || v.load > threshold || v.latency_ms > limit) continue;
    const double latency = std::max(kMinLatencyMs, v.latency_ms);
    index[n] = i;
    weight[n++] = ctx.link(v).weight / (latency * latency);
  }
  PoolView& v = ctx.pools[index[pick_weighted(weight, n, ctx.rng)]];
  answer_from_pool(ctx, v, sel, ctx.rng);
  if (ctx.trace)
    ctx.trace->rule = format(
        "latency: best estimate %.1f ms (%s); %u pools within %u ms share by weight / latency²: "
        "%s (%.1f ms, weight %u)",
        ctx.pools[best].latency_ms, pool_name(ctx, ctx.pools[best]).c_str(), n,
        ctx.service.tolerance_ms, pool_name(ctx, v).c_str(), v.latency_ms, ctx.link(v).weight);
}

}  // namespace server::selector
