#include "server/drill_watch.h"

#include <algorithm>
#include <string>

#include "zones/gslb_store.h"
#include "zones/log.h"

namespace server {
namespace {

bool serves(const std::vector<zones::Drill>& drills, int64_t id) {
  return std::ranges::any_of(drills, [&](const zones::Drill& d) { return d.id == id; });
}

uint64_t since(uint64_t now, uint64_t base) {
  return now > base ? now - base : 0;
}

void log_drill_warning(const char* event, int64_t id, const std::string& error) {
  zones::log_event(zones::LogLevel::kWarn, event,
                   {{"drill", std::to_string(id)}, {"error", error}});
}

}  // namespace

bool DrillWatch::wants_tick(int64_t now_ms, const Serving& serving) const {
  if (history_.due(now_ms) || now_ms - ticked_at_ms_ >= kTickEveryMs) return true;
  for (const zones::Drill& d : serving.drills)
    if (!watched_.contains(d.id)) return true;
  for (const auto& [id, w] : watched_) {
    if (!serves(serving.drills, id) || !w.live_at || !w.counts.first_moved_answer_ms) return true;
    if (w.drill.ends_at_ms - now_ms <= kTickEveryMs) return true;  // final counts to a poll
  }
  return false;
}

void DrillWatch::tick(int64_t now_ms, const Serving& serving, const QueryTotals& totals) {
  ticked_at_ms_ = now_ms;
  if (history_.due(now_ms)) history_.record(now_ms, totals.answers);
  watch_new(now_ms, serving);
  for (auto& [id, w] : watched_) {
    if (!serves(serving.drills, id)) continue;
    if (!w.live_at && serving.oldest_served >= w.generation) go_live(w, now_ms, totals);
    if (w.live_at) count(w, now_ms, totals);
    if (now_ms - w.saved_at_ms >= kSaveEveryMs) save(w, now_ms);
    publish(w);
  }
  finish_ended(now_ms, serving);
}

std::optional<DrillScope> DrillWatch::scope_of(const zones::Drill& drill) {
  auto config = zones::GslbStore(db_).load();
  if (!config) {  // retried at the next tick
    log_drill_warning("drill_watch_failed", drill.id, config.error().text());
    return std::nullopt;
  }
  return drill_scope(drill, *config);
}

void DrillWatch::watch_new(int64_t now_ms, const Serving& serving) {
  for (const zones::Drill& drill : serving.drills) {
    if (watched_.contains(drill.id)) continue;
    auto scope = scope_of(drill);
    if (!scope) continue;
    Watched w;
    w.drill = drill;
    w.scope = std::move(*scope);
    w.generation = serving.generation;
    if (drill.report)
      w.carried = counts_from_report(nlohmann::json::parse(*drill.report, nullptr, false));
    w.counts = w.carried;
    w.counts.started_at_ms = drill.started_at_ms;
    w.counts.counted_until_ms = std::max(w.counts.counted_until_ms, drill.started_at_ms);
    w.saved_at_ms = now_ms;  // nothing new to save yet
    zones::log_event(zones::LogLevel::kInfo, "drill_watched",
                     {{"drill", std::to_string(drill.id)},
                      {"target", zones::drill_target_path(drill)},
                      {"services", std::to_string(w.scope.services.size())},
                      {"resumed", drill.report ? "yes" : "no"}});
    watched_.emplace(drill.id, std::move(w));
  }
}

void DrillWatch::go_live(Watched& w, int64_t now_ms, const QueryTotals& totals) {
  // The publish that brought the drill in is where its window starts to the
  // answer (workers may answer from the new snapshot before this look);
  // a drill gslbd found running when it started has only the history.
  const bool brought_by_publish = pre_publish_ && pre_publish_->first >= w.drill.started_at_ms;
  w.live_at = now_ms;
  w.base_answers = totals.answers;
  w.publish_base = brought_by_publish ? pre_publish_->second : totals.answers;
  if (w.scope.target_member)
    w.base_member_answers = count_of(totals.member_answers, *w.scope.target_member);
  if (!w.counts.live_at_ms) w.counts.live_at_ms = now_ms;
  if (w.carried.before_to_ms > 0) return;  // an earlier gslbd measured "before"
  const int64_t length = w.drill.ends_at_ms - w.drill.started_at_ms;
  const int64_t from = w.drill.started_at_ms - length;
  auto span =
      brought_by_publish
          ? std::optional(history_.until_now(from, pre_publish_->first, pre_publish_->second))
          : history_.between(from, w.drill.started_at_ms);
  if (!span) return;
  w.counts.before_from_ms = span->from_ms;
  w.counts.before_to_ms = span->to_ms;
  w.counts.before = std::move(span->answers);
}

void DrillWatch::count(Watched& w, int64_t now_ms, const QueryTotals& totals) {
  DrillCounts& c = w.counts;
  c.counted_until_ms = now_ms;
  c.during = w.carried.during;
  c.answers_at_target = w.carried.answers_at_target;
  for (const auto& [key, total] : totals.answers) {
    if (!w.scope.touches(key.first)) continue;
    // A targeted pool counts from live_at (before it, a worker may still
    // have answered from the old snapshot); the others from the publish.
    const bool targeted = w.scope.target_pools.contains(key.second);
    const uint64_t n = since(total, count_of(targeted ? w.base_answers : w.publish_base, key));
    if (n > 0) c.during[key] += n;
    if (targeted) c.answers_at_target += n;
  }
  if (w.scope.target_member)
    c.answers_at_target +=
        since(count_of(totals.member_answers, *w.scope.target_member), w.base_member_answers);
  if (!c.first_moved_answer_ms && moved_answers(w.scope, c) > 0)
    c.first_moved_answer_ms = now_ms - w.drill.started_at_ms;
}

void DrillWatch::finish_ended(int64_t now_ms, const Serving& serving) {
  for (auto it = watched_.begin(); it != watched_.end();) {
    if (serves(serving.drills, it->first)) {
      ++it;
      continue;
    }
    Watched& w = it->second;
    w.counts.final = true;
    save(w, now_ms);
    zones::log_event(
        zones::LogLevel::kInfo, "drill_report",
        {{"drill", std::to_string(w.drill.id)},
         {"verdict", drill_report_json(w.scope, w.counts)["verdict"].get<std::string>()},
         {"answers_at_target", std::to_string(w.counts.answers_at_target)}});
    {
      std::lock_guard lock(reports_mutex_);
      reports_.erase(it->first);
    }
    it = watched_.erase(it);
  }
}

void DrillWatch::save(Watched& w, int64_t now_ms) {
  w.saved_at_ms = now_ms;
  const std::string report = drill_report_json(w.scope, w.counts).dump();
  if (auto saved = zones::DrillStore(db_).set_report(w.drill.id, report); !saved)
    log_drill_warning("drill_report_not_saved", w.drill.id, saved.error().text());
}

void DrillWatch::before_publish(int64_t now_ms, const QueryTotals& totals) {
  for (auto& [id, w] : watched_)
    if (w.live_at) count(w, now_ms, totals);
  pre_publish_.emplace(now_ms, totals.answers);
}

bool DrillWatch::awaiting_live() const {
  return std::ranges::any_of(watched_, [](const auto& entry) { return !entry.second.live_at; });
}

void DrillWatch::save_all(int64_t now_ms) {
  for (auto& [id, w] : watched_) save(w, now_ms);
}

void DrillWatch::publish(const Watched& w) {
  nlohmann::json report = drill_report_json(w.scope, w.counts);
  std::lock_guard lock(reports_mutex_);
  reports_[w.drill.id] = std::move(report);
}

std::optional<nlohmann::json> DrillWatch::live_report(int64_t id) const {
  std::lock_guard lock(reports_mutex_);
  auto it = reports_.find(id);
  if (it == reports_.end()) return std::nullopt;
  return it->second;
}

}  // namespace server
