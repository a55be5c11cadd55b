// Health rows: written by gslb-healthd per member and vantage, read by gslbd by seq
// (see GslbStore::write_health / health_since).
#include <cmath>

#include "zones/gslb_internal.h"
#include "zones/validate.h"

namespace zones {
namespace {

void bind_optional(Statement& s, std::string_view name, const std::optional<int64_t>& v) {
  if (v) {
    s.bind(name, *v);
  } else {
    s.bind_null(name);
  }
}

// The member a row names: by id, or by pool + address.
Result<int64_t> member_of(Db& db, const HealthRow& row, const std::string& where) {
  if (row.member_id != 0) {
    auto stmt = db.prepare("SELECT id FROM member WHERE id = :id");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":id", row.member_id);
    auto found = stmt->step();
    if (!found) return std::unexpected(found.error());
    if (*found) return row.member_id;
    return fail(ErrorCode::kNotFound, where, "no member with id " + std::to_string(row.member_id));
  }
  std::string address = gslb::canonical_address(row.address).value_or(row.address);
  auto stmt = db.prepare(
      "SELECT m.id FROM member m JOIN pool p ON p.id = m.pool_id "
      "WHERE p.name = :pool AND m.address = :address");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":pool", row.pool).bind(":address", address);
  auto found = stmt->step();
  if (!found) return std::unexpected(found.error());
  if (*found) return stmt->int_at(0);
  return fail(ErrorCode::kNotFound, where,
              "no member " + address + " in pool \"" + row.pool + "\"");
}

Result<void> write_beat(Db& db, const Vantage& beat) {
  if (beat.name.empty()) return fail(ErrorCode::kInvalid, "vantage.name", "must not be empty");
  auto stmt = db.prepare(
      "INSERT INTO vantage (name, seen_at, started_at, version) "
      "VALUES (:name, :seen, :started, :version) ON CONFLICT (name) DO UPDATE SET "
      "seen_at = excluded.seen_at, started_at = excluded.started_at, version = excluded.version");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":name", beat.name)
      .bind(":seen", beat.seen_at_ms)
      .bind(":started", beat.started_at_ms)
      .bind(":version", beat.version);
  return stmt->run();
}

}  // namespace

Result<void> GslbStore::write_health(const std::vector<HealthRow>& rows, const Vantage* beat) {
  auto tx = Transaction::begin(db_, TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  std::vector<Error> errors;
  std::vector<int64_t> ids(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string where = "health[" + std::to_string(i) + "]";
    const HealthRow& row = rows[i];
    if (row.vantage.empty()) {
      errors.push_back({ErrorCode::kInvalid, where + ".vantage", "must not be empty"});
    }
    if (row.load && !std::isfinite(*row.load)) {
      errors.push_back({ErrorCode::kInvalid, where + ".load", "must be a finite number"});
    }
    auto id = member_of(db_, row, where);
    if (!id) {
      errors.push_back(id.error());
    } else {
      ids[i] = *id;
    }
  }
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  for (size_t i = 0; i < rows.size(); ++i) {
    const HealthRow& row = rows[i];
    auto stmt = db_.prepare(
        "INSERT INTO health (member_id, vantage, state, rtt_us, rtt_ewma_us, load, checked_at, "
        "changed_at, reason, seq) VALUES (:member, :vantage, :state, :rtt, :ewma, :load, "
        ":checked, :changed, :reason, (SELECT ifnull(max(seq), 0) + 1 FROM health)) "
        "ON CONFLICT (member_id, vantage) DO UPDATE SET state = excluded.state, "
        "rtt_us = excluded.rtt_us, rtt_ewma_us = excluded.rtt_ewma_us, load = excluded.load, "
        "checked_at = excluded.checked_at, changed_at = excluded.changed_at, "
        "reason = excluded.reason, seq = excluded.seq");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":member", ids[i])
        .bind(":vantage", row.vantage)
        .bind(":state", to_string(row.state))
        .bind(":checked", row.checked_at_ms)
        .bind(":changed", row.changed_at_ms)
        .bind(":reason", row.reason);
    bind_optional(*stmt, ":rtt", row.rtt_us);
    bind_optional(*stmt, ":ewma", row.rtt_ewma_us);
    if (row.load) {
      stmt->bind_double(":load", *row.load);
    } else {
      stmt->bind_null(":load");
    }
    if (auto ok = stmt->run(); !ok) return ok;
  }
  if (beat != nullptr) {
    if (auto ok = write_beat(db_, *beat); !ok) return ok;
  }
  return tx->commit();
}

Result<std::vector<Vantage>> GslbStore::vantages() {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  auto stmt = db_.prepare("SELECT name, seen_at, started_at, version FROM vantage ORDER BY name");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<Vantage> out;
  while (true) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return out;
    out.push_back({stmt->text_at(0), stmt->int_at(1), stmt->int_at(2), stmt->text_at(3)});
  }
}

Result<std::vector<HealthRow>> GslbStore::health_since(int64_t after_seq) {
  auto tx = Transaction::begin(db_, TxMode::kRead);
  if (!tx) return std::unexpected(tx.error());
  auto stmt = db_.prepare(
      "SELECT h.member_id, p.name, m.address, h.vantage, h.state, h.rtt_us, h.rtt_ewma_us, "
      "h.load, h.checked_at, h.changed_at, h.reason, h.seq FROM health h "
      "JOIN member m ON m.id = h.member_id JOIN pool p ON p.id = m.pool_id "
      "WHERE h.seq > :after ORDER BY h.seq");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":after", after_seq);
  std::vector<HealthRow> out;
  while (true) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return out;
    HealthRow row;
    row.member_id = stmt->int_at(0);
    row.pool = stmt->text_at(1);
    row.address = stmt->text_at(2);
    row.vantage = stmt->text_at(3);
    row.state = parse_health_state(stmt->text_at(4)).value_or(HealthState::kUnknown);
    if (!stmt->null_at(5)) row.rtt_us = stmt->int_at(5);
    if (!stmt->null_at(6)) row.rtt_ewma_us = stmt->int_at(6);
    if (!stmt->null_at(7)) row.load = stmt->double_at(7);
    row.checked_at_ms = stmt->int_at(8);
    row.changed_at_ms = stmt->int_at(9);
    row.reason = stmt->text_at(10);
    row.seq = stmt->int_at(11);
    out.push_back(std::move(row));
  }
}

}  // namespace zones
