// select(): evaluates the linked pools, applies the family rule and
// when_all_down, dispatches to the policy, then sets the TTL and ECS scope.
#include <algorithm>

#include "server/selector/locate.h"
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/selector.h"
#include "server/selector/trace.h"

namespace server {

using namespace selector;

namespace {

// when_all_down=fallback: the fallback addresses of the query's family.
void answer_fallback(Context& ctx, Selection& sel) {
  WeightedMember items[kMaxMembers];
  uint32_t n = 0;
  const zones::CompiledService& svc = ctx.service;
  for (uint32_t i = svc.fallback_begin; i < svc.fallback_begin + svc.fallback_count; ++i) {
    const zones::CompiledMember& m = ctx.table.fallback[i];
    if (m.family == ctx.family && n < kMaxMembers) items[n++] = {&m, static_cast<double>(m.weight)};
  }
  sel.count = weighted_sample(items, n, ctx.want, ctx.rng, sel.answers);
  sel.nodata = sel.count == 0;
}

void run_policy(Context& ctx, Selection& sel) {
  switch (ctx.service.policy) {
    case zones::Policy::kFailover:
      return choose_failover(ctx, sel);
    case zones::Policy::kWeighted:
      return choose_weighted(ctx, sel);
    case zones::Policy::kGeo:
      return choose_geo(ctx, sel);
    case zones::Policy::kProximity:
      return choose_proximity(ctx, sel);
    case zones::Policy::kLatency:
      return choose_latency(ctx, sel);
    case zones::Policy::kAll:
      return choose_all(ctx, sel);
  }
  choose_failover(ctx, sel);
}

// Everything but the trace: family rule, degraded TTL, when_all_down, the
// policy, the ECS scope.
void decide(Context& ctx, Selection& sel) {
  const zones::CompiledService& svc = ctx.service;
  const uint32_t degraded_ttl = std::min(svc.ttl, svc.degraded_ttl);
  if (ctx.family == 0) {
    sel.nodata = true;
    if (ctx.trace) ctx.trace->rule = "not an A or AAAA query: NODATA";
    return;
  }
  if (ctx.table.stale_data->load(std::memory_order_relaxed)) {
    sel.ttl = degraded_ttl;
    if (ctx.trace)
      ctx.trace->notes.push_back(format(
          "degraded TTL %u: this node's data may be stale (cut off from etcd)", degraded_ttl));
  }
  evaluate_pools(ctx);
  bool any_up = false, any_family = false, any_candidate = false;
  const PoolView* degraded_by = nullptr;
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    const PoolView& v = ctx.pools[i];
    any_up |= v.status == PoolStatus::kUp;
    any_family |= v.family_members > 0;
    any_candidate |= v.candidate;
    if (!degraded_by && (v.status == PoolStatus::kDown || v.status == PoolStatus::kFailed))
      degraded_by = &v;
  }
  if (degraded_by) {
    sel.ttl = degraded_ttl;
    if (ctx.trace)
      ctx.trace->notes.push_back(format(
          "degraded TTL %u: pool %s is %s", degraded_ttl, pool_name(ctx, *degraded_by).c_str(),
          degraded_by->status == PoolStatus::kFailed ? "failed" : "down"));
  }
  if (!any_family) {
    sel.nodata = true;
    if (ctx.trace)
      ctx.trace->rule = format("no linked pool has an %s member: NODATA", family_name(ctx.family));
    return;
  }
  if (!any_candidate) {
    sel.ttl = degraded_ttl;
    const char* why =
        any_up ? "no up pool has a usable member of the family" : "no linked pool is up";
    switch (svc.when_all_down) {
      case zones::WhenAllDown::kNodata:
        sel.nodata = true;
        if (ctx.trace) ctx.trace->rule = format("%s; when_all_down=nodata: NODATA", why);
        return;
      case zones::WhenAllDown::kFallback:
        answer_fallback(ctx, sel);
        if (ctx.trace)
          ctx.trace->rule = format(
              "%s; when_all_down=fallback: %s", why,
              sel.nodata ? "no fallback address of the family, NODATA" : "the fallback addresses");
        return;
      case zones::WhenAllDown::kFailOpen:
        break;
    }
    ctx.all_up = true;
    evaluate_pools(ctx);
    if (first_candidate(ctx) < 0) {
      sel.nodata = true;
      if (ctx.trace)
        ctx.trace->rule = format(
            "%s; when_all_down=fail-open, but drained or failed pools and members leave nothing "
            "to answer: NODATA",
            why);
      return;
    }
    if (ctx.trace)
      ctx.trace->notes.push_back(
          format("%s; when_all_down=fail-open: chosen as if every member were healthy", why));
  }
  run_policy(ctx, sel);
  sel.scope_prefix = ecs_scope(ctx);
}

}  // namespace

Selection select(const zones::CompiledService& service, uint16_t qtype, const Client& client,
                 const SelectorEnv& env, Trace* trace) {
  Selection sel;
  if (trace) *trace = Trace{};
  Rng own_rng(1);  // only when the caller passed none
  Context ctx(service, *env.table, client, env.geodb, env.rng ? *env.rng : own_rng, trace);
  ctx.family = qtype == 1 ? 1 : qtype == 28 ? 2 : 0;
  ctx.want = std::clamp<uint32_t>(service.max_answers, 1, kMaxSelected);
  sel.ttl = service.ttl;
  decide(ctx, sel);
  if (trace) finish_trace(ctx, sel);
  return sel;
}

}  // namespace server
