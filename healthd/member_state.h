// The verdict on one probe target (a monitor and an address) from a vantage:
// rise/fall hysteresis over probe results, the latency EWMA and the last
// load, and the rule for when a result is worth writing to the store.
//
// State: unknown until the first result, which decides at once (a new member
// gets a verdict after one probe, not after `rise` of them); then `fall`
// failures in a row turn up into down and `rise` successes in a row turn
// down into up. A restarted daemon starts from the state it last wrote.
//
// Latency: EWMA with weight 0.3 on each new sample (answers that failed the
// probe still measure the path and count).
//
// Write rule (the store gets a row only when it tells gslbd something new):
// the state changed, or the EWMA moved by more than max(20 %, 2 ms) from the
// value last written, or the load moved by 0.05 or more (or appeared or
// vanished). Between writes the vantage's heartbeat keeps the row current.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "healthd/probe.h"
#include "zones/gslb_model.h"

namespace healthd {

struct Measurement {
  zones::HealthState state = zones::HealthState::kUnknown;
  std::optional<int64_t> rtt_us;       // the last probe's
  std::optional<int64_t> rtt_ewma_us;  // smoothed
  std::optional<double> load;
  int64_t changed_at_ms = 0;  // when `state` last changed
  std::string reason;
};

class MemberState {
 public:
  MemberState() = default;
  // Resumes from the row this vantage last wrote (after a restart).
  explicit MemberState(const zones::HealthRow& last_written);

  // Takes one probe result; true when the state changed.
  bool observe(const ProbeResult& result, uint32_t rise, uint32_t fall, int64_t now_ms);

  const Measurement& current() const { return current_; }
  // Whether `current()` differs materially from what was last written.
  bool worth_writing() const;
  void mark_written() { written_ = current_; }

 private:
  Measurement current_;
  std::optional<Measurement> written_;
  uint32_t successes_ = 0;  // in a row
  uint32_t failures_ = 0;   // in a row
};

}  // namespace healthd
