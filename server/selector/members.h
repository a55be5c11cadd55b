// Shared step 2: weighted random choices, of pools and of members.
#pragma once

#include "server/selector/context.h"

namespace server::selector {

struct WeightedMember {
  const zones::CompiledMember* member;
  double weight;
};

// Index in [0, n) drawn with probability weights[i] / sum. Zero weights are
// drawn only when every weight is zero (then uniformly). n must be > 0.
uint32_t pick_weighted(const double* weights, uint32_t n, Rng& rng);

// Weighted shuffle without replacement: writes up to `want` members to `out`
// and returns how many. Zero-weight members are taken only when no member
// has a positive weight. Reorders `items`.
uint32_t weighted_sample(WeightedMember* items, uint32_t n, uint32_t want, Rng& rng,
                         const zones::CompiledMember** out);

// Fills `sel` with up to ctx.want usable members of the query's family from
// pool `v` (at most kMaxMembers of them are considered), and marks it chosen.
void answer_from_pool(Context& ctx, PoolView& v, Selection& sel, Rng& rng);

}  // namespace server::selector
