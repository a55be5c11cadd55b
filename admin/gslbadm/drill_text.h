// Human output of `gslbadm drill`: drills as the admin API's JSON (zones::drill_json) turned
// into tables and fields, and a drill's report (written by gslbd) read as a verdict, timings
// and per-service answer counts before and during the drill.
#pragma once

#include <cstdint>
#include <ostream>

#include <nlohmann/json.hpp>

namespace gslbadm {

// "running", "aborted", "expired", or "ended" (its end passed, not yet closed).
std::string drill_state(const nlohmann::json& drill, int64_t now_ms);

// "started drill 7: fail pool/eu-west for 10m, until ...", or a dry run's changes.
void print_drill_started(std::ostream& out, const nlohmann::json& started);
void print_drill_list(std::ostream& out, const nlohmann::json& drills, int64_t now_ms);
// The drill's fields, then its report (or why there is none).
void print_drill(std::ostream& out, const nlohmann::json& drill, int64_t now_ms);
// {"window", "before", "services", "first_moved_answer_ms", "answers_at_target", "verdict",
// "reason"}: a verdict line, the timings, then a table per service of answers per pool
// before and during the drill, the target pool marked.
void print_drill_report(std::ostream& out, const nlohmann::json& report);

}  // namespace gslbadm
