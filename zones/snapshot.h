// The immutable in-memory form of every zone that gslbd serves: a name table
// and pre-encoded RRsets, built aside by compile.h and swapped in whole.
// Nothing here allocates after construction; lookups are read-only.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "zones/name_hash.h"
#include "zones/service_table.h"

namespace zones {

inline constexpr uint32_t kNone = 0xFFFFFFFFu;

// A 2-byte compression pointer left blank in an encoded RRset, filled at
// write time: with the owner's position, or with the zone apex's position
// (the apex is always a suffix of the question name, so it is in the packet).
enum class PatchKind : uint8_t { kOwner, kApex };
struct Patch {
  uint16_t offset;
  PatchKind kind;
};

// One RRset's bytes in one of its two shapes (see Rrset).
struct EncodedRrset {
  uint32_t bytes_off = 0;
  uint32_t bytes_len = 0;
  uint32_t patches_off = 0;
  uint16_t patch_count = 0;
};

// An RRset, pre-encoded twice:
//  - at_owner: each RR's owner is a pointer to a name already in the packet
//    (the question name or a suffix of it, or the previous CNAME's target);
//  - named: each RR's owner is spelled as labels + a pointer to the apex,
//    for additional-section data whose name is not in the packet yet.
// Names inside RDATA of NS/CNAME/PTR/MX/SOA that lie in the zone are
// compressed against the apex; all others are written in full.
struct Rrset {
  uint16_t type = 0;
  uint16_t count = 0;
  uint32_t ttl = 0;
  EncodedRrset at_owner;
  EncodedRrset named;
  uint32_t additional_off = 0;  // into Snapshot::additional: RRset indices (named shape)
  uint16_t additional_count = 0;
};

// Where a name leads, statically: used for the question at query time and
// precomputed for every in-zone CNAME target.
enum class Found : uint8_t {
  kNotOurs,   // no zone of ours contains the name: REFUSED
  kNode,      // the name exists (possibly as an empty non-terminal)
  kWildcard,  // synthesised from node = "*.<closest encloser>" (RFC 4592)
  kNxdomain,  // no such name in the zone
  kReferral,  // at or below a delegation; node = the delegation point
};

struct Resolution {
  Found found = Found::kNotOurs;
  uint32_t node = kNone;  // see Found
  uint32_t zone = kNone;
};

struct Node {
  uint64_t hash = 0;
  uint32_t name_off = 0;  // lowercase wire name in Snapshot::names
  uint8_t name_len = 0;
  uint8_t label_count = 0;
  uint32_t zone = kNone;
  uint32_t rrsets_begin = 0;  // RRsets of this node, sorted by type
  uint16_t rrset_count = 0;
  uint32_t cut = kNone;       // topmost delegation point at or above this node
  uint32_t wildcard = kNone;  // the "*.<this>" node, if any
  uint32_t cname = kNone;     // the CNAME RRset, if any
  Resolution cname_target;    // where the CNAME leads (same zone only)
  // At the apex of a zone whose parent zone we also serve: the parent's
  // records at this name (its delegation NS and DS), kept as a node that is
  // not in the name table. DS questions are answered from it (RFC 4035
  // §3.1.4.1), and chains inside the parent are referred through it.
  uint32_t parent_side = kNone;
  bool in_table = true;  // false for parent-side nodes
  // A GSLB service at this name (ServiceTable::services index): its A and
  // AAAA answers come from the selector, other types from the RRsets here.
  uint32_t service = kNone;
};

struct Zone {
  uint32_t apex = kNone;          // node
  uint32_t soa = kNone;           // RRset as served for SOA queries
  uint32_t soa_negative = kNone;  // same, TTL = min(SOA TTL, MINIMUM) (RFC 2308)
  std::string name;               // presentation form, for logs
};

struct Snapshot {
  std::vector<Zone> zones;
  std::vector<Node> nodes;
  std::vector<Rrset> rrsets;
  std::vector<uint8_t> bytes;
  std::vector<Patch> patches;
  std::vector<uint32_t> additional;
  std::vector<uint8_t> names;
  std::vector<uint32_t> table;  // open addressing: node index + 1, 0 = empty
  uint64_t table_mask = 0;
  uint64_t generation = 0;
  size_t record_count = 0;
  ServiceTable services;  // GSLB services; its health array is the one mutable part

  // The node whose lowercase wire name is `name` (with hash `hash`), or kNone.
  uint32_t find(const uint8_t* name, size_t len, uint64_t hash) const {
    for (uint64_t slot = hash & table_mask;; slot = (slot + 1) & table_mask) {
      const uint32_t entry = table[slot];
      if (entry == 0) return kNone;
      const Node& node = nodes[entry - 1];
      if (node.hash == hash && node.name_len == len &&
          std::memcmp(&names[node.name_off], name, len) == 0)
        return entry - 1;
    }
  }

  // Where a lowercase wire name leads (longest-suffix zone, delegations,
  // wildcards). `ds_at_cut`: a DS question is answered by the parent side of
  // a delegation point, so the cut itself is not a referral for it.
  Resolution resolve(const uint8_t* name, const NameLabels& labels, bool ds_at_cut) const;

  // The RRset of `type` at `node`, or kNone.
  uint32_t find_rrset(uint32_t node, uint16_t type) const {
    const Node& n = nodes[node];
    for (uint32_t i = n.rrsets_begin; i < n.rrsets_begin + n.rrset_count; ++i)
      if (rrsets[i].type == type) return i;
    return kNone;
  }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace zones
