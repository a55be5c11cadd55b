// drill_from_spec: an operator's drill request checked against the configuration, every
// problem named by its field (see drills.h).
#include <algorithm>

#include "zones/drills.h"
#include "zones/gslb_internal.h"
#include "zones/gslb_json.h"
#include "zones/validate.h"

namespace zones {
namespace {

constexpr const char* kTargetForms = "must be region/NAME, pool/NAME or member/POOL/ADDRESS";

Error invalid(const char* field, std::string message) {
  return Error{ErrorCode::kInvalid, field, std::move(message)};
}

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

template <typename T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& i) { return i.name == name; });
  return it == items.end() ? nullptr : &*it;
}

// "POOL/ADDRESS" with the address in canonical form, or the problem.
Result<std::string> member_target(std::string_view rest, const GslbConfig& config) {
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return fail(
        ErrorCode::kInvalid, "target",
        std::string(kTargetForms) + " (got " + in_quotes("member/" + std::string(rest)) + ")");
  }
  const std::string_view pool_name = rest.substr(0, slash);
  const std::string_view address = rest.substr(slash + 1);
  const Pool* pool = find_named(config.pools, pool_name);
  if (pool == nullptr)
    return fail(ErrorCode::kInvalid, "target", "no pool named " + in_quotes(pool_name));
  auto canonical = gslb::canonical_address(address);
  if (!canonical)
    return fail(ErrorCode::kInvalid, "target", "not an address: " + in_quotes(address));
  auto member = std::find_if(pool->members.begin(), pool->members.end(),
                             [&](const Member& m) { return m.address == *canonical; });
  if (member == pool->members.end()) {
    return fail(ErrorCode::kInvalid, "target",
                "no member " + *canonical + " in pool " + in_quotes(pool_name));
  }
  return std::string(pool_name) + "/" + *canonical;
}

// Fills drill.kind and drill.target from "KIND/NAME", or returns the problem.
std::optional<Error> parse_target(std::string_view path, const GslbConfig& config, Drill& drill) {
  const size_t slash = path.find('/');
  auto kind = parse_drill_target_kind(path.substr(0, slash));
  if (slash == std::string_view::npos || !kind) {
    return invalid("target", std::string(kTargetForms) + " (got " + in_quotes(path) + ")");
  }
  const std::string_view name = path.substr(slash + 1);
  drill.kind = *kind;
  drill.target = std::string(name);
  switch (*kind) {
    case DrillTargetKind::kRegion:
      if (!find_named(config.regions, name))
        return invalid("target", "no region named " + in_quotes(name));
      return std::nullopt;
    case DrillTargetKind::kPool:
      if (!find_named(config.pools, name))
        return invalid("target", "no pool named " + in_quotes(name));
      return std::nullopt;
    case DrillTargetKind::kMember: {
      auto target = member_target(name, config);
      if (!target) return target.error();
      drill.target = *target;
      return std::nullopt;
    }
  }
  return invalid("target", "unknown target kind");
}

// The duration in milliseconds, or the problem.
std::optional<Error> parse_duration(std::string_view text, int64_t& ms) {
  const std::string range = "between " + format_duration_ms(kMinDrillMs) + " and " +
                            format_duration_ms(kMaxDrillMs) + " (7 days)";
  auto parsed = parse_duration_ms(text);
  if (!parsed) {
    return invalid("duration",
                   "not a duration: " + in_quotes(text) + " (e.g. \"10m\", \"1h\", \"90s\")");
  }
  if (*parsed < static_cast<uint64_t>(kMinDrillMs) ||
      *parsed > static_cast<uint64_t>(kMaxDrillMs)) {
    return invalid("duration", "must be " + range + " (got " + in_quotes(text) + ")");
  }
  ms = static_cast<int64_t>(*parsed);
  return std::nullopt;
}

// Characters, not bytes: UTF-8 continuation bytes do not start one.
size_t utf8_length(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

Result<Drill> drill_from_spec(const DrillSpec& spec, const GslbConfig& config, int64_t now_ms,
                              std::string_view actor) {
  std::vector<Error> errors;
  Drill drill;
  if (auto e = parse_target(spec.target, config, drill)) errors.push_back(*e);
  auto action = parse_drill_action(spec.action);
  if (!action)
    errors.push_back(
        invalid("action", "must be fail or drain (got " + in_quotes(spec.action) + ")"));
  int64_t duration_ms = 0;
  if (auto e = parse_duration(spec.duration, duration_ms)) errors.push_back(*e);
  if (const size_t length = utf8_length(spec.note); length > kMaxDrillNoteChars) {
    errors.push_back(invalid("note", "at most " + std::to_string(kMaxDrillNoteChars) +
                                         " characters (got " + std::to_string(length) + ")"));
  }
  if (!errors.empty()) return std::unexpected(join_errors(errors));
  drill.action = *action;
  drill.note = spec.note;
  drill.created_by = std::string(actor);
  drill.started_at_ms = now_ms;
  drill.ends_at_ms = now_ms + duration_ms;
  return drill;
}

}  // namespace zones
