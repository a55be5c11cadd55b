// dns probes: a query over UDP to the member, judged by rcode and answers.
#pragma once

#include "healthd/probe_run.h"

namespace healthd {

// A run for `target` (monitor type dns); it frees itself.
ProbeRun* make_dns_probe(const ProbeContext& context, ProbeTarget target, ProbeDone done);

}  // namespace healthd
