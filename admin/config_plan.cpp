// Showing an apply plan (config_plan.h).
#include "admin/config_plan.h"

namespace admin {
namespace {

const char* action_name(zones::ChangeKind kind) {
  switch (kind) {
    case zones::ChangeKind::kCreate:
      return "create";
    case zones::ChangeKind::kChange:
      return "change";
    case zones::ChangeKind::kDelete:
      return "delete";
  }
  return "?";
}

const char* action_sign(zones::ChangeKind kind) {
  switch (kind) {
    case zones::ChangeKind::kCreate:
      return "+";
    case zones::ChangeKind::kChange:
      return "~";
    case zones::ChangeKind::kDelete:
      return "-";
  }
  return "?";
}

// The stored JSON text of an object as a value (null when empty, the text if it is not JSON).
nlohmann::json object_json(const std::string& text) {
  if (text.empty()) return nullptr;
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(text) : value;
}

}  // namespace

PlanCounts count_changes(const zones::Plan& plan) {
  PlanCounts counts;
  for (const zones::Change& c : plan.changes) {
    switch (c.kind) {
      case zones::ChangeKind::kCreate:
        ++counts.create;
        break;
      case zones::ChangeKind::kChange:
        ++counts.change;
        break;
      case zones::ChangeKind::kDelete:
        ++counts.remove;
        break;
    }
  }
  return counts;
}

std::string format_plan(const zones::Plan& plan) {
  if (plan.empty()) return "no changes\n";
  std::string out;
  for (const zones::Change& c : plan.changes) {
    out += std::string(action_sign(c.kind)) + " " + action_name(c.kind) + " " + c.object;
    if (!c.fields.empty()) {
      out += " (";
      for (size_t i = 0; i < c.fields.size(); ++i) out += (i ? ", " : "") + c.fields[i];
      out += ")";
    }
    out += "\n";
  }
  const PlanCounts n = count_changes(plan);
  out += std::to_string(n.create) + " to create, " + std::to_string(n.change) + " to change, " +
         std::to_string(n.remove) + " to delete\n";
  return out;
}

nlohmann::json plan_json(const zones::Plan& plan, bool dry_run) {
  nlohmann::json changes = nlohmann::json::array();
  for (const zones::Change& c : plan.changes) {
    changes.push_back({{"action", action_name(c.kind)},
                       {"object", c.object},
                       {"fields", c.fields},
                       {"before", object_json(c.before)},
                       {"after", object_json(c.after)}});
  }
  const PlanCounts n = count_changes(plan);
  return {{"changes", std::move(changes)},
          {"create", n.create},
          {"change", n.change},
          {"delete", n.remove},
          {"dry_run", dry_run},
          {"applied", !dry_run && !plan.empty()}};
}

}  // namespace admin
