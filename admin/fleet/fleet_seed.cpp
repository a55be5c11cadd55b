// Seeding a fleet's configuration (see fleet_seed.h).
#include "admin/fleet/fleet_seed.h"

#include <nlohmann/json.hpp>

#include "admin/fleet/fleet_keys.h"
#include "admin/fleet/fleet_objects.h"
#include "zones/clock.h"

namespace admin::fleet {

zones::Result<SeedResult> seed(zones::Db& db, EtcdClient& client, const std::string& prefix,
                               const std::string& actor) {
  auto objects = export_objects(db);
  if (!objects) return std::unexpected(objects.error());
  const std::string marker_key = prefix + std::string(kWriteMarker);
  const std::string config_dir = prefix + std::string(kConfigDir);
  // Objects under config/ without a marker were put there by hand: the operator decides.
  auto existing = client.range_prefix(config_dir);
  if (!existing) return std::unexpected(existing.error());
  if (!existing->kvs.empty() && existing->kvs.front().key != marker_key) {
    return zones::fail(zones::ErrorCode::kConflict, "etcd",
                       "etcd holds keys under " + config_dir + " (" + existing->kvs.front().key +
                           ", ...) but no gslb configuration: remove them first (etcdctl del "
                           "--prefix " +
                           config_dir + ")");
  }
  std::vector<TxnOp> ops;
  for (const auto& [key, value] : *objects) ops.push_back({prefix + key, value, 0});
  const nlohmann::json marker = {
      {"by", actor}, {"at_ms", zones::unix_ms()}, {"objects", nlohmann::json::array({"(seed)"})}};
  ops.push_back({marker_key, marker.dump(), 0});
  auto done = client.txn({{marker_key, 0}}, ops);
  if (!done) return std::unexpected(done.error());
  if (!done->succeeded) {
    return zones::fail(zones::ErrorCode::kConflict, "etcd",
                       "etcd already holds a configuration under " + prefix +
                           ": a fleet is seeded once; a new node joins with an empty store "
                           "(gslbd --etcd), and changes go through a node's admin API");
  }
  return SeedResult{objects->size(), done->revision};
}

}  // namespace admin::fleet
