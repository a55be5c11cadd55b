// A drill's report, as pure functions of counts: which services and pools a
// drill touches (its scope), and the report document built from the answers
// counted during it and before it. server/drill_watch.h does the counting.
//
// The report (GET /v1/drills/ID, `gslbadm drill show`; docs/drills.md):
//   window      {from_ms: the drill's start, to_ms: counted until, live_at_ms:
//               when every worker served a snapshot with the drill}
//   before      {from_ms, to_ms, covered_ms}: the same length of time before the
//               start, as far as gslbd's answer history covers it
//   services    [{service, pools: [{pool, during, before, target}]}]: addresses
//               answered per pool of every service linking a targeted pool
//   first_moved_answer_ms  from the start to the first answer of those
//               services that did not point at the target (null: none yet)
//   answers_at_target      answers pointing at the target after live_at (expected 0)
//   verdict, reason        "pass" | "fail", and why ("pending" while a running
//                          drill waits for gslbd's workers to serve it)
//   final       false while the drill runs
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/metrics.h"
#include "zones/drills.h"
#include "zones/gslb_model.h"

namespace server {

struct DrillScope {
  std::set<std::string> target_pools;      // pool and region drills: never answered
  std::optional<MemberKey> target_member;  // member drills: (pool, address)
  // Every service linking a targeted pool (the member's pool), with its pools in link
  // order: the report's rows.
  std::vector<std::pair<std::string, std::vector<std::string>>> services;

  bool touches(const std::string& service) const;
  // Whether answers of `pool` point at the target (for a member drill: its pool).
  bool pool_is_target(const std::string& pool) const;
};

DrillScope drill_scope(const zones::Drill& drill, const zones::GslbConfig& config);

// What the watch has counted for one drill.
struct DrillCounts {
  int64_t started_at_ms = 0;
  int64_t counted_until_ms = 0;
  std::optional<int64_t> live_at_ms;
  int64_t before_from_ms = 0;
  int64_t before_to_ms = 0;
  std::map<AnswerKey, uint64_t> during;  // since live_at
  std::map<AnswerKey, uint64_t> before;
  uint64_t answers_at_target = 0;  // since live_at
  std::optional<int64_t> first_moved_answer_ms;
  bool final = false;
};

// Answers during the drill for the scope's services that did not point at the
// target (other pools, fallback addresses, a member drill's pool-mates).
uint64_t moved_answers(const DrillScope& scope, const DrillCounts& counts);

// counts[key], 0 when absent.
uint64_t count_of(const std::map<AnswerKey, uint64_t>& counts, const AnswerKey& key);

nlohmann::json drill_report_json(const DrillScope& scope, const DrillCounts& counts);

// The counts a stored report holds (a drill resumed after gslbd restarted
// carries them on). Missing or malformed parts count as nothing.
DrillCounts counts_from_report(const nlohmann::json& report);

}  // namespace server
