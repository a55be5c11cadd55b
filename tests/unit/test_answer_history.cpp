// AnswerHistory: tiers of samples, spans between two times, keys that appear later.
#include <doctest/doctest.h>

#include "server/answer_history.h"

namespace {

using server::AnswerHistory;
using server::AnswerKey;

const AnswerKey kUs{"www.x.", "us"};
const AnswerKey kEu{"www.x.", "eu"};

}  // namespace

TEST_CASE("answer history: a span is the difference of the samples at or before its ends") {
  AnswerHistory history({{1'000, 10}});
  CHECK(history.due(0));
  history.record(1'000, {{kUs, 5}});
  CHECK_FALSE(history.due(1'500));
  history.record(1'500, {{kUs, 6}});  // not due: dropped
  CHECK(history.due(2'000));
  history.record(2'000, {{kUs, 8}, {kEu, 1}});
  history.record(3'000, {{kUs, 20}, {kEu, 4}});
  auto span = history.between(1'999, 3'500);
  REQUIRE(span);
  CHECK(span->from_ms == 1'000);
  CHECK(span->to_ms == 3'000);
  CHECK(span->answers.at(kUs) == 15);
  CHECK(span->answers.at(kEu) == 4);  // absent at 1 000: counted from 0
}

TEST_CASE("answer history: a span older than every sample starts at the oldest") {
  AnswerHistory history({{1'000, 10}});
  CHECK_FALSE(history.between(0, 5'000));
  history.record(10'000, {{kUs, 3}});
  CHECK_FALSE(history.between(0, 9'999));  // nothing at or before its end
  history.record(11'000, {{kUs, 7}});
  auto span = history.between(0, 11'000);
  REQUIRE(span);
  CHECK(span->from_ms == 10'000);
  CHECK(span->answers.at(kUs) == 4);
}

TEST_CASE("answer history: full rings drop the oldest; coarser tiers reach further back") {
  AnswerHistory history({{1'000, 3}, {10'000, 3}});
  for (int64_t t = 0; t <= 30'000; t += 1'000) history.record(t, {{kUs, uint64_t(t / 1'000)}});
  // Fine samples kept: 28 s, 29 s, 30 s; coarse ones: 10 s, 20 s, 30 s.
  auto recent = history.between(28'500, 30'000);
  REQUIRE(recent);
  CHECK(recent->from_ms == 28'000);
  CHECK(recent->answers.at(kUs) == 2);
  auto older = history.between(15'000, 30'000);
  REQUIRE(older);
  CHECK(older->from_ms == 10'000);
  CHECK(older->answers.at(kUs) == 20);
  auto oldest = history.between(0, 30'000);
  REQUIRE(oldest);
  CHECK(oldest->from_ms == 10'000);  // 0 s has left the coarse ring
}

TEST_CASE("answer history: the default tiers cover a day") {
  const auto tiers = AnswerHistory::default_tiers();
  int64_t reach = 0;
  for (const auto& tier : tiers)
    reach = std::max<int64_t>(reach, tier.period_ms * int64_t(tier.capacity));
  CHECK(reach >= 24 * 3600 * 1000);
  CHECK(tiers.front().period_ms == 1'000);
}

TEST_CASE("answer history: until now counts from a sample to totals given at that moment") {
  AnswerHistory history({{1'000, 10}});
  history.record(1'000, {{kUs, 5}});
  history.record(2'000, {{kUs, 8}});
  auto span = history.until_now(1'500, 2'345, {{kUs, 11}, {kEu, 2}});
  CHECK(span.from_ms == 1'000);
  CHECK(span.to_ms == 2'345);
  CHECK(span.answers.at(kUs) == 6);
  CHECK(span.answers.at(kEu) == 2);  // a key no sample has: counted from 0
  AnswerHistory empty({{1'000, 10}});
  auto nothing_kept = empty.until_now(0, 500, {{kUs, 3}});
  CHECK(nothing_kept.from_ms == 500);
  CHECK(nothing_kept.answers.at(kUs) == 3);
}
