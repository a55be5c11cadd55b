// Seeding: the first configuration of a fleet, from one node's store. It goes to etcd in one
// transaction that holds only while etcd holds no configuration under the prefix (no write
// marker): seeding never overwrites a fleet's configuration.
#pragma once

#include <cstdint>
#include <string>

#include "admin/fleet/etcd_client.h"
#include "zones/db.h"
#include "zones/result.h"

namespace admin::fleet {

struct SeedResult {
  size_t objects = 0;
  int64_t revision = 0;
};

zones::Result<SeedResult> seed(zones::Db& db, EtcdClient& client, const std::string& prefix,
                               const std::string& actor);

}  // namespace admin::fleet
