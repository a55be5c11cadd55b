// Turns the store's contents into an immutable Snapshot that gslbd serves.
// Runs on gslbd's control thread, never on a worker; a failed build leaves
// the caller's last good snapshot in place.
#pragma once

#include <cstdint>
#include <vector>

#include "zones/gslb_model.h"
#include "zones/model.h"
#include "zones/result.h"
#include "zones/snapshot.h"

namespace zones {

// `gslb` adds the services: each owner becomes a node (if it is not one
// already) linked to its compiled service. Services whose owner is not in a
// zone we serve, or lies at or below a delegation, are left out (the store
// refuses such writes; a later zone import could still create one).
Result<SnapshotPtr> compile_snapshot(const std::vector<ZoneContent>& zones, const GslbConfig& gslb,
                                     uint64_t generation);
inline Result<SnapshotPtr> compile_snapshot(const std::vector<ZoneContent>& zones,
                                            uint64_t generation) {
  return compile_snapshot(zones, GslbConfig{}, generation);
}

// The ServiceTable of `gslb` (without node links); health starts unknown.
// Fails only on data the store would have refused (bad address text).
Result<void> compile_services(const GslbConfig& gslb, ServiceTable& table);

}  // namespace zones
