// The audit log: one row per change, with who, what, and the object before and after.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zones/db.h"
#include "zones/result.h"

namespace zones {

struct AuditEntry {
  int64_t id = 0;
  int64_t at_ms = 0;   // unix milliseconds
  std::string actor;   // "local:alice", or an API token's name
  std::string action;  // "zone.create", "record.add", ...
  std::string object;  // "zone/example.com.", "record/www.example.com./A"
  std::string before;  // JSON, empty when the object did not exist
  std::string after;   // JSON, empty when the object is gone
};

// Appends an entry; call inside the write's transaction so it commits or rolls back with it.
Result<void> append_audit(Db& db, const AuditEntry& entry);

// The newest `limit` entries, newest first.
Result<std::vector<AuditEntry>> list_audit(Db& db, int64_t limit);

// Entries as the admin API's GET /v1/audit and `gslbadm audit --json` show them:
// [{"id", "at_ms", "actor", "action", "object", "before", "after"}], with before and after as
// JSON values (null when empty).
nlohmann::json audit_json(const std::vector<AuditEntry>& entries);

}  // namespace zones
