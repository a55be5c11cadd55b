// Writes and reads the audit table (see audit.h).
#include "zones/audit.h"

#include "zones/clock.h"

namespace zones {
namespace {

void bind_json(Statement& stmt, std::string_view name, const std::string& json) {
  if (json.empty()) {
    stmt.bind_null(name);
  } else {
    stmt.bind(name, json);
  }
}

// A stored object's JSON as a value; text that is not JSON (never written so) as a string.
nlohmann::json stored_json(const std::string& text) {
  if (text.empty()) return nullptr;
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? nlohmann::json(text) : value;
}

}  // namespace

Result<void> append_audit(Db& db, const AuditEntry& entry) {
  auto stmt = db.prepare(
      "INSERT INTO audit (at, actor, action, object, before, after) "
      "VALUES (:at, :actor, :action, :object, :before, :after)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":at", entry.at_ms != 0 ? entry.at_ms : unix_ms())
      .bind(":actor", entry.actor)
      .bind(":action", entry.action)
      .bind(":object", entry.object);
  bind_json(*stmt, ":before", entry.before);
  bind_json(*stmt, ":after", entry.after);
  return stmt->run();
}

Result<std::vector<AuditEntry>> list_audit(Db& db, int64_t limit) {
  auto stmt = db.prepare(
      "SELECT id, at, actor, action, object, before, after FROM audit "
      "ORDER BY id DESC LIMIT :limit");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":limit", limit);
  std::vector<AuditEntry> entries;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    entries.push_back({stmt->int_at(0), stmt->int_at(1), stmt->text_at(2), stmt->text_at(3),
                       stmt->text_at(4), stmt->text_at(5), stmt->text_at(6)});
  }
  return entries;
}

nlohmann::json audit_json(const std::vector<AuditEntry>& entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const AuditEntry& e : entries)
    list.push_back({{"id", e.id},
                    {"at_ms", e.at_ms},
                    {"actor", e.actor},
                    {"action", e.action},
                    {"object", e.object},
                    {"before", stored_json(e.before)},
                    {"after", stored_json(e.after)}});
  return list;
}

}  // namespace zones
