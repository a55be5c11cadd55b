// Turns the store's contents into an immutable Snapshot that gslbd serves.
// Runs on gslbd's control thread, never on a worker; a failed build leaves
// the caller's last good snapshot in place.
#pragma once

#include <cstdint>
#include <vector>

#include "zones/model.h"
#include "zones/result.h"
#include "zones/snapshot.h"

namespace zones {

Result<SnapshotPtr> compile_snapshot(const std::vector<ZoneContent>& zones, uint64_t generation);

}  // namespace zones
