// The control thread's side of health: read the health rows written since
// last time (by seq) and the vantages' heartbeats, keep the latest report per
// (member, vantage), and turn them into each member's effective state in a
// snapshot's atomics. Workers see the new states on their next query;
// nothing is rebuilt.
//
// A report's age is now - max(row checked_at, its vantage's last heartbeat):
// gslb-healthd writes a row only when something changed and beats while it
// keeps probing. Reports older than the pool's stale_after_ms (3 x monitor
// interval) are ignored. From the fresh reports that say up or down:
// none -> unknown (each service decides: when_unknown, default up);
// otherwise down when the down reports reach the quorum (see Quorum), else up.
// RTT is the mean of the fresh reports' EWMAs; load is their maximum.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zones/gslb_model.h"
#include "zones/gslb_store.h"
#include "zones/service_table.h"

namespace server {

// How many of a member's fresh up/down reports must say down for it to be down.
//  majority: more than half (a tie is up: some vantage reaches it) - the default;
//  any: one; all: every one; a number N: at least min(N, reports).
struct Quorum {
  enum class Kind : uint8_t { kMajority, kAny, kAll, kCount } kind = Kind::kMajority;
  uint32_t count = 0;  // kCount only
  bool down(uint32_t up, uint32_t down) const;
};
std::optional<Quorum> parse_quorum(std::string_view text);
std::string to_string(const Quorum& quorum);

struct EffectiveHealth {
  zones::HealthState state = zones::HealthState::kUnknown;
  uint32_t rtt_us = 0;
  uint16_t load_permille = 0;
  uint32_t fresh_reports = 0;
  int64_t newest_age_ms = -1;  // age of the freshest report; -1 without any report
};

// Last heartbeat per vantage name.
using VantageBeats = std::unordered_map<std::string, int64_t>;

// A report's age at `now_ms` (see above).
int64_t report_age_ms(const zones::HealthRow& row, const VantageBeats& beats, int64_t now_ms);

EffectiveHealth effective_health(const std::vector<zones::HealthRow>& reports,
                                 const VantageBeats& beats, uint32_t stale_after_ms, int64_t now_ms,
                                 const Quorum& quorum = {});

// Counts for metrics (kept for the admin API), as of the last apply().
struct HealthSummary {
  uint32_t members_up = 0, members_down = 0, members_unknown = 0;
  uint32_t fresh_reports = 0, stale_reports = 0;
  int64_t oldest_fresh_report_age_ms = 0;  // how far behind the slowest fresh report is
  int64_t applied_at_ms = 0;
};

class HealthView {
 public:
  explicit HealthView(Quorum quorum = {}) : quorum_(quorum) {}

  // Reads rows newer than the last seen and the heartbeats; true when any changed.
  zones::Result<bool> poll(zones::GslbStore& store);
  // Forgets everything read so far: the next poll reads every row again (after
  // a configuration change, so that deleted members' reports are dropped).
  void reset();

  // Writes every member's effective state at `now_ms` into table.health.
  void apply(const zones::ServiceTable& table, int64_t now_ms);

  // Adds rows / heartbeats as if read from the store (tests, gslbadm explain).
  void add(const std::vector<zones::HealthRow>& rows);
  void add(const std::vector<zones::Vantage>& vantages);

  const HealthSummary& summary() const { return summary_; }
  const Quorum& quorum() const { return quorum_; }

 private:
  Quorum quorum_;
  int64_t last_seq_ = 0;
  std::unordered_map<int64_t, std::vector<zones::HealthRow>> by_member_;  // one per vantage
  VantageBeats beats_;
  HealthSummary summary_;
};

}  // namespace server
