// Fleet mode in a program: the --etcd* settings (fleet_flags.h adds them to a command line),
// and a node's syncer and writer with what gslbd shows of them (GET /v1/status "fleet",
// metrics) and when its data counts as stale (its answers then carry degraded TTLs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "admin/fleet/etcd_client.h"
#include "admin/fleet/fleet_writer.h"
#include "admin/fleet/syncer.h"

#include "zones/result.h"

namespace admin::fleet {

struct FleetFlags {
  std::string etcd;  // comma-separated endpoints; empty: not in fleet mode
  std::string prefix = "/gslb/";
  std::string ca_file, cert_file, key_file;
  std::string user, password_file;
  int timeout_ms = 2000;
};

// The settings the flags describe (the password read from its file), checked.
zones::Result<EtcdSettings> etcd_settings(const FleetFlags& flags);

// A node's data counts as stale once etcd has not been reached for this long.
inline constexpr int64_t kStaleAfterMs = 3000;

class FleetNode {
 public:
  // Starts the syncer on `db_path` (and, for gslbd, the writer its admin API uses).
  static zones::Result<std::unique_ptr<FleetNode>> start(const FleetFlags& flags,
                                                         const std::string& db_path,
                                                         bool import_health);

  const EtcdSettings& etcd() const { return etcd_; }
  const Syncer& syncer() const { return *syncer_; }
  Syncer& syncer() { return *syncer_; }
  FleetWriter& writer() { return *writer_; }
  bool data_stale(int64_t now_ms) const;
  // GET /v1/status's "fleet" member.
  nlohmann::json status_json(int64_t now_ms) const;
  // The gslb_fleet_* families (docs/metrics.md), in the Prometheus text format.
  std::string metrics_text(int64_t now_ms) const;
  void stop() { syncer_->stop(); }

 private:
  EtcdSettings etcd_;
  std::unique_ptr<Syncer> syncer_;
  std::unique_ptr<FleetWriter> writer_;
};

// Data age in seconds at `now_ms` (since the last contact with etcd); -1 before any.
double data_age_s(const SyncStatus& status, int64_t now_ms);

}  // namespace admin::fleet
