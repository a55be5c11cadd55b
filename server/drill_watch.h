// The drill watch: counts the answers of every running drill for its report
// (server/drill_report.h), live while it runs and final when it ends. Runs on
// the control thread after each poll of the store; reads only the workers'
// counters (collected by the caller), never the query path.
//
// - A drill is live once every worker serves a snapshot that overlays it;
//   its counts start there (answers of older snapshots are not its).
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
  explicit DrillWatch(zones::Db& db) : db_(db) {}

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
  mutable std::mutex reports_mutex_;
  std::map<int64_t, nlohmann::json> reports_;  // what live_report() returns
};

}  // namespace server
