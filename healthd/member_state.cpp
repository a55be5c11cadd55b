// MemberState: rise/fall, EWMA and the write rule (see member_state.h).
#include "healthd/member_state.h"

#include <cmath>
#include <cstdlib>

namespace healthd {
namespace {

constexpr double kEwmaWeight = 0.3;
constexpr double kRttRelativeChange = 0.20;
constexpr int64_t kRttAbsoluteChangeUs = 2000;
constexpr double kLoadChange = 0.05;

bool rtt_moved(const std::optional<int64_t>& written, const std::optional<int64_t>& now) {
  if (written.has_value() != now.has_value()) return true;
  if (!now) return false;
  const int64_t threshold =
      std::max<int64_t>(kRttAbsoluteChangeUs, std::llround(*written * kRttRelativeChange));
  return std::llabs(*now - *written) > threshold;
}

bool load_moved(const std::optional<double>& written, const std::optional<double>& now) {
  if (written.has_value() != now.has_value()) return true;
  return now && std::fabs(*now - *written) >= kLoadChange;
}

}  // namespace

MemberState::MemberState(const zones::HealthRow& last_written) {
  current_.state = last_written.state;
  current_.rtt_us = last_written.rtt_us;
  current_.rtt_ewma_us = last_written.rtt_ewma_us;
  current_.load = last_written.load;
  current_.changed_at_ms = last_written.changed_at_ms;
  current_.reason = last_written.reason;
  written_ = current_;
}

bool MemberState::observe(const ProbeResult& result, uint32_t rise, uint32_t fall, int64_t now_ms) {
  if (result.rtt_us) {
    current_.rtt_us = result.rtt_us;
    current_.rtt_ewma_us =
        current_.rtt_ewma_us
            ? std::llround(kEwmaWeight * static_cast<double>(*result.rtt_us) +
                           (1 - kEwmaWeight) * static_cast<double>(*current_.rtt_ewma_us))
            : *result.rtt_us;
  }
  // A failed probe read no load; keep the last figure rather than drop it.
  if (result.up || result.load) current_.load = result.load;
  current_.reason = result.reason;
  if (result.up) {
    ++successes_;
    failures_ = 0;
  } else {
    ++failures_;
    successes_ = 0;
  }
  zones::HealthState next = current_.state;
  if (current_.state == zones::HealthState::kUnknown) {
    next = result.up ? zones::HealthState::kUp : zones::HealthState::kDown;
  } else if (current_.state == zones::HealthState::kUp && failures_ >= fall) {
    next = zones::HealthState::kDown;
  } else if (current_.state == zones::HealthState::kDown && successes_ >= rise) {
    next = zones::HealthState::kUp;
  }
  if (next == current_.state) return false;
  current_.state = next;
  current_.changed_at_ms = now_ms;
  return true;
}

bool MemberState::worth_writing() const {
  if (!written_) return true;
  return written_->state != current_.state ||
         rtt_moved(written_->rtt_ewma_us, current_.rtt_ewma_us) ||
         load_moved(written_->load, current_.load);
}

}  // namespace healthd
