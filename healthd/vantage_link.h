// A vantage's link to the rest of a fleet (docs/fleet.md): where its verdicts go besides its
// own store (etcd, admin/fleet/health_publisher.h) and which vantages share the probing.
// Without one (a single node), gslb-healthd writes to the store gslbd reads and probes
// every member.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/result.h"

namespace healthd {

class VantageLink {
 public:
  virtual ~VantageLink() = default;
  // On the writer thread, after each batch is in the store (rows carry member ids) and at
  // every heartbeat (rows empty). An error keeps the rows queued: they are retried.
  virtual zones::Result<void> publish(zones::Db& db, const std::vector<zones::HealthRow>& rows,
                                      uint32_t beat_interval_ms) = 0;
  // The live vantages' names, this one's included (on the main loop's thread).
  virtual std::vector<std::string> vantages() const = 0;
};

}  // namespace healthd
