// The six policies, one file each. Each is called only when at least one
// linked pool is a candidate (up, with a usable member of the query's
// family); it chooses, fills `sel` with members, records what the choice
// depended on (for the ECS scope) and, with a trace, the rule in words.
#pragma once

#include "server/selector/context.h"

namespace server::selector {

void choose_failover(Context& ctx, Selection& sel);   // failover.cpp
void choose_weighted(Context& ctx, Selection& sel);   // weighted.cpp
void choose_geo(Context& ctx, Selection& sel);        // geo_policy.cpp
void choose_proximity(Context& ctx, Selection& sel);  // proximity.cpp
void choose_latency(Context& ctx, Selection& sel);    // latency.cpp
void choose_all(Context& ctx, Selection& sel);        // all.cpp

// Location-based policies without a usable location (no GeoIP database,
// client unknown to it, no coordinates): the first candidate by priority.
void choose_default_order(Context& ctx, Selection& sel, const char* policy);

}  // namespace server::selector
