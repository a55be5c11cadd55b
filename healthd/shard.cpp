// Rendezvous hashing of targets over vantages (see shard.h).
#include "healthd/shard.h"

#include <algorithm>

namespace healthd {
namespace {

// FNV-1a over target, a separator and vantage, then a 64-bit finaliser (splitmix64) so that
// names differing in one character rank independently. Stable across builds and machines:
// every vantage must compute the same ranks.
uint64_t rank(std::string_view target, std::string_view vantage) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  };
  mix(target);
  mix("\x1f");
  mix(vantage);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace

bool probes_here(std::string_view target, std::string_view self,
                 const std::vector<std::string>& vantages, uint32_t copies) {
  if (copies == 0) return true;
  const uint64_t mine = rank(target, self);
  uint32_t above = 0;  // vantages ranking higher than self
  for (const std::string& v : vantages) {
    if (v == self) continue;
    const uint64_t theirs = rank(target, v);
    if (theirs > mine || (theirs == mine && v < self)) ++above;
    if (above >= copies) return false;
  }
  return true;
}

}  // namespace healthd
