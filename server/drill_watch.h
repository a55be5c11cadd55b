// The drill watch: counts the answers of every running drill for its report
// (server/drill_report.h), live while it runs and final when it ends. Runs on
// the control thread after each poll of the store; reads only the workers'
// counters (collected by the caller), never the query path.
//
// - A drill is live once every worker serves a snapshot that overlays it;
//   its counts start there (answers of older snapshots are not its). Until
//   then its live report's verdict is "pending".
// - Right before the feed publishes a rebuilt snapshot, every live drill is
//   counted (before_publish): a drill the new snapshot drops ends with counts
//   up to its last answer, and a drill it adds has its "before" end there.
// - Until the first answer that moved, it is checked every poll (so the time
//   to that answer is known to a poll interval); then once a second, and
//   every poll again in the last second before its end time. An abort is
//   counted to within a second.
// - Its report is saved in the store every 5 s and when gslbd stops, so a
//   gslbd restarted mid-drill carries the counts on; when the drill leaves
//   the serving snapshot (aborted, expired) the final report is saved.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/answer_history.h"
#include "server/drill_report.h"
#include "server/metrics.h"
#include "zones/db.h"
#include "zones/drills.h"

namespace server {

class DrillWatch {
 public:
  static constexpr int64_t kSaveEveryMs = 5'000;
  static constexpr int64_t kTickEveryMs = 1'000;

  // `db` is the control thread's store connection; it must outlive the watch.
  // `counters_zero_at_ms`: when every counter was 0 (gslbd's start), the
  // history's first sample.
  DrillWatch(zones::Db& db, int64_t counters_zero_at_ms) : db_(db) {
    history_.record(counters_zero_at_ms, {});
  }

  // What the feed serves now: the drills overlaid on generation `generation`,
  // and the oldest generation any worker still serves.
  struct Serving {
    const std::vector<zones::Drill>& drills;
    uint64_t generation;
    uint64_t oldest_served;
  };

  // Whether tick() has something to do at `now_ms` (so the caller collects
  // the workers' totals only then).
  bool wants_tick(int64_t now_ms, const Serving& serving) const;
  void tick(int64_t now_ms, const Serving& serving, const QueryTotals& totals);
  // The feed is about to publish a rebuilt snapshot: every live drill is
  // counted (the new snapshot may end some: their final counts are taken
  // here), and the totals are kept as the end of a new drill's "before".
  void before_publish(int64_t now_ms, const QueryTotals& totals);
  // Whether a drill waits for the workers to switch (the caller ticks again soon).
  bool awaiting_live() const;
  // Saves every watched drill's report as it stands (gslbd is stopping).
  void save_all(int64_t now_ms);

  // The live report of drill `id`, if it is watched. Any thread.
  std::optional<nlohmann::json> live_report(int64_t id) const;

 private:
  struct Watched {
    zones::Drill drill;
    DrillScope scope;
    uint64_t generation = 0;                     // the first generation overlaying it
    std::optional<int64_t> live_at;              // this process's; counts.live_at_ms may be older
    std::map<AnswerKey, uint64_t> base_answers;  // totals at live_at
    std::map<AnswerKey, uint64_t> publish_base;  // totals right before the drill's publish
    uint64_t base_member_answers = 0;
    DrillCounts carried;  // from a report saved by an earlier gslbd
    DrillCounts counts;
    int64_t saved_at_ms = 0;
  };

  void watch_new(int64_t now_ms, const Serving& serving);
  void go_live(Watched& w, int64_t now_ms, const QueryTotals& totals);
  void count(Watched& w, int64_t now_ms, const QueryTotals& totals);
  void finish_ended(int64_t now_ms, const Serving& serving);
  void save(Watched& w, int64_t now_ms);
  void publish(const Watched& w);
  std::optional<DrillScope> scope_of(const zones::Drill& drill);

  zones::Db& db_;
  AnswerHistory history_;
  std::map<int64_t, Watched> watched_;  // by drill id
  int64_t ticked_at_ms_ = 0;
  // The totals right before the last publish, and when.
  std::optional<std::pair<int64_t, std::map<AnswerKey, uint64_t>>> pre_publish_;
  mutable std::mutex reports_mutex_;
  std::map<int64_t, nlohmann::json> reports_;  // what live_report() returns
};

}  // namespace server
