// tcp probes: up when a TCP connection to the member's port completes.
#pragma once

#include "healthd/probe_run.h"

namespace healthd {

// A run for `target` (monitor type tcp); it frees itself.
ProbeRun* make_tcp_probe(const ProbeContext& context, ProbeTarget target, ProbeDone done);

}  // namespace healthd
