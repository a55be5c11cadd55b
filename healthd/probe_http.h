// http and https probes: one curl easy transfer on the engine's CurlMulti,
// judged by status, body substring and (when up) the member's load.
#pragma once

#include "healthd/probe_run.h"

namespace healthd {

// A run for `target` (monitor type http or https); it frees itself.
ProbeRun* make_http_probe(const ProbeContext& context, ProbeTarget target, ProbeDone done);

// "http://192.0.2.1:8080/health", "https://[2001:db8::1]/", or with
// `host` in place of the address when set (the address is then connected to
// through CURLOPT_CONNECT_TO).
std::string probe_url(const zones::Monitor& monitor, const std::string& address);

}  // namespace healthd
