// The control thread's side of health: read the health rows written since
// last time (by seq), keep the latest report per (member, vantage), and turn
// them into each member's effective state in a snapshot's atomics. Workers
// see the new states on their next query; nothing is rebuilt.
//
// Effective state of a member, from its fresh reports (checked within the
// pool's stale_after_ms = 3 x monitor interval; older ones are ignored):
// none that say up or down -> unknown (counts as up); otherwise up when at
// least half of them say up (a tie is up: some vantage reaches it), else
// down. RTT is the mean of the fresh reports' EWMAs; load is their maximum.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "zones/gslb_model.h"
#include "zones/gslb_store.h"
#include "zones/service_table.h"

namespace server {

class HealthView {
 public:
  // Reads rows newer than the last seen; true when there were any.
  zones::Result<bool> poll(zones::GslbStore& store);

  // Writes every member's effective state at `now_ms` into table.health.
  void apply(const zones::ServiceTable& table, int64_t now_ms) const;

  // Adds rows as if read from the store (tests, gslbadm explain).
  void add(const std::vector<zones::HealthRow>& rows);

 private:
  int64_t last_seq_ = 0;
  std::unordered_map<int64_t, std::vector<zones::HealthRow>> by_member_;  // one per vantage
};

// The effective health of one member from its reports (see above).
struct EffectiveHealth {
  zones::HealthState state = zones::HealthState::kUnknown;
  uint32_t rtt_us = 0;
  uint16_t load_permille = 0;
  uint32_t fresh_reports = 0;
};
EffectiveHealth effective_health(const std::vector<zones::HealthRow>& reports,
                                 uint32_t stale_after_ms, int64_t now_ms);

}  // namespace server
