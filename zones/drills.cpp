// DrillStore: drills in the store, each write in one transaction with its audit row
// (see drills.h). The config_version bump comes from the drill table's triggers (0005).
#include "zones/drills.h"

#include <algorithm>

#include "zones/audit.h"
#include "zones/gslb_internal.h"
#include "zones/validate.h"

namespace zones {
namespace {

constexpr const char* kColumns =
    "SELECT id, target_kind, target, action, note, created_by, started_at_ms, ends_at_ms, "
    "ended_at_ms, end_reason, report FROM drill ";

// A column the schema's CHECKs allow only as known text; anything else is a damaged store.
template <typename E>
E known_or(std::optional<E> value, E fallback) {
  return value ? *value : fallback;
}

Drill read_drill(const Statement& row) {
  Drill d;
  d.id = row.int_at(0);
  d.kind = known_or(parse_drill_target_kind(row.text_at(1)), DrillTargetKind::kPool);
  d.target = row.text_at(2);
  d.action = known_or(parse_drill_action(row.text_at(3)), DrillAction::kFail);
  d.note = row.text_at(4);
  d.created_by = row.text_at(5);
  d.started_at_ms = row.int_at(6);
  d.ends_at_ms = row.int_at(7);
  if (!row.null_at(8)) d.ended_at_ms = row.int_at(8);
  if (!row.null_at(9)) d.end_reason = parse_drill_end_reason(row.text_at(9));
  if (!row.null_at(10)) d.report = row.text_at(10);
  return d;
}

Error no_drill(int64_t id) {
  return Error{ErrorCode::kNotFound, "drill", "no drill " + std::to_string(id)};
}

// Inserts `d`: with its own id when it has one (a drill another fleet node started), else a
// new one; ended when `d` says so.
Result<int64_t> insert_drill(Db& db, const Drill& d) {
  auto stmt = db.prepare(
      "INSERT INTO drill (id, target_kind, target, action, note, created_by, started_at_ms, "
      "ends_at_ms, ended_at_ms, end_reason) VALUES (:id, :kind, :target, :action, :note, :by, "
      ":start, :end, :ended, :reason)");
  if (!stmt) return std::unexpected(stmt.error());
  if (d.id != 0) {
    stmt->bind(":id", d.id);
  } else {
    stmt->bind_null(":id");
  }
  stmt->bind(":kind", to_string(d.kind))
      .bind(":target", d.target)
      .bind(":action", to_string(d.action))
      .bind(":note", d.note)
      .bind(":by", d.created_by)
      .bind(":start", d.started_at_ms)
      .bind(":end", d.ends_at_ms);
  if (d.ended_at_ms && d.end_reason) {
    stmt->bind(":ended", *d.ended_at_ms).bind(":reason", to_string(*d.end_reason));
  } else {
    stmt->bind_null(":ended").bind_null(":reason");
  }
  if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
  return db.last_insert_id();
}

Result<void> write_end(Db& db, const Drill& d) {
  auto stmt = db.prepare("UPDATE drill SET ended_at_ms = :at, end_reason = :reason WHERE id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":at", *d.ended_at_ms).bind(":reason", to_string(*d.end_reason)).bind(":id", d.id);
  return stmt->run();
}

// Ends `drill` (as of `ended_at_ms`, for `reason`) with its audit row.
Result<Drill> end_drill(Db& db, const Drill& drill, int64_t ended_at_ms, DrillEndReason reason,
                        int64_t now_ms, std::string_view actor) {
  Drill ended = drill;
  ended.ended_at_ms = ended_at_ms;
  ended.end_reason = reason;
  if (auto ok = write_end(db, ended); !ok) return std::unexpected(ok.error());
  const char* action = reason == DrillEndReason::kAborted ? "drill.abort" : "drill.expire";
  auto audited =
      append_audit(db, {0, now_ms, std::string(actor), action, "drill/" + std::to_string(drill.id),
                        drill_json(drill, false).dump(), drill_json(ended, false).dump()});
  if (!audited) return std::unexpected(audited.error());
  return ended;
}

}  // namespace

Result<std::vector<Drill>> DrillStore::query(std::string_view sql, int64_t value) {
  auto stmt = db_.prepare(std::string(kColumns) + std::string(sql));
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":v", value);
  std::vector<Drill> drills;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return drills;
    drills.push_back(read_drill(*stmt));
  }
}

Result<DrillStarted> DrillStore::start(const DrillSpec& spec, int64_t now_ms,
                                       std::string_view actor) {
  // The write lock is taken before reading, so the outage check sees every running drill.
  auto tx = Transaction::begin(db_, spec.dry_run ? TxMode::kRead : TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto config = gslb::load_config(db_);
  if (!config) return std::unexpected(config.error());
  auto drill = drill_from_spec(spec, *config, now_ms, actor);
  if (!drill) return std::unexpected(drill.error());
  auto others = running(now_ms);
  if (!others) return std::unexpected(others.error());
  auto conflicts = total_outage_conflicts(*config, *others, *drill);
  if (!conflicts.empty() && !spec.allow_total_outage) {
    return std::unexpected(join_errors(conflicts));
  }
  DrillStarted started{*drill, services_taken_out(*config, *others, *drill)};
  if (spec.dry_run) return started;

  auto id = insert_drill(db_, started.drill);
  if (!id) return std::unexpected(id.error());
  started.drill.id = *id;
  auto audited = append_audit(
      db_, {0, now_ms, std::string(actor), "drill.start", "drill/" + std::to_string(*id), "",
            drill_json(started.drill, false).dump()});
  if (!audited) return std::unexpected(audited.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return started;
}

Result<void> DrillStore::replicate(const Drill& drill, int64_t now_ms, std::string_view actor) {
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto stored = query("WHERE id = :v", drill.id);
  if (!stored) return std::unexpected(stored.error());
  if (stored->empty()) {
    Drill fresh = drill;
    fresh.report.reset();
    if (auto id = insert_drill(db_, fresh); !id) return std::unexpected(id.error());
    auto audited = append_audit(
        db_, {0, now_ms, std::string(actor), "drill.start", "drill/" + std::to_string(fresh.id), "",
              drill_json(fresh, false).dump()});
    if (!audited) return audited;
  } else if (!stored->front().end_reason && drill.end_reason == DrillEndReason::kAborted &&
             drill.ended_at_ms) {
    auto ended = end_drill(db_, stored->front(), *drill.ended_at_ms, DrillEndReason::kAborted,
                           now_ms, actor);
    if (!ended) return std::unexpected(ended.error());
  }
  return tx->commit();
}

Result<std::vector<Drill>> DrillStore::list(int64_t limit) {
  return query("ORDER BY id DESC LIMIT :v", limit);
}

Result<Drill> DrillStore::get(int64_t id) {
  auto found = query("WHERE id = :v", id);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::unexpected(no_drill(id));
  return found->front();
}

Result<Drill> DrillStore::abort(int64_t id, int64_t now_ms, std::string_view actor) {
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto drill = get(id);
  if (!drill) return drill;
  const std::string name = "drill " + std::to_string(id);
  if (drill->end_reason) {
    return fail(ErrorCode::kConflict, "drill",
                name + " already ended (" + to_string(*drill->end_reason) + ")");
  }
  if (drill->ends_at_ms <= now_ms) {
    return fail(ErrorCode::kConflict, "drill", name + " already reached its end time");
  }
  // max(): a clock that stepped back must not end a drill before it started.
  auto ended = end_drill(db_, *drill, std::max(now_ms, drill->started_at_ms),
                         DrillEndReason::kAborted, now_ms, actor);
  if (!ended) return ended;
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return ended;
}

Result<std::vector<int64_t>> DrillStore::close_expired(int64_t now_ms) {
  constexpr const char* kDue = "WHERE ended_at_ms IS NULL AND ends_at_ms <= :v ORDER BY id";
  // gslbd calls this on a timer and at start: look before taking the write lock.
  auto due = query(kDue, now_ms);
  if (!due) return std::unexpected(due.error());
  if (due->empty()) return std::vector<int64_t>{};

  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  due = query(kDue, now_ms);  // again, under the lock: another closer may have been first
  if (!due) return std::unexpected(due.error());
  std::vector<int64_t> closed;
  for (const Drill& drill : *due) {
    auto ended = end_drill(db_, drill, drill.ends_at_ms, DrillEndReason::kExpired, now_ms,
                           kDrillExpiryActor);
    if (!ended) return std::unexpected(ended.error());
    closed.push_back(drill.id);
  }
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return closed;
}

Result<std::vector<Drill>> DrillStore::running(int64_t now_ms) {
  return query("WHERE ended_at_ms IS NULL AND started_at_ms <= :v AND ends_at_ms > :v ORDER BY id",
               now_ms);
}

Result<std::optional<int64_t>> DrillStore::next_end_ms(int64_t now_ms) {
  auto drills = running(now_ms);
  if (!drills) return std::unexpected(drills.error());
  std::optional<int64_t> soonest;
  for (const Drill& d : *drills) soonest = std::min(soonest.value_or(d.ends_at_ms), d.ends_at_ms);
  return soonest;
}

Result<void> DrillStore::set_report(int64_t id, std::string_view report_json) {
  if (!nlohmann::json::accept(report_json)) {
    return fail(ErrorCode::kInvalid, "report", "not a JSON document");
  }
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto stmt = db_.prepare("UPDATE drill SET report = :report WHERE id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":report", report_json).bind(":id", id);
  if (auto ok = stmt->run(); !ok) return ok;
  if (db_.changes() == 0) return std::unexpected(no_drill(id));
  return tx->commit();
}

}  // namespace zones
