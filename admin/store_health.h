// The member health gslbd would apply right now, read from the store: what explain and the
// drill dry run both put into the tables they compile, so their answers match gslbd's.
#pragma once

#include "server/health_view.h"
#include "zones/db.h"
#include "zones/result.h"

namespace admin {

// A HealthView that has read every health row and vantage heartbeat in `db`; apply it to a
// compiled ServiceTable with HealthView::apply(table, now_ms).
zones::Result<server::HealthView> store_health(zones::Db& db, const server::Quorum& quorum);

}  // namespace admin
