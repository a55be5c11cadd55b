// What every fuzz target shares: libFuzzer's entry point, and a check that aborts, so
// libFuzzer (or the replay driver) reports the input that broke a promise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fuzz {

// Not assert(): the targets must check in Release builds (NDEBUG) too.
inline void check(bool ok, const char* promise) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: broken promise: %s\n", promise);
  std::abort();
}

}  // namespace fuzz
