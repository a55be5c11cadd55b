// failover: the first candidate pool by priority. Also the default order of
// the location-based policies when the client's location is not usable.
#include "server/selector/locate.h"
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/trace.h"

namespace server::selector {

void choose_failover(Context& ctx, Selection& sel) {
  PoolView& v = ctx.pools[first_candidate(ctx)];
  answer_from_pool(ctx, v, sel, ctx.rng);
  if (ctx.trace)
    ctx.trace->rule = format("failover: %s is the first up pool by priority (priority %d)",
                             pool_name(ctx, v).c_str(), ctx.link(v).priority);
}

void choose_default_order(Context& ctx, Selection& sel, const char* policy) {
  PoolView& v = ctx.pools[first_candidate(ctx)];
  answer_from_pool(ctx, v, sel, ctx.rng);
  if (ctx.trace) {
    note(ctx, missing_location_reason(ctx));
    ctx.trace->rule = format("%s: client location unknown, so the first up pool by priority: %s",
                             policy, pool_name(ctx, v).c_str());
  }
}

}  // namespace server::selector
