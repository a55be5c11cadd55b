// gslb-healthd's verdicts: rise/fall hysteresis, the first result deciding,
// resuming from the last written row, the latency EWMA and the write rule.
#include <doctest/doctest.h>

#include "healthd/member_state.h"

using healthd::MemberState;
using healthd::ProbeResult;
using zones::HealthState;

namespace {

ProbeResult ok(int64_t rtt_us = 10'000, std::optional<double> load = {}) {
  return {true, rtt_us, load, "HTTP 200"};
}
ProbeResult failed(const char* reason = "timeout after 800ms") {
  return {false, std::nullopt, std::nullopt, reason};
}

}  // namespace

TEST_CASE("member state: the first result decides, then fall and rise count in a row") {
  MemberState s;
  CHECK(s.current().state == HealthState::kUnknown);
  CHECK(s.observe(ok(), 3, 2, 1000));
  CHECK(s.current().state == HealthState::kUp);
  CHECK(s.current().changed_at_ms == 1000);

  CHECK_FALSE(s.observe(failed(), 3, 2, 2000));  // 1 of fall 2
  CHECK(s.current().state == HealthState::kUp);
  CHECK_FALSE(s.observe(ok(), 3, 2, 3000));  // the run of failures is broken
  CHECK_FALSE(s.observe(failed(), 3, 2, 4000));
  CHECK(s.observe(failed("connection refused"), 3, 2, 5000));
  CHECK(s.current().state == HealthState::kDown);
  CHECK(s.current().reason == "connection refused");
  CHECK(s.current().changed_at_ms == 5000);

  CHECK_FALSE(s.observe(ok(), 3, 2, 6000));
  CHECK_FALSE(s.observe(ok(), 3, 2, 7000));
  CHECK(s.observe(ok(), 3, 2, 8000));  // rise 3
  CHECK(s.current().state == HealthState::kUp);

  MemberState first_down;
  CHECK(first_down.observe(failed(), 2, 2, 1));
  CHECK(first_down.current().state == HealthState::kDown);
}

TEST_CASE("member state: resumes from the row last written, and does not rewrite it") {
  zones::HealthRow row;
  row.state = HealthState::kDown;
  row.rtt_ewma_us = 20'000;
  row.changed_at_ms = 77;
  row.reason = "HTTP 503 (expected 200)";
  MemberState s(row);
  CHECK(s.current().state == HealthState::kDown);
  CHECK_FALSE(s.worth_writing());
  CHECK_FALSE(s.observe(ok(20'000), 2, 2, 100));  // rise 2: one success is not enough
  CHECK(s.current().state == HealthState::kDown);
  CHECK(s.observe(ok(20'000), 2, 2, 200));
  CHECK(s.worth_writing());
}

TEST_CASE("member state: latency EWMA weights each sample 0.3") {
  MemberState s;
  s.observe(ok(10'000), 2, 2, 0);
  CHECK(s.current().rtt_ewma_us == 10'000);
  s.observe(ok(20'000), 2, 2, 0);
  CHECK(s.current().rtt_ewma_us == 13'000);
  CHECK(s.current().rtt_us == 20'000);
  s.observe(failed(), 2, 2, 0);  // no sample: the EWMA stays
  CHECK(s.current().rtt_ewma_us == 13'000);
}

TEST_CASE("member state: written on a state change or a material RTT/load move only") {
  MemberState s;
  s.observe(ok(100'000, 0.50), 2, 2, 0);
  CHECK(s.worth_writing());  // never written
  s.mark_written();
  s.observe(ok(110'000, 0.52), 2, 2, 0);  // EWMA 103 ms: +3 %, load +0.02
  CHECK_FALSE(s.worth_writing());
  for (int i = 0; i < 10; ++i) s.observe(ok(150'000, 0.52), 2, 2, 0);  // EWMA -> ~148 ms
  CHECK(s.worth_writing());
  s.mark_written();
  s.observe(ok(150'000, 0.60), 2, 2, 0);  // load +0.08
  CHECK(s.worth_writing());
  s.mark_written();
  s.observe(ok(150'000), 2, 2, 0);  // the load vanished
  CHECK(s.worth_writing());
  s.mark_written();
  // Small RTTs: 2 ms is the least move that counts.
  MemberState fast;
  fast.observe(ok(1'000), 2, 2, 0);
  fast.mark_written();
  for (int i = 0; i < 20; ++i) fast.observe(ok(2'500), 2, 2, 0);  // +1.5 ms
  CHECK_FALSE(fast.worth_writing());
  s.observe(failed(), 2, 2, 0);
  CHECK_FALSE(s.worth_writing());  // 1 of fall 2: nothing new yet
  s.observe(failed(), 2, 2, 0);
  CHECK(s.worth_writing());
}
