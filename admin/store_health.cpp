// store_health(): one poll of the store's health rows, as gslbd's SnapshotFeed does.
#include "admin/store_health.h"

#include "zones/gslb_store.h"

namespace admin {

zones::Result<server::HealthView> store_health(zones::Db& db, const server::Quorum& quorum) {
  server::HealthView health(quorum);
  zones::GslbStore store(db);
  if (auto polled = health.poll(store); !polled) return std::unexpected(polled.error());
  return health;
}

}  // namespace admin
