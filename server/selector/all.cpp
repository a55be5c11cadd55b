// all: up to max_answers usable members of the family across every candidate
// pool, weighted-shuffled by member weight × link weight (multi-value answer).
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/trace.h"

namespace server::selector {

void choose_all(Context& ctx, Selection& sel) {
  WeightedMember items[kMaxMembers];
  uint32_t n = 0, pools = 0;
  for (uint32_t i = 0; i < ctx.pool_count && n < kMaxMembers; ++i) {
    const PoolView& v = ctx.pools[i];
    if (!v.candidate) continue;
    ++pools;
    const zones::CompiledPool& pool = ctx.pool(v);
    const double link_weight = ctx.link(v).weight;
    for (uint32_t m = pool.members_begin;
         m < pool.members_begin + pool.member_count && n < kMaxMembers; ++m) {
      const zones::CompiledMember& member = ctx.table.members[m];
      if (member.family != ctx.family || !member_usable(ctx, m)) continue;
      items[n++] = {&member, member.weight * link_weight};
    }
  }
  sel.count = weighted_sample(items, n, ctx.want, ctx.rng, sel.answers);
  for (uint32_t a = 0; a < sel.count; ++a)
    for (uint32_t i = 0; i < ctx.pool_count; ++i)
      if (ctx.pools[i].pool == sel.answers[a]->pool) ctx.pools[i].chosen = true;
  if (ctx.trace)
    ctx.trace->rule =
        format("all: %u of %u usable %s members across %u up pools, by member × link weight",
               sel.count, n, family_name(ctx.family), pools);
}

}  // namespace server::selector
