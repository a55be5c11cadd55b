// SOA serial arithmetic (RFC 1982): how the serial moves on every change.
#pragma once

#include <cstdint>

namespace zones {

// The next serial: +1 modulo 2^32, skipping 0 (some secondaries treat 0 as "unset").
inline uint32_t next_serial(uint32_t serial) {
  uint32_t next = serial + 1;
  return next == 0 ? 1 : next;
}

// True when `a` is newer than `b` in serial number arithmetic (RFC 1982 section 3.2).
inline bool serial_newer(uint32_t a, uint32_t b) {
  return a != b && static_cast<uint32_t>(a - b) < 0x80000000u;
}

// The serial of a re-imported zone: the file's when it moves forward, else old + 1, so a
// secondary always sees the change.
inline uint32_t import_serial(uint32_t from_file, uint32_t old) {
  uint32_t bumped = next_serial(old);
  return serial_newer(from_file, bumped) ? from_file : bumped;
}

}  // namespace zones
