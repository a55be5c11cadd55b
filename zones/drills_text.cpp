// Text and JSON forms of drills (see drills.h): one table per enum, read both ways.
#include <array>
#include <utility>

#include "zones/drills.h"
#include "zones/gslb_json.h"

namespace zones {
namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

constexpr Names<DrillTargetKind, 3> kTargetKinds{{
    {DrillTargetKind::kRegion, "region"},
    {DrillTargetKind::kPool, "pool"},
    {DrillTargetKind::kMember, "member"},
}};

constexpr Names<DrillAction, 2> kActions{{
    {DrillAction::kFail, "fail"},
    {DrillAction::kDrain, "drain"},
}};

constexpr Names<DrillEndReason, 2> kEndReasons{{
    {DrillEndReason::kExpired, "expired"},
    {DrillEndReason::kAborted, "aborted"},
}};

template <typename E, size_t N>
const char* name_of(const Names<E, N>& names, E value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return "?";
}

template <typename E, size_t N>
std::optional<E> value_of(const Names<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (text == name) return v;
  }
  return std::nullopt;
}

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

const char* to_string(DrillTargetKind kind) {
  return name_of(kTargetKinds, kind);
}
const char* to_string(DrillAction action) {
  return name_of(kActions, action);
}
const char* to_string(DrillEndReason reason) {
  return name_of(kEndReasons, reason);
}
std::optional<DrillTargetKind> parse_drill_target_kind(std::string_view text) {
  return value_of(kTargetKinds, text);
}
std::optional<DrillAction> parse_drill_action(std::string_view text) {
  return value_of(kActions, text);
}
std::optional<DrillEndReason> parse_drill_end_reason(std::string_view text) {
  return value_of(kEndReasons, text);
}

std::string drill_target_path(const Drill& drill) {
  return std::string(to_string(drill.kind)) + "/" + drill.target;
}

std::string drill_summary(const Drill& drill) {
  return std::string(to_string(drill.action)) + " " + drill_target_path(drill);
}

nlohmann::json drill_json(const Drill& drill, bool with_report) {
  nlohmann::json j = {
      {"id", drill.id},
      {"target", drill_target_path(drill)},
      {"action", to_string(drill.action)},
      {"note", drill.note},
      {"created_by", drill.created_by},
      {"started_at_ms", drill.started_at_ms},
      {"ends_at_ms", drill.ends_at_ms},
      {"duration",
       format_duration_ms(static_cast<uint64_t>(drill.ends_at_ms - drill.started_at_ms))},
      {"ended_at_ms", or_null(drill.ended_at_ms)},
      {"end_reason", drill.end_reason ? nlohmann::json(to_string(*drill.end_reason)) : nullptr},
  };
  if (with_report && drill.report) {
    // A report that is not JSON (written by hand into the store) is shown as text.
    auto parsed = nlohmann::json::parse(*drill.report, nullptr, false);
    j["report"] = parsed.is_discarded() ? nlohmann::json(*drill.report) : parsed;
  }
  return j;
}

}  // namespace zones

namespace zones {
namespace {

Result<int64_t> int_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer())
    return fail(ErrorCode::kInvalid, name, "must be an integer");
  return it->get<int64_t>();
}

Result<std::string> text_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return fail(ErrorCode::kInvalid, name, "must be a string");
  return it->get<std::string>();
}

}  // namespace

Result<Drill> drill_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return fail(ErrorCode::kInvalid, "drill", "must be a JSON object");
  Drill d;
  auto id = int_member(j, "id");
  auto target = text_member(j, "target");
  auto action = text_member(j, "action");
  auto note = text_member(j, "note");
  auto by = text_member(j, "created_by");
  auto start = int_member(j, "started_at_ms");
  auto end = int_member(j, "ends_at_ms");
  for (const Error* e : {id ? nullptr : &id.error(), target ? nullptr : &target.error(),
                         action ? nullptr : &action.error(), note ? nullptr : &note.error(),
                         by ? nullptr : &by.error(), start ? nullptr : &start.error(),
                         end ? nullptr : &end.error()}) {
    if (e != nullptr) return std::unexpected(*e);
  }
  const size_t slash = target->find('/');
  auto kind = parse_drill_target_kind(target->substr(0, slash));
  auto parsed_action = parse_drill_action(*action);
  if (slash == std::string::npos || !kind || slash + 1 == target->size())
    return fail(ErrorCode::kInvalid, "target", "\"" + *target + "\" is not KIND/NAME");
  if (!parsed_action) return fail(ErrorCode::kInvalid, "action", "must be fail or drain");
  if (*id <= 0 || *end <= *start)
    return fail(ErrorCode::kInvalid, "drill", "needs an id > 0 and an end after its start");
  d.id = *id;
  d.kind = *kind;
  d.target = target->substr(slash + 1);
  d.action = *parsed_action;
  d.note = *note;
  d.created_by = *by;
  d.started_at_ms = *start;
  d.ends_at_ms = *end;
  const auto reason = j.find("end_reason");
  if (reason != j.end() && reason->is_string()) {
    d.end_reason = parse_drill_end_reason(reason->get<std::string>());
    auto ended = int_member(j, "ended_at_ms");
    if (!d.end_reason || !ended) return fail(ErrorCode::kInvalid, "end_reason", "is malformed");
    d.ended_at_ms = *ended;
  }
  return d;
}

}  // namespace zones
