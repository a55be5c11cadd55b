// Answers per (service, pool) over the recent past, so a drill's report can
// compare its window with the same length of time before it. The control
// thread records the workers' cumulative totals at a steady pace into tiers
// of rings (fine for the last minutes, coarser for the last day); a span's
// counts are the difference of two samples. Counters only grow while gslbd
// runs, and the history starts empty with each process.
//
// Memory: 8 bytes per (service, pool) pair per sample; the default tiers keep
// 564 samples (about 4.5 KB per pair).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "server/metrics.h"

namespace server {

class AnswerHistory {
 public:
  struct Tier {
    int64_t period_ms;  // at most one sample per period
    size_t capacity;    // the oldest sample goes when full
  };
  // 1 s for 5 minutes, 1 min for 2 hours, 10 min for 24 hours.
  static std::vector<Tier> default_tiers();

  explicit AnswerHistory(std::vector<Tier> tiers = default_tiers());

  // Whether record() at `now_ms` would keep a sample (the finest tier is due).
  bool due(int64_t now_ms) const;
  // Keeps `answers` (cumulative, as QueryTotals has them) in every tier that is due.
  void record(int64_t now_ms, const std::map<AnswerKey, uint64_t>& answers);

  // Answers between the newest sample at or before `from_ms` (or the oldest
  // kept, when none is that old) and the newest at or before `to_ms`; the
  // span says which samples it used. Empty when no sample is old enough.
  struct Span {
    int64_t from_ms = 0;
    int64_t to_ms = 0;
    std::map<AnswerKey, uint64_t> answers;
  };
  std::optional<Span> between(int64_t from_ms, int64_t to_ms) const;
  // The same, up to `now_answers` counted at `now_ms` instead of a sample.
  Span until_now(int64_t from_ms, int64_t now_ms,
                 const std::map<AnswerKey, uint64_t>& now_answers) const;

 private:
  struct Sample {
    int64_t at_ms = 0;
    std::vector<uint64_t> counts;  // by key index; keys added later count 0
  };
  struct Ring {
    Tier tier;
    std::vector<Sample> samples;  // circular, `next` is the oldest once full
    size_t next = 0;
    std::optional<int64_t> last_ms;
  };

  size_t key_index(const AnswerKey& key);
  const Sample* newest_at_or_before(int64_t at_ms) const;
  const Sample* oldest() const;

  std::vector<Ring> rings_;
  std::map<AnswerKey, size_t> index_;
  std::vector<AnswerKey> keys_;
};

}  // namespace server
