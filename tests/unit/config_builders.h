// Builders shared by the unit tests that make zones::GslbConfig values by hand.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "zones/gslb_model.h"

namespace unitcfg {

// A service linking `pools` in order, each with priority 1, weight 1 and no bias.
inline zones::Service service(std::string name, std::vector<std::string> pools) {
  zones::Service s;
  s.name = std::move(name);
  for (std::string& p : pools) s.pools.push_back({std::move(p), 1, 1, 0});
  return s;
}

}  // namespace unitcfg
