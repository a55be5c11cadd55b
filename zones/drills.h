// Failover drills: the stored drills (DrillStore) and their effect on the configuration
// gslbd compiles (apply_drills). A drill never edits the stored configuration: gslbd
// overlays the running drills on a copy before compiling, so a drill ends by itself.
//
// What a running drill does to answers (the selector's rules, server/selector/pool_state.cpp,
// applied to the overlaid admin states):
//  - fail pool:    the pool is "failed": never answered, and it counts as down, so the
//                  service's answers carry its degraded_ttl and the policy moves on to the
//                  next pool, as in a real outage.
//  - drain pool:   the pool is "drained": never answered, but not down (normal TTL).
//  - region:       the same, for every pool in the region.
//  - member:       the member is never answered and is not counted as usable (fail and
//                  drain do the same to a member); a pool left with fewer usable members
//                  than max(min_healthy, 1) is down (degraded TTL) and the policy moves on.
//  - nothing left: the service's when_all_down applies; fail-open still skips failed and
//                  drained pools and members, so it answers NODATA; fallback answers its
//                  fallback addresses; nodata answers NODATA.
// Health probing and health state are untouched: a drill is a forced state on top of the
// real one, and the real one shows again when the drill ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/result.h"

namespace zones {

enum class DrillTargetKind : uint8_t { kRegion, kPool, kMember };
enum class DrillAction : uint8_t { kFail, kDrain };
enum class DrillEndReason : uint8_t { kExpired, kAborted };

inline constexpr int64_t kMinDrillMs = 10'000;                  // 10s
inline constexpr int64_t kMaxDrillMs = 7LL * 24 * 3600 * 1000;  // 7 days
inline constexpr size_t kMaxDrillNoteChars = 1000;              // UTF-8 characters
// Who closes an expired drill in the audit log (no operator is there to do it).
inline constexpr const char* kDrillExpiryActor = "system:drill-expiry";

// What an operator asks for, as the API body and `gslbadm drill start` give it.
struct DrillSpec {
  std::string target;               // "region/NAME", "pool/NAME" or "member/POOL/ADDRESS"
  std::string action;               // "fail" | "drain"
  std::string duration;             // "10m", "1h", "90s" (zones::parse_duration_ms), 10s .. 7 days
  std::string note;                 // at most kMaxDrillNoteChars
  bool allow_total_outage = false;  // run it even if it leaves a service with no pool
  bool dry_run = false;             // validate and return the drill without writing it
};

struct Drill {
  int64_t id = 0;  // 0 for a drill not (yet) stored, e.g. from a dry run
  DrillTargetKind kind = DrillTargetKind::kPool;
  std::string target;  // region or pool name, or "POOL/ADDRESS" (canonical address)
  DrillAction action = DrillAction::kFail;
  std::string note;
  std::string created_by;
  int64_t started_at_ms = 0;
  int64_t ends_at_ms = 0;
  std::optional<int64_t> ended_at_ms;  // unset while running
  std::optional<DrillEndReason> end_reason;
  std::optional<std::string> report;  // JSON

  // Started, not ended, and its end time not reached.
  bool running_at(int64_t now_ms) const {
    return !ended_at_ms && started_at_ms <= now_ms && now_ms < ends_at_ms;
  }
};

struct DrillStarted {
  Drill drill;
  // Services the drill (with those already running) leaves with no usable pool; only ever
  // non-empty when allow_total_outage was set. Names in canonical form, sorted.
  std::vector<std::string> services_out;
};

class DrillStore {
 public:
  // The Db must be migrated (see migrate.h) and outlive the DrillStore.
  explicit DrillStore(Db& db) : db_(db) {}

  // Validates `spec` against the stored configuration (every problem, each naming its
  // field: "target: no pool named \"eu\"", "duration: ..."), refuses with kConflict a drill
  // that with the running ones leaves a service with no usable pool (unless
  // allow_total_outage), then writes the drill and a "drill.start" audit row in one
  // transaction (which bumps config_version). A dry run writes nothing.
  Result<DrillStarted> start(const DrillSpec& spec, int64_t now_ms, std::string_view actor);

  Result<std::vector<Drill>> list(int64_t limit);  // the newest `limit` drills, newest first
  Result<Drill> get(int64_t id);                   // kNotFound when there is none

  // Ends a running drill now (end_reason aborted) with a "drill.abort" audit row.
  // kNotFound, or kConflict when it has already ended (or reached its end time).
  Result<Drill> abort(int64_t id, int64_t now_ms, std::string_view actor);

  // Closes every drill whose end time has passed: end_reason expired, ended_at_ms =
  // ends_at_ms (the drill ended then, even if nobody was there to close it), one
  // "drill.expire" audit row each. Returns their ids. Takes no write lock when none is due.
  Result<std::vector<int64_t>> close_expired(int64_t now_ms);

  // The drills running at `now_ms` (Drill::running_at), oldest first.
  Result<std::vector<Drill>> running(int64_t now_ms);
  // The soonest end of a drill running at `now_ms`, for a timer; unset when none runs.
  Result<std::optional<int64_t>> next_end_ms(int64_t now_ms);

  // Fleet mode (admin/fleet): makes the stored drill `drill.id` what another node wrote —
  // inserted with its id when new ("drill.start" audit row as `actor`), ended when `drill`
  // was aborted and the stored one still runs ("drill.abort"). A drill this node has
  // already closed stays closed: each node ends a drill itself at its end time. The report
  // is this node's own and is kept. `drill` is checked as drill_from_json does.
  Result<void> replicate(const Drill& drill, int64_t now_ms, std::string_view actor);
  // Stores the drill's report (a JSON document). Neither audited nor a configuration
  // change: gslbd rewrites it while the drill runs without rebuilding its snapshot.
  Result<void> set_report(int64_t id, std::string_view report_json);

 private:
  Result<std::vector<Drill>> query(std::string_view sql, int64_t value);
  Db& db_;
};

// ---- pure logic, no store ----

// The drill `spec` describes, checked against `config` (ids 0, not ended). Every problem,
// each with its field (target, action, duration, note), joined into one Error (kInvalid).
Result<Drill> drill_from_spec(const DrillSpec& spec, const GslbConfig& config, int64_t now_ms,
                              std::string_view actor);

// Raises the admin state of each running drill's target in `config`: fail -> kFail, drain ->
// kDrain, never weakening a stronger state (fail beats drain beats enabled). A target that no
// longer exists is skipped. gslbd compiles the result instead of the stored configuration.
void apply_drills(GslbConfig& config, const std::vector<Drill>& running);

// Services with no usable pool in `config` (admin states only; live health is not
// considered): a pool is usable when it is enabled and has at least max(min_healthy, 1)
// enabled members, as the selector counts them when it answers fail-open. A service with
// when_all_down: fallback and a fallback address is never out: it answers those addresses
// (so a drill may test the fallback). Canonical names, sorted.
std::vector<std::string> services_left_without_pools(const GslbConfig& config);

// Services that `proposed` takes out on top of `running` (out with both, not with `running`
// alone). Empty when the drill may start without allow_total_outage.
std::vector<std::string> services_taken_out(const GslbConfig& config,
                                            const std::vector<Drill>& running,
                                            const Drill& proposed);

// One kConflict Error (at "target") per service `proposed` takes out, naming the service,
// the running drills on its pools and `proposed`: "service www.x. would have no usable pool:
// drill 3 (fail pool/us-east) already running, and this drill (fail pool/eu); set
// allow_total_outage to run it anyway".
std::vector<Error> total_outage_conflicts(const GslbConfig& config,
                                          const std::vector<Drill>& running, const Drill& proposed);

// Text forms, as in the store, the API and the audit log.
const char* to_string(DrillTargetKind kind);
const char* to_string(DrillAction action);
const char* to_string(DrillEndReason reason);
std::optional<DrillTargetKind> parse_drill_target_kind(std::string_view text);
std::optional<DrillAction> parse_drill_action(std::string_view text);
std::optional<DrillEndReason> parse_drill_end_reason(std::string_view text);

// A drill from drill_json's form (id, target, action, note, created_by, started_at_ms,
// ends_at_ms, ended_at_ms, end_reason; the rest ignored), every field checked.
Result<Drill> drill_from_json(const nlohmann::json& j);

// "pool/eu-west", "member/eu-west/192.0.2.10": the drill's target as the API spells it.
std::string drill_target_path(const Drill& drill);
// "fail pool/eu-west": a drill in one phrase, for messages.
std::string drill_summary(const Drill& drill);
// The drill as JSON (API, gslbadm --json, audit): id, target, action, note, created_by,
// started_at_ms, ends_at_ms, duration, ended_at_ms and end_reason (null while running), and
// the report when `with_report` and there is one.
nlohmann::json drill_json(const Drill& drill, bool with_report = true);

}  // namespace zones
