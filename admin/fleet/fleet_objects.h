// The configuration as etcd holds it in fleet mode: one object per zone, monitor, region,
// pool, service and drill, plus the global overrides (keys in fleet_keys.h), each the JSON
// text of the config file's form. export_objects reads them out of a store; materialize
// makes a store hold exactly a given set, through the same code paths as `gslbadm apply`
// (parse_config, then GslbStore::apply with prune, which validates the whole result), so a
// set that would not validate is refused and changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "zones/db.h"
#include "zones/result.h"

namespace admin::fleet {

// Key relative to the prefix -> value (canonical JSON text: the same state always gives
// the same bytes).
using Objects = std::map<std::string, std::string>;

// The configuration objects of the store. A drill this node closed at its end time is
// written as still open (each node closes it itself); an aborted one carries its end.
zones::Result<Objects> export_objects(zones::Db& db);

// Makes the store's configuration `objects` (keys outside config/ are ignored): zones
// replaced or added, then the GSLB objects applied as the whole configuration, then zones
// that are no longer there deleted, then drills replicated; audited as `actor`. All in
// one transaction (a savepoint inside the caller's).
zones::Result<void> materialize(zones::Db& db, const Objects& objects, std::string_view actor,
                                int64_t now_ms);

}  // namespace admin::fleet
