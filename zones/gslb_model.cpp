// Text forms of the GSLB enums (see gslb_model.h): one table per enum, read both ways.
#include "zones/gslb_model.h"

#include <array>
#include <utility>

namespace zones {
namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

constexpr Names<AdminState, 3> kAdminStates{{
    {AdminState::kEnabled, "enabled"},
    {AdminState::kDrain, "drain"},
    {AdminState::kFail, "fail"},
}};

constexpr Names<Policy, 6> kPolicies{{
    {Policy::kFailover, "failover"},
    {Policy::kWeighted, "weighted"},
    {Policy::kGeo, "geo"},
    {Policy::kProximity, "proximity"},
    {Policy::kLatency, "latency"},
    {Policy::kAll, "all"},
}};

constexpr Names<WhenAllDown, 3> kWhenAllDown{{
    {WhenAllDown::kFailOpen, "fail-open"},
    {WhenAllDown::kNodata, "nodata"},
    {WhenAllDown::kFallback, "fallback"},
}};

constexpr Names<Affinity, 2> kAffinities{{
    {Affinity::kNone, "none"},
    {Affinity::kSubnet, "subnet"},
}};

constexpr Names<HealthState, 3> kHealthStates{{
    {HealthState::kUp, "up"},
    {HealthState::kDown, "down"},
    {HealthState::kUnknown, "unknown"},
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

}  // namespace

const char* to_string(AdminState state) {
  return name_of(kAdminStates, state);
}
const char* to_string(Policy policy) {
  return name_of(kPolicies, policy);
}
const char* to_string(WhenAllDown value) {
  return name_of(kWhenAllDown, value);
}
const char* to_string(Affinity value) {
  return name_of(kAffinities, value);
}
const char* to_string(HealthState state) {
  return name_of(kHealthStates, state);
}

std::optional<AdminState> parse_admin_state(std::string_view text) {
  return value_of(kAdminStates, text);
}
std::optional<Policy> parse_policy(std::string_view text) {
  return value_of(kPolicies, text);
}
std::optional<WhenAllDown> parse_when_all_down(std::string_view text) {
  return value_of(kWhenAllDown, text);
}
std::optional<Affinity> parse_affinity(std::string_view text) {
  return value_of(kAffinities, text);
}
std::optional<HealthState> parse_health_state(std::string_view text) {
  return value_of(kHealthStates, text);
}

}  // namespace zones
