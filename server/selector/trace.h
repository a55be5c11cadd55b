// Explain support: text for the Trace. Used only when a Trace was passed
// (these functions allocate); the query path never calls them otherwise.
#pragma once

#include <string>

#include "server/selector/context.h"

namespace server::selector {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string address_text(uint8_t family, const uint8_t* address);
std::string network_text(const zones::Network& net);
const std::string& pool_name(const Context& ctx, const PoolView& v);

// Adds a note to the trace, if any.
void note(Context& ctx, const char* text);
// Why the location is not usable, for the "default order" note.
const char* missing_location_reason(const Context& ctx);

// Location, pools and members of the trace, once the answer is chosen.
void finish_trace(Context& ctx, const Selection& sel);

}  // namespace server::selector
