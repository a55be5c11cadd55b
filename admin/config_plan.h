// How an apply plan (zones::Plan) is shown: one line per change, a summary, and the same as
// JSON. Shared by `gslbadm apply` and the admin API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "zones/gslb_store.h"

namespace admin {

struct PlanCounts {
  size_t create = 0;
  size_t change = 0;
  size_t remove = 0;
};

PlanCounts count_changes(const zones::Plan& plan);

// "+ create pool/us-east", "~ change service/www.example.com. (ttl: 30 -> 20)",
// "- delete region/old", each ending in a newline; then "N to create, M to change, K to
// delete". "no changes\n" for an empty plan.
std::string format_plan(const zones::Plan& plan);

// {"changes": [{"action", "object", "fields", "before", "after"}], "create", "change",
// "delete", "dry_run", "applied"}; before/after are the objects' JSON (null when absent).
nlohmann::json plan_json(const zones::Plan& plan, bool dry_run);

}  // namespace admin
