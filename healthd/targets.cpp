// build_targets: the configuration's (monitor, address) pairs (see targets.h).
#include "healthd/targets.h"

#include <map>

#include "zones/gslb_json.h"

namespace healthd {

std::vector<Target> build_targets(const zones::GslbConfig& config) {
  std::map<std::string, std::shared_ptr<const zones::Monitor>> monitors;
  for (const zones::Monitor& m : config.monitors)
    monitors[m.name] = std::make_shared<const zones::Monitor>(m);
  std::map<std::string, Target> by_key;
  for (const zones::Pool& pool : config.pools) {
    const auto monitor = monitors.find(pool.monitor);
    if (monitor == monitors.end()) continue;
    for (const zones::Member& member : pool.members) {
      const std::string key = pool.monitor + "|" + member.address;
      Target& t = by_key[key];
      if (t.key.empty()) {
        t.key = key;
        t.probe = {monitor->second, member.address};
      }
      t.member_ids.push_back(member.id);
      t.pools.push_back(pool.name);
    }
  }
  std::vector<Target> out;
  out.reserve(by_key.size());
  for (auto& [key, target] : by_key) out.push_back(std::move(target));
  return out;
}

std::vector<int64_t> unprobed_members(const zones::GslbConfig& config) {
  std::map<std::string, bool> has_monitor;
  for (const zones::Monitor& m : config.monitors) has_monitor[m.name] = true;
  std::vector<int64_t> out;
  for (const zones::Pool& pool : config.pools) {
    if (has_monitor.contains(pool.monitor)) continue;
    for (const zones::Member& member : pool.members) out.push_back(member.id);
  }
  return out;
}

bool same_probe(const zones::Monitor& a, const zones::Monitor& b) {
  auto without_name = [](const zones::Monitor& m) {
    auto j = zones::gslb_json(m);
    j.erase("name");
    return j;
  };
  return without_name(a) == without_name(b);
}

}  // namespace healthd
