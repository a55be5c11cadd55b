// Which vantages probe a target when a fleet shares the probing: the `copies` vantages that
// rank highest for it by rendezvous hashing (hash of target and vantage name). Every vantage
// computes the same answer from the same list of live vantages, a vantage joining or leaving
// moves only the targets it ranks high for, and no coordination is needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace healthd {

// Whether `self` is among the `copies` vantages of `vantages` (self counted even when
// missing from the list) that probe `target`; copies 0 means every vantage.
bool probes_here(std::string_view target, std::string_view self,
                 const std::vector<std::string>& vantages, uint32_t copies);

}  // namespace healthd
