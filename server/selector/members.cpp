// Weighted draws: one pool among several, and a weighted shuffle of members.
#include "server/selector/members.h"

#include "server/selector/pool_state.h"

namespace server::selector {

uint32_t pick_weighted(const double* weights, uint32_t n, Rng& rng) {
  double total = 0;
  for (uint32_t i = 0; i < n; ++i) total += weights[i] > 0 ? weights[i] : 0;
  if (n == 1) return 0;
  if (total <= 0) return static_cast<uint32_t>(rng.unit() * n);
  const double r = rng.unit() * total;
  double acc = 0;
  uint32_t last = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (weights[i] <= 0) continue;
    acc += weights[i];
    last = i;
    if (r < acc) return i;
  }
  return last;  // rounding at the top end
}

uint32_t weighted_sample(WeightedMember* items, uint32_t n, uint32_t want, Rng& rng,
                         const zones::CompiledMember** out) {
  bool any_positive = false;
  for (uint32_t i = 0; i < n; ++i) any_positive |= items[i].weight > 0;
  if (any_positive) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; ++i)
      if (items[i].weight > 0) items[kept++] = items[i];
    n = kept;
  } else {
    for (uint32_t i = 0; i < n; ++i) items[i].weight = 1;
  }
  uint32_t count = 0;
  while (count < want && n > 0) {
    uint32_t chosen = 0;
    if (n > 1) {
      double total = 0;
      for (uint32_t i = 0; i < n; ++i) total += items[i].weight;
      const double r = rng.unit() * total;
      double acc = 0;
      chosen = n - 1;
      for (uint32_t i = 0; i < n; ++i) {
        acc += items[i].weight;
        if (r < acc) {
          chosen = i;
          break;
        }
      }
    }
    out[count++] = items[chosen].member;
    items[chosen] = items[--n];
  }
  return count;
}

void answer_from_pool(Context& ctx, PoolView& v, Selection& sel, Rng& rng) {
  WeightedMember items[kMaxMembers];
  uint32_t n = 0;
  const zones::CompiledPool& pool = ctx.pool(v);
  for (uint32_t m = pool.members_begin; m < pool.members_begin + pool.member_count; ++m) {
    const zones::CompiledMember& member = ctx.table.members[m];
    if (member.family != ctx.family || !member_usable(ctx, m)) continue;
    if (n == kMaxMembers) break;
    items[n++] = {&member, static_cast<double>(member.weight)};
  }
  sel.count = weighted_sample(items, n, ctx.want, rng, sel.answers);
  v.chosen = sel.count > 0;
}

}  // namespace server::selector
