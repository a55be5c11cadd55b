// Wire-format constants and unaligned big-endian accessors for the query
// path. Header-only so the compiler can inline them into the hot loop.
#pragma once

#include <cstddef>
#include <cstdint>

namespace server {

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxUdpQuery = 4096;  // larger datagrams are not queries we answer
inline constexpr size_t kMaxMessage = 65535;

namespace rtype {
inline constexpr uint16_t kA = 1, kNs = 2, kCname = 5, kSoa = 6, kPtr = 12, kMx = 15, kTxt = 16,
                          kAaaa = 28, kSrv = 33, kOpt = 41, kDs = 43, kIxfr = 251, kAxfr = 252,
                          kMailb = 253, kMaila = 254, kAny = 255;
}
namespace rclass {
inline constexpr uint16_t kIn = 1, kCh = 3, kNone = 254, kAny = 255;
}
namespace rcode {
inline constexpr uint16_t kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4,
                          kRefused = 5, kNotAuth = 9, kBadVers = 16;
}
namespace flag {
inline constexpr uint16_t kQr = 0x8000, kAa = 0x0400, kTc = 0x0200, kRd = 0x0100, kRa = 0x0080,
                          kAd = 0x0020, kCd = 0x0010;
}
inline constexpr uint16_t kEdnsOptionClientSubnet = 8;

inline uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
inline uint32_t get32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
inline void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

}  // namespace server
