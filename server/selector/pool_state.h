// Shared step 1: which members are usable and which linked pools are up.
#pragma once

#include "server/selector/context.h"

namespace server::selector {

// A member is healthy when its admin state is enabled and its health is up,
// or unknown with the service's when_unknown = up (the default).
bool member_healthy(const zones::ServiceTable& table, const zones::CompiledService& service,
                    uint32_t member);
// A member may be answered: healthy, or only enabled while the service
// answers fail-open (ctx.all_up: health ignored).
bool member_usable(const Context& ctx, uint32_t member);

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
