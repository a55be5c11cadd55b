// The hash used for the snapshot's name table, shared by the compiler and the
// query path so both agree. It hashes a lowercase wire-format name label by
// label from the root, so every suffix's hash falls out of one pass.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zones {

inline constexpr uint64_t kNameHashSeed = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
inline constexpr int kMaxLabels = 128;  // a 255-octet name has at most 127 labels + root

// A lowercase wire name split into labels, with the hash of every suffix.
// label_off[i] is where label i starts (label_off[count] is the root byte);
// suffix i (labels i..count-1) is length - label_off[i] octets long and
// hashes to suffix_hash[i]; suffix_hash[count] is the root's hash (the seed).
struct NameLabels {
  uint8_t label_off[kMaxLabels];
  uint64_t suffix_hash[kMaxLabels];
  int count = 0;
  int length = 0;

  size_t suffix_len(int i) const { return static_cast<size_t>(length - label_off[i]); }
};

// Hashes one label (its length byte and characters) onto `h`.
inline uint64_t hash_label(uint64_t h, const uint8_t* label) {
  const unsigned n = label[0] + 1u;
  for (unsigned i = 0; i < n; ++i) h = (h ^ label[i]) * 0x100000001b3ULL;
  return h;
}

// Fills label offsets and suffix hashes of a validated lowercase wire name
// (uncompressed, ends with the root label). Returns false if it is malformed.
inline bool split_name(const uint8_t* wire, size_t len, NameLabels& out) {
  if (len == 0 || len > 255) return false;
  size_t pos = 0;
  int count = 0;
  while (pos < len && wire[pos] != 0) {
    if (count == kMaxLabels - 1 || wire[pos] > 63) return false;
    out.label_off[count++] = static_cast<uint8_t>(pos);
    pos += wire[pos] + 1u;
  }
  if (pos + 1 != len) return false;
  out.label_off[count] = static_cast<uint8_t>(pos);
  out.count = count;
  out.length = static_cast<int>(len);
  uint64_t h = kNameHashSeed;
  out.suffix_hash[count] = h;
  for (int i = count - 1; i >= 0; --i) {
    h = hash_label(h, wire + out.label_off[i]);
    out.suffix_hash[i] = h;
  }
  return true;
}

}  // namespace zones
