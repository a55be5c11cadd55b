// Appends pre-encoded RRsets to a response: copy the bytes, fill the
// compression-pointer patches, count per section, refuse what does not fit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zones/snapshot.h"

namespace server {

enum Section : uint8_t { kAnswer = 0, kAuthority = 1, kAdditional = 2 };

class AnswerWriter {
 public:
  // Writes into buf[pos, limit). `apex_ptr` is where the zone apex's name
  // starts in the packet (a suffix of the question name).
  AnswerWriter(const zones::Snapshot& snap, uint8_t* buf, size_t pos, size_t limit,
               uint16_t apex_ptr)
      : snap_(snap), buf_(buf), pos_(pos), limit_(limit), apex_ptr_(apex_ptr) {}

  // Appends an RRset whose owner name is already in the packet at
  // `owner_ptr`. Returns the offset where it was written, or 0 if it did not
  // fit (nothing is written then).
  size_t add(uint32_t rrset, Section section, uint16_t owner_ptr) {
    const zones::Rrset& r = snap_.rrsets[rrset];
    return put(r.at_owner, r.count, section, owner_ptr);
  }

  // Appends an RRset with its owner spelled out (additional-section data).
  size_t add_named(uint32_t rrset, Section section) {
    const zones::Rrset& r = snap_.rrsets[rrset];
    return put(r.named, r.count, section, 0);
  }

  // Appends one A (4 octets) or AAAA (16 octets) record chosen at query
  // time, its owner a pointer to `owner_ptr`. Returns false if it did not fit.
  bool add_address(uint16_t owner_ptr, uint16_t type, uint32_t ttl, const uint8_t* address,
                   Section section) {
    const size_t len = type == 1 ? 4 : 16;
    if (pos_ + 12 + len > limit_) return false;
    uint8_t* at = buf_ + pos_;
    const uint16_t owner = static_cast<uint16_t>(0xC000 | owner_ptr);
    const uint8_t fixed[12] = {static_cast<uint8_t>(owner >> 8),
                               static_cast<uint8_t>(owner),
                               static_cast<uint8_t>(type >> 8),
                               static_cast<uint8_t>(type),
                               0,
                               1,  // class IN
                               static_cast<uint8_t>(ttl >> 24),
                               static_cast<uint8_t>(ttl >> 16),
                               static_cast<uint8_t>(ttl >> 8),
                               static_cast<uint8_t>(ttl),
                               0,
                               static_cast<uint8_t>(len)};
    __builtin_memcpy(at, fixed, 12);
    __builtin_memcpy(at + 12, address, len);
    pos_ += 12 + len;
    ++counts_[section];
    return true;
  }

  size_t pos() const { return pos_; }
  uint16_t count(Section s) const { return counts_[s]; }
  void set_apex_ptr(uint16_t apex_ptr) { apex_ptr_ = apex_ptr; }

 private:
  size_t put(const zones::EncodedRrset& e, uint16_t rr_count, Section section, uint16_t owner_ptr) {
    if (pos_ + e.bytes_len > limit_) return 0;
    uint8_t* at = buf_ + pos_;
    __builtin_memcpy(at, &snap_.bytes[e.bytes_off], e.bytes_len);
    const uint16_t owner = static_cast<uint16_t>(0xC000 | owner_ptr);
    const uint16_t apex = static_cast<uint16_t>(0xC000 | apex_ptr_);
    for (uint32_t i = 0; i < e.patch_count; ++i) {
      const zones::Patch& p = snap_.patches[e.patches_off + i];
      const uint16_t v = p.kind == zones::PatchKind::kOwner ? owner : apex;
      at[p.offset] = static_cast<uint8_t>(v >> 8);
      at[p.offset + 1] = static_cast<uint8_t>(v);
    }
    const size_t written_at = pos_;
    pos_ += e.bytes_len;
    counts_[section] = static_cast<uint16_t>(counts_[section] + rr_count);
    return written_at;
  }

  const zones::Snapshot& snap_;
  uint8_t* buf_;
  size_t pos_;
  size_t limit_;
  uint16_t apex_ptr_;
  uint16_t counts_[3] = {0, 0, 0};
};

}  // namespace server
