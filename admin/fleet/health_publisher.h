// A vantage's side of fleet health (gslb-healthd --etcd): its verdicts go to etcd as
// health/<pool>/<address>/<vantage> and its presence as vantage/<name>, all attached to one
// lease of its own (about 3 x the shortest monitor interval). It writes a report when the
// verdict changes and otherwise only renews the lease; so when the vantage dies, etcd
// deletes its opinions when the lease runs out and every node drops them, instead of
// trusting a verdict nobody renews. A lost lease (etcd unreachable for longer than it) is
// replaced and every current report written again under the new one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "admin/fleet/etcd_client.h"
#include "admin/fleet/syncer.h"
#include "healthd/vantage_link.h"

namespace admin::fleet {

class HealthPublisher final : public healthd::VantageLink {
 public:
  // `syncer` keeps the vantage's own store and knows the live vantages; it must outlive this.
  HealthPublisher(EtcdSettings etcd, std::string prefix, zones::Vantage identity,
                  const Syncer& syncer);

  zones::Result<void> publish(zones::Db& db, const std::vector<zones::HealthRow>& rows,
                              uint32_t beat_interval_ms) override;
  std::vector<std::string> vantages() const override;

  // The lease's TTL for a heartbeat interval (half the shortest monitor interval): three
  // monitor intervals, at least 2 s.
  static int64_t lease_ttl_s(uint32_t beat_interval_ms);

 private:
  zones::Result<void> load_kept(zones::Db& db);
  zones::Result<bool> keep_lease(uint32_t beat_interval_ms);
  zones::Result<void> put_all(const std::vector<std::pair<std::string, std::string>>& items);

  EtcdClient client_;  // the writer thread's
  std::string prefix_;
  zones::Vantage identity_;
  const Syncer& syncer_;
  int64_t lease_ = 0;
  int64_t lease_ttl_s_ = 0;
  std::chrono::steady_clock::time_point renewed_{};
  std::map<std::string, std::string> published_;  // key -> report, written again on a new lease
  bool kept_loaded_ = false;
};

// The report a vantage publishes for a row (read back by SyncApplier).
std::string report_value(const zones::HealthRow& row);

}  // namespace admin::fleet
