// Encoding of one RRset into the two shapes a Snapshot keeps (see Rrset in
// snapshot.h). Used only by the compiler.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zones/snapshot.h"

namespace zones {

// The RRs of one RRset, as the compiler collects them.
struct RrsetSource {
  std::string owner_wire;  // lowercase wire name
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<std::string_view> rdatas;  // uncompressed wire RDATA, one per RR
};

// Appends both shapes of `src` to the snapshot's byte and patch arrays and
// fills `out`. `apex_wire` is the zone's lowercase apex. Returns false when
// the RRset cannot fit a DNS message (over 65535 octets).
bool encode_rrset(const RrsetSource& src, std::string_view apex_wire, Snapshot& snap, Rrset& out);

// The target name inside RDATA for types that point at a host whose
// addresses belong in the additional section (NS, MX, SRV), else empty.
std::string_view rdata_target(uint16_t type, std::string_view rdata);

// Lowercases a wire-format name (ASCII letters only, per RFC 4343).
std::string lower_wire(std::string_view wire);

}  // namespace zones
