// Shared step 1: which members are usable and which linked pools are up.
#pragma once

#include "server/selector/context.h"

namespace server::selector {

// A member may be answered: admin enabled and its health not down (unknown
// counts as up); with `all_up` (fail-open) health is ignored.
bool member_usable(const zones::ServiceTable& table, uint32_t member, bool all_up);

// Fills ctx.pools from the service's links (the first kMaxPools), with the
// health in force (ctx.all_up) and with the real health. A pool is up when
// its admin state is enabled and at least max(min_healthy, 1) of its
// members (of any family) are usable; it is a candidate for this query when
// it is up and has a usable member of the query's family.
void evaluate_pools(Context& ctx);

// Index of the first candidate in link (priority) order, or -1.
int first_candidate(const Context& ctx);

const char* family_name(uint8_t family);  // "IPv4" / "IPv6"

}  // namespace server::selector
