// Shared step 3: where the client is (CIDR overrides, then the GeoIP
// database) and the ECS scope the answer may claim.
#pragma once

#include "server/selector/context.h"

namespace server::selector {

// True when `net` decides for this client: same family, no longer than the
// client's source prefix (bits beyond it are unknown), and containing it.
bool network_matches(const zones::Network& net, const Client& client);

// The longest-prefix override among table.overrides[begin, begin + count)
// that matches the client (the first one on a tie), or null.
const zones::CompiledOverride* match_override(const zones::ServiceTable& table, uint32_t begin,
                                              uint32_t count, const Client& client);

// Fills ctx.location once: the service's overrides, else the global ones
// (the matched override's region gives coordinates, continent and country),
// else the GeoIP database when one is loaded.
void locate(Context& ctx);

// The policy's answer depends on the client's location: locate, and base
// the ECS scope on it.
void use_location(Context& ctx);

// The ECS scope prefix of the answer (see docs/policies.md, "ECS scope").
uint8_t ecs_scope(const Context& ctx);

}  // namespace server::selector
