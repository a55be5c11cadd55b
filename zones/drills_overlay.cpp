// What running drills do to a configuration (apply_drills) and the guard against a drill
// that would leave a service nothing to answer (see drills.h).
#include <algorithm>
#include <map>

#include "zones/drills.h"

namespace zones {
namespace {

int strength(AdminState state) {
  switch (state) {
    case AdminState::kEnabled:
      return 0;
    case AdminState::kDrain:
      return 1;
    case AdminState::kFail:
      return 2;
  }
  return 0;
}

// A drill only ever strengthens an override: a pool the operator failed stays failed under
// a drain drill.
void raise(AdminState& state, AdminState to) {
  if (strength(to) > strength(state)) state = to;
}

AdminState state_for(DrillAction action) {
  return action == DrillAction::kFail ? AdminState::kFail : AdminState::kDrain;
}

// For a member drill, the address part of "POOL/ADDRESS" when POOL is `pool`.
std::optional<std::string_view> member_address_in(const Drill& drill, const Pool& pool) {
  std::string_view target = drill.target;
  if (target.size() <= pool.name.size() || !target.starts_with(pool.name) ||
      target[pool.name.size()] != '/') {
    return std::nullopt;
  }
  return target.substr(pool.name.size() + 1);
}

// Whether the drill changes `pool` or one of its members.
bool drill_hits(const Drill& drill, const Pool& pool) {
  switch (drill.kind) {
    case DrillTargetKind::kRegion:
      return pool.region == drill.target;
    case DrillTargetKind::kPool:
      return pool.name == drill.target;
    case DrillTargetKind::kMember:
      return member_address_in(drill, pool).has_value();
  }
  return false;
}

void apply_drill(Pool& pool, const Drill& drill) {
  if (!drill_hits(drill, pool)) return;
  const AdminState to = state_for(drill.action);
  if (drill.kind != DrillTargetKind::kMember) return raise(pool.admin, to);
  const std::string_view address = *member_address_in(drill, pool);
  for (Member& member : pool.members) {
    if (member.address == address) raise(member.admin, to);
  }
}

// As the selector counts it when it answers fail-open (server/selector/pool_state.cpp).
bool usable(const Pool& pool) {
  if (pool.admin != AdminState::kEnabled) return false;
  const auto enabled = std::count_if(pool.members.begin(), pool.members.end(), [](const Member& m) {
    return m.admin == AdminState::kEnabled;
  });
  return static_cast<uint32_t>(enabled) >= std::max<uint32_t>(pool.min_healthy, 1);
}

bool answers_fallback(const Service& service) {
  return service.when_all_down == WhenAllDown::kFallback && !service.fallback.empty();
}

bool has_usable_pool(const Service& service, const std::map<std::string_view, const Pool*>& pools) {
  return std::any_of(service.pools.begin(), service.pools.end(), [&](const ServicePool& link) {
    auto it = pools.find(link.pool);
    return it != pools.end() && usable(*it->second);
  });
}

// The running drills that touch one of `service`'s pools.
std::vector<const Drill*> drills_on(const Service& service, const GslbConfig& config,
                                    const std::vector<Drill>& running) {
  std::vector<const Drill*> found;
  for (const Drill& drill : running) {
    const bool hits =
        std::any_of(service.pools.begin(), service.pools.end(), [&](const ServicePool& link) {
          return std::any_of(config.pools.begin(), config.pools.end(), [&](const Pool& pool) {
            return pool.name == link.pool && drill_hits(drill, pool);
          });
        });
    if (hits) found.push_back(&drill);
  }
  return found;
}

std::string outage_message(const Service& service, const std::vector<const Drill*>& others,
                           const Drill& proposed) {
  std::string message = "service " + service.name + " would have no usable pool";
  if (others.empty()) {
    message += " with this drill (" + drill_summary(proposed) + ")";
  } else {
    message += ": drill";
    for (size_t i = 0; i < others.size(); ++i) {
      message += (i == 0 ? " " : ", ") + std::to_string(others[i]->id) + " (" +
                 drill_summary(*others[i]) + ")";
    }
    message += " already running, and this drill (" + drill_summary(proposed) + ")";
  }
  return message + "; set allow_total_outage to run it anyway";
}

}  // namespace

void apply_drills(GslbConfig& config, const std::vector<Drill>& running) {
  for (const Drill& drill : running) {
    for (Pool& pool : config.pools) apply_drill(pool, drill);
  }
}

std::vector<std::string> services_left_without_pools(const GslbConfig& config) {
  std::map<std::string_view, const Pool*> pools;
  for (const Pool& pool : config.pools) pools.emplace(pool.name, &pool);
  std::vector<std::string> out;
  for (const Service& service : config.services) {
    if (!answers_fallback(service) && !has_usable_pool(service, pools)) out.push_back(service.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> services_taken_out(const GslbConfig& config,
                                            const std::vector<Drill>& running,
                                            const Drill& proposed) {
  GslbConfig before = config;
  apply_drills(before, running);
  GslbConfig after = before;
  apply_drills(after, {proposed});
  const std::vector<std::string> out_before = services_left_without_pools(before);
  std::vector<std::string> newly;
  for (std::string& name : services_left_without_pools(after)) {
    if (!std::binary_search(out_before.begin(), out_before.end(), name)) {
      newly.push_back(std::move(name));
    }
  }
  return newly;
}

std::vector<Error> total_outage_conflicts(const GslbConfig& config,
                                          const std::vector<Drill>& running,
                                          const Drill& proposed) {
  std::vector<Error> errors;
  for (const std::string& name : services_taken_out(config, running, proposed)) {
    auto service = std::find_if(config.services.begin(), config.services.end(),
                                [&](const Service& s) { return s.name == name; });
    errors.push_back({ErrorCode::kConflict, "target",
                      outage_message(*service, drills_on(*service, config, running), proposed)});
  }
  return errors;
}

}  // namespace zones
