// Member usability and pool state, computed over all of a pool's members so
// that A and AAAA queries see the same pools up.
#include "server/selector/pool_state.h"

#include <algorithm>

namespace server::selector {
namespace {

PoolStatus status_of(const zones::CompiledPool& pool, uint32_t usable) {
  if (pool.admin == zones::AdminState::kFail) return PoolStatus::kFailed;
  if (pool.admin == zones::AdminState::kDrain) return PoolStatus::kDrained;
  return usable >= std::max<uint32_t>(pool.min_healthy, 1) ? PoolStatus::kUp : PoolStatus::kDown;
}

}  // namespace

bool member_healthy(const zones::ServiceTable& table, const zones::CompiledService& service,
                    uint32_t member) {
  if (table.members[member].admin != zones::AdminState::kEnabled) return false;
  const auto state =
      static_cast<zones::HealthState>(table.health[member].state.load(std::memory_order_relaxed));
  if (state == zones::HealthState::kUnknown) return service.unknown_is_up;
  return state == zones::HealthState::kUp;
}

bool member_usable(const Context& ctx, uint32_t member) {
  if (ctx.all_up) return ctx.table.members[member].admin == zones::AdminState::kEnabled;
  return member_healthy(ctx.table, ctx.service, member);
}

void evaluate_pools(Context& ctx) {
  const zones::CompiledService& svc = ctx.service;
  ctx.pools_capped = svc.link_count > kMaxPools;
  ctx.pool_count = std::min(svc.link_count, kMaxPools);
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    PoolView& v = ctx.pools[i];
    v.link = svc.links_begin + i;
    v.pool = ctx.table.links[v.link].pool;
    const zones::CompiledPool& pool = ctx.table.pools[v.pool];
    v.members = pool.member_count;
    v.usable = v.healthy = v.family_members = v.usable_family = 0;
    for (uint32_t m = pool.members_begin; m < pool.members_begin + pool.member_count; ++m) {
      const bool healthy = member_healthy(ctx.table, svc, m);
      const bool usable = member_usable(ctx, m);
      v.healthy += healthy;
      v.usable += usable;
      if (ctx.table.members[m].family != ctx.family) continue;
      ++v.family_members;
      v.usable_family += usable;
    }
    v.status = status_of(pool, v.usable);
    v.health_status = status_of(pool, v.healthy);
    v.candidate = v.status == PoolStatus::kUp && v.usable_family > 0;
    v.chosen = false;
    v.distance_km = v.latency_ms = v.load = -1;
  }
}

int first_candidate(const Context& ctx) {
  for (uint32_t i = 0; i < ctx.pool_count; ++i)
    if (ctx.pools[i].candidate) return static_cast<int>(i);
  return -1;
}

const char* family_name(uint8_t family) {
  return family == 1 ? "IPv4" : "IPv6";
}

}  // namespace server::selector
